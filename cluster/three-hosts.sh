#!/usr/bin/env bash
# The sharded counter across three local "hosts": three JVMs on 127.0.0.1 (io.corepin.cluster.demo.ThreeHosts), each
# a ClusterNode with its own UDP port and Aeron directory (under one fresh /dev/shm directory, deleted at exit).
#   bash cluster/three-hosts.sh [--seconds 5] [--execs 2,1,2] [--timeout 120]
# Every Exec of every host sends keyed increments for --seconds; each runs on the (host, Exec) its key maps to. Prints
# each host's per-Exec and total rates (increments handled/s, sent/s), its RESULT line, then the cluster's totals.
# Exits 0 only if every host exited 0 and, summed over the hosts, sent = handled with 0 lost, 0 out of order (a handler
# that saw an increment twice counts there; "repeats dropped" are frames sent again that receivers dropped unhandled). Every child is killed at exit (trap); the whole run is bounded by --timeout seconds.
# THREE_HOSTS_BUILD=none skips the (offline) build; THREE_HOSTS_JAVA_OPTS adds JVM options to every host (for instance
# Aeron's loss generator, see cluster/netns-test.sh); THREE_HOSTS_ADDRS / THREE_HOSTS_NS are for cluster/netns-test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=5; execs=2,1,2; timeout_s=120
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --execs) execs=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] && [ "$seconds" -le 600 ] || { echo "--seconds must be in [1, 600], got '$seconds'" >&2; exit 2; }
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || { echo "--timeout needs a positive integer, got '$timeout_s'" >&2; exit 2; }
IFS=, read -r -a ex <<<"$execs"
[ "${#ex[@]}" -eq 3 ] || { echo "--execs takes three counts (one per host), got '$execs'" >&2; exit 2; }
for e in "${ex[@]}"; do
  [[ "$e" =~ ^[1-9][0-9]?$ ]] || { echo "--execs: each count in [1, 99], got '$e'" >&2; exit 2; }
done
# netns-test.sh: one address per host, and one namespace per host to run it in
IFS=, read -r -a addrs <<<"${THREE_HOSTS_ADDRS:-127.0.0.1,127.0.0.1,127.0.0.1}"
IFS=, read -r -a nss <<<"${THREE_HOSTS_NS:-,,}"

if [ "${THREE_HOSTS_BUILD:-}" != none ]; then
  mvn -o -B -q -Dstyle.color=never -pl cluster -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null 2>&1 \
    || { echo "build failed: run mvn -o -B -pl cluster -am package -DskipTests to see why" >&2; exit 1; }
fi
cp="cluster/target/classes:$(cat cluster/target/classpath.txt)"

run=$(mktemp -d /dev/shm/corepin-three-hosts-XXXXXX 2>/dev/null || mktemp -d)
pids=()
cleanup() {
  # each pid is a `timeout`, which passes TERM on to its JVM; what is still alive after 1 s is killed, JVM first
  local alive=0
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && alive=1; done
  [ "$alive" -eq 1 ] && sleep 1
  for p in "${pids[@]}"; do pkill -KILL -P "$p" 2>/dev/null || true; kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 143' INT TERM   # exit runs the EXIT trap: cleanup once

# three free UDP ports (distinct), from the kernel
read -r -a ports <<<"$(python3 - <<'EOF'
import socket
ss = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()
EOF
)"
peers="1:${ex[0]}:${addrs[0]}:${ports[0]},2:${ex[1]}:${addrs[1]}:${ports[1]},3:${ex[2]}:${addrs[2]}:${ports[2]}"
echo "three hosts: $peers; sending for $seconds s; Aeron directories under $run"
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
for h in 1 2 3; do
  ns=${nss[$((h - 1))]:-}
  prefix=()
  [ -n "$ns" ] && prefix=(ip netns exec "$ns")
  "${prefix[@]}" timeout -s KILL "$timeout_s" "$java_bin" --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms128m -Xmx256m \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${THREE_HOSTS_JAVA_OPTS:-} -cp "$cp" io.corepin.cluster.demo.ThreeHosts \
    "$h" "${ex[$((h - 1))]}" "$seconds" "$peers" "$run/host-$h" >"$run/host-$h.log" 2>&1 &
  pids+=($!)
done
status=0
for i in 0 1 2; do
  if ! wait "${pids[$i]}"; then status=1; fi
done
for h in 1 2 3; do
  echo "--- host $h"
  cat "$run/host-$h.log"
done
awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); t[kv[1]] += kv[2] } n++ }
  END {
    printf "cluster: %d hosts reported; sent %d, handled %d, lost %d, out of order %d, rejected %d, misrouted %d; resent %d, repeats dropped %d\n",
      n, t["sent"], t["handled"], t["lost"], t["order"], t["rejected"], t["misrouted"], t["resent"], t["dup"]
    exit !(n == 3 && t["sent"] == t["handled"] && t["lost"] == 0 && t["order"] == 0 && t["misrouted"] == 0)
  }' "$run"/host-*.log || status=1
[ "$status" -eq 0 ] && echo "OK: every increment handled once, on its key's (host, Exec), in order per sender" || echo "FAILED (see the logs above)"
exit "$status"
