#!/usr/bin/env bash
# Where a cluster host's CPU goes (issue #14): runs the sharded counter of cluster/three-hosts.sh
# (io.corepin.cluster.demo.ThreeHosts) with --hosts JVMs of one Exec each on 127.0.0.1, and over --window seconds of
# the sending (starting 1 s after every host said it was sending) reads each JVM's threads from /proc: user and system
# CPU ticks (10 ms) and voluntary / involuntary context switches, and the machine's UDP datagrams sent
# (/proc/net/snmp OutDatagrams: data frames, status messages and heartbeats, every process). Prints one line per
# thread that used CPU or switched (the media driver's SHARED thread is named after its Aeron directory), each
# host's total line, and increments sent per UDP datagram (the hosts' sent/s over the whole run x window / datagrams).
#   bash bench/cluster-threads.sh [--hosts 3] [--seconds 6] [--window 3]
# --seconds is how long every Exec sends (at least --window + 2). Every child is killed at exit; the Aeron
# directories go under one fresh /dev/shm directory, removed. SCALE_BUILD=none skips the (offline) build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
hosts=3; seconds=6; window=3
while [ $# -gt 0 ]; do
  case "$1" in
    --hosts) hosts=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
for v in "$hosts" "$seconds" "$window"; do
  [[ "$v" =~ ^[1-9][0-9]?$ ]] \
    || { echo "--hosts, --seconds and --window take integers in [1, 99], got '$v'" >&2; exit 2; }
done
[ "$seconds" -ge $((window + 2)) ] \
  || { echo "--seconds ($seconds) must be at least --window + 2 ($((window + 2)))" >&2; exit 2; }

source bench/cluster-lib.sh
cluster_setup cluster-threads "${SCALE_BUILD:-}" # builds; $work; kills every host and removes $work at exit

peers=$(cluster_peers "$hosts" 1)
for ((h = 1; h <= hosts; h++)); do
  cluster_start_host "$h" 1 "$seconds" "$peers" "$work/aeron-$h" "$work/host-$h.log"
done

# one line per thread of every host's JVM (the child of its timeout): pid tid utime stime voluntary involuntary name
# (the name last: it has spaces)
snapshot() {
  local p t
  for p in "${jvms[@]}"; do
    for t in /proc/"$p"/task/*; do
      [ -r "$t/stat" ] || continue
      { read -r -a st < <(sed 's/.*) //' "$t/stat") && echo "$p ${t##*/} ${st[11]} ${st[12]}" \
        "$(awk '/^voluntary_ctxt/ {print $2}' "$t/status")" \
        "$(awk '/^nonvoluntary_ctxt/ {print $2}' "$t/status")" "$(cat "$t/comm")"; } 2>/dev/null || true
    done
  done
}
udp_out() { awk '/^Udp: [0-9]/ {print $5}' /proc/net/snmp; }

for ((i = 0; i < 600; i++)); do # every host connected and sending: at most 60 s
  n=$( (grep -l "sending for" "$work"/host-*.log 2>/dev/null || true) | wc -l)
  [ "$n" -ge "$hosts" ] && break
  sleep 0.1
done
[ "$n" -ge "$hosts" ] \
  || { echo "only $n of $hosts hosts started sending within 60 s:" >&2; cat "$work"/host-*.log >&2; exit 1; }
jvms=()
for p in "${cluster_pids[@]}"; do jvms+=($(pgrep -P "$p")); done
sleep 1
u0=$(udp_out); snapshot >"$work/before"
sleep "$window"
u1=$(udp_out); snapshot >"$work/after"
ok=1
for p in "${cluster_pids[@]}"; do wait "$p" || ok=0; done
cluster_pids=()
echo "cluster threads: $hosts host(s) of 1 Exec, $seconds s of sending, a window of $window s from 1 s in;" \
  "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)"
python3 - "$work/before" "$work/after" <<'EOF'
import sys
before = {}
for line in open(sys.argv[1]):
    f = line.split()
    before[(f[0], f[1])] = f
for line in open(sys.argv[2]):
    f = line.split()
    b = before.get((f[0], f[1]))
    if b is None:
        continue
    user, sys_, vol, invol = (int(f[i]) - int(b[i]) for i in range(2, 6))
    if user + sys_ == 0 and vol + invol < 10:
        continue
    print(f"pid {f[0]}  {' '.join(f[6:]):<16}  user {user:4}  sys {sys_:4} ticks  switches: voluntary {vol:7}"
          f"  involuntary {invol:7}")
EOF
sent=0
for ((h = 1; h <= hosts; h++)); do
  grep -h "total:" "$work/host-$h.log" || { ok=0; echo "host $h printed no total:"; cat "$work/host-$h.log"; }
  rate=$(sed -n 's/^host [0-9]* total: .* sent [0-9,]* (\([0-9,]*\)\/s).*/\1/p' "$work/host-$h.log" | tr -d ,)
  sent=$((sent + ${rate:-0}))
done
echo "UDP datagrams sent in the window: $((u1 - u0)) ($(( (u1 - u0) / window ))/s); increments sent:" \
  "$sent/s over the hosts, $(python3 -c "print(f'{$sent * $window / max(1, $u1 - $u0):.1f}')") per datagram"
[ "$ok" -eq 1 ] || { echo "a host failed its check or did not finish" >&2; exit 1; }
