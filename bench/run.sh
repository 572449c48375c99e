#!/usr/bin/env bash
# Runs a benchmark suite and prints its Markdown tables for RESULTS.md.
#   bash bench/run.sh ring|exec|sched|all [args...]
# sched: FollowupBenchmark and SkewBenchmark (plain programs; optional arg: rounds), ~2 min.
# ring: bench/run-ring.sh (RingThroughput). exec: ExecThroughput, 3 forks (~5 min), JSON in bench/results/exec.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
suite=${1:-all}
shift || true

exec_suite() {
  [ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
  mkdir -p bench/results
  echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar bench/target/benchmarks.jar 'io.corepin.bench.ExecThroughput' -f 3 \
    -rf json -rff bench/results/exec.json "$@" > bench/results/exec.txt 2>&1 \
    || { tail -40 bench/results/exec.txt >&2; exit 1; }
  echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/jmh-table.py bench/results/exec.json --row executor --baseline corepin \
    --unit "million tasks/s submitted and run (ops/µs)"
}

sched_suite() {
  [ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
  echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  local jvm=(-XX:+UseParallelGC -Xms1g -Xmx1g --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar)
  java "${jvm[@]}" io.corepin.bench.sched.FollowupBenchmark "$@"
  echo
  java "${jvm[@]}" io.corepin.bench.sched.SkewBenchmark "$@"
}

case "$suite" in
  ring) bash bench/run-ring.sh "$@" ;;
  sched) sched_suite "$@" ;;
  exec) exec_suite "$@" ;;
  all) bash bench/run-ring.sh "$@"; echo; BENCH_BUILD=none exec_suite "$@" ;;
  *) echo "usage: bench/run.sh ring|exec|sched|all [args...]" >&2; exit 2 ;;
esac
