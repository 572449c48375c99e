#!/usr/bin/env bash
# Runs a benchmark suite and prints its Markdown tables for RESULTS.md.
#   bash bench/run.sh ring|exec|telemetry|all [JMH args...]
# ring: bench/run-ring.sh (RingThroughput). exec: ExecThroughput, 3 forks (~5 min), JSON in bench/results/exec.json.
# telemetry: ExecTelemetryCost (counters off vs on, idle park vs spin), FORKS=3 forks (~2 min), bench/results/telemetry.json.
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

telemetry_suite() {
  [ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
  mkdir -p bench/results
  echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar bench/target/benchmarks.jar 'io.corepin.bench.ExecTelemetryCost' -f "${FORKS:-3}" \
    -rf json -rff bench/results/telemetry.json "$@" > bench/results/telemetry.txt 2>&1 \
    || { tail -40 bench/results/telemetry.txt >&2; exit 1; }
  echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/jmh-table.py bench/results/telemetry.json --row counters --col idle --baseline off \
    --unit "million tasks/s submitted and run (ops/µs); half of them spawn a local child"
}

case "$suite" in
  ring) bash bench/run-ring.sh "$@" ;;
  exec) exec_suite "$@" ;;
  telemetry) telemetry_suite "$@" ;;
  all) bash bench/run-ring.sh "$@"; echo; BENCH_BUILD=none exec_suite "$@"; echo; BENCH_BUILD=none telemetry_suite "$@" ;;
  *) echo "usage: bench/run.sh ring|exec|telemetry|all [JMH args...]" >&2; exit 2 ;;
esac
