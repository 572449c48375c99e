#!/usr/bin/env bash
# Throughput per host with 1, 2 and 3 hosts (issue #14): the sharded counter of cluster/three-hosts.sh
# (io.corepin.cluster.demo.ThreeHosts), N JVMs on 127.0.0.1 of --execs Execs each, every Exec sending keyed increments
# for --seconds to keys spread over all N hosts. Per run it reads each host's "total: handled ... (R/s)" line; the
# host counts are interleaved (1, 2, 3, 1, 2, 3, ...) for --runs rounds, each run under the machine-wide benchmark lock
# (flock /tmp/jmh.lock). Prints one line per run, then per host count the median per-host rate over all its runs'
# hosts, the per-run spread, the total, the ratio to one host alone (target: per host >= 0.8x), and the increments a
# host handled per CPU second its JVM used meanwhile (every thread: Execs, media driver, Aeron client, JIT, GC).
#   bash bench/cluster-scale.sh [--runs 5] [--seconds 3] [--execs 1] [--driver shared|exec|both]
# --driver: where each host's media driver and Aeron client conductor run, threads of their own (shared, the default)
# or Exec 0's turn (exec, ClusterNode.Builder#driverOnExec); both interleaves the two within every round.
# A run that fails the demo's own check (sent != handled, lost, out of order, misrouted) is printed and counted as
# failed, not used. Every child is killed at exit; Aeron directories go under one fresh /dev/shm directory, removed.
# SCALE_BUILD=none skips the (offline) build; COREPIN_JMH_LOCK_HELD=1 when the caller already holds /tmp/jmh.lock.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=5; seconds=3; execs=1; driver=shared
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --execs) execs=$2; shift 2 ;;
    --driver) driver=$2; shift 2 ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
for v in "$runs" "$seconds" "$execs"; do
  [[ "$v" =~ ^[1-9][0-9]?$ ]] || { echo "--runs, --seconds and --execs take integers in [1, 99], got '$v'" >&2; exit 2; }
done
case "$driver" in
  shared|exec) modes=("$driver") ;;
  both) modes=(shared exec) ;;
  *) echo "--driver takes shared, exec or both, got '$driver'" >&2; exit 2 ;;
esac

source bench/cluster-lib.sh
cluster_setup cluster-scale "${SCALE_BUILD:-}" # builds; $work; kills every host and removes $work at exit

# one run of n hosts with the driver mode m; appends "m n run rate1 rate2 ..." to $work/rates, or "m n run FAILED"
run_once() {
  local m=$1 n=$2 r=$3 dir="$work/run-$1-$2-$3" peers h
  mkdir -p "$dir"
  peers=$(cluster_peers "$n" "$execs")
  exec 9>/tmp/jmh.lock
  [ "${COREPIN_JMH_LOCK_HELD:-}" = 1 ] || flock 9  # 1: the caller holds the lock for the whole script
  local start load
  start=$(date -u +%T); load=$(cut -d' ' -f1 /proc/loadavg)
  for ((h = 1; h <= n; h++)); do
    cluster_start_host "$h" "$execs" "$seconds" "$peers" "$dir/aeron-$h" "$dir/host-$h.log" \
      -Dcorepin.threeHosts.driver="$m"
  done
  local ok=1 p
  for p in "${cluster_pids[@]}"; do wait "$p" || ok=0; done
  cluster_pids=()
  [ "${COREPIN_JMH_LOCK_HELD:-}" = 1 ] || flock -u 9
  local rates=""
  for ((h = 1; h <= n; h++)); do
    local rate per_cpu
    rate=$(sed -n 's/^host [0-9]* total: handled [0-9,]* (\([0-9,]*\)\/s).*/\1/p' "$dir/host-$h.log" | tr -d ,)
    per_cpu=$(sed -n 's/^host [0-9]* total: .*(\([0-9,]*\) handled per CPU s)$/\1/p' "$dir/host-$h.log" | tr -d ,)
    [ -n "$rate" ] && [ -n "$per_cpu" ] || ok=0
    rates+=" ${rate:-?}:${per_cpu:-?}"
  done
  if [ "$ok" -eq 1 ]; then
    echo "$m $n $r$rates" >>"$work/rates"
    echo "run $r, driver $m, $n host(s), $start UTC, load $load: handled/s:handled per CPU s, per host$rates"
  else
    echo "$m $n $r FAILED" >>"$work/rates"
    echo "run $r, driver $m, $n host(s), $start UTC, load $load: FAILED; the hosts' output:"
    cat "$dir"/host-*.log
  fi
  rm -rf "$dir"/aeron-*
}

echo "cluster scale: $runs rounds of 1, 2, 3 hosts ($execs Exec(s) each, $seconds s of sending, driver ${modes[*]})," \
  "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)"
for ((r = 1; r <= runs; r++)); do
  for n in 1 2 3; do
    for m in "${modes[@]}"; do run_once "$m" "$n" "$r"; done
  done
done
python3 - "$work/rates" <<'EOF'
import statistics, sys
by = {}
failed = {}
for line in open(sys.argv[1]):
    f = line.split()
    key = (f[0], int(f[1]))
    if f[3] == "FAILED":
        failed[key] = failed.get(key, 0) + 1
        continue
    by.setdefault(key, []).append([tuple(float(v) for v in x.split(":")) for x in f[3:]])
print()
print("| driver | hosts | runs ok | per-host handled/s, median | per run (median of its hosts)"
      " | cluster total/s, median | per host vs 1 host | handled per CPU s, median |")
print("|---|---|---|---|---|---|---|---|")
for key in sorted(set(by) | set(failed)):
    m, n = key
    runs = by.get(key, [])
    ok = f"{len(runs)} of {len(runs) + failed.get(key, 0)}"
    if not runs:
        print(f"| {m} | {n} | {ok} | - | - | - | - | - |")
        continue
    med = statistics.median([x[0] for run in runs for x in run])
    one = by.get((m, 1))
    base = statistics.median([x[0] for run in one for x in run]) if one else None
    per_run = ", ".join(f"{statistics.median(x[0] for x in run):,.0f}" for run in runs)
    total = statistics.median(sum(x[0] for x in run) for run in runs)
    ratio = f"{med / base:.2f}x" if base else "-"
    per_cpu = statistics.median([x[1] for run in runs for x in run])
    print(f"| {m} | {n} | {ok} | {med:,.0f} | {per_run} | {total:,.0f} | {ratio} | {per_cpu:,.0f} |")
EOF
