#!/usr/bin/env bash
# CPU at light load and the wake-up latency it buys (issue #16): io.corepin.bench.idle.LightLoad for corepin, fjp,
# tpe and netty, ROUNDS rounds (default 5) of one fork each, the peers alternated within every round so that the
# machine's drift hits them all alike. Prints a Markdown table: per executor and rate, the median of the forks
# and their min-max, for CPU seconds per 5 s (process CPU: executor threads, the pacing submitter, JIT, GC), and
# submit-to-run p50/p99 (µs).  ~23 min with the defaults on 2 cores (10 s warm-up per rate and fork; 28 min with
# EXECUTORS=corepin,corepin-rr,fjp,tpe,netty).
#   bash bench/light-load.sh [ROUNDS=5] [RATES=0,1000,10000,100000] [EXECUTORS=corepin,fjp,tpe,netty]
# BASELINE_JAR=path/to/benchmarks.jar adds a row "corepin-before": the corepin peer run from that jar (e.g. a build
# of an earlier commit, to show a change before and after in the same run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${ROUNDS:-5}
rates=${RATES:-0,1000,10000,100000}
executors=${EXECUTORS:-corepin,fjp,tpe,netty}
[ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
out=bench/results/light-load
rm -rf "$out" && mkdir -p "$out"
echo "$(java -version 2>&1 | sed -n 1p); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  for e in ${executors//,/ }; do
    java -jar bench/target/benchmarks.jar 'io.corepin.bench.idle.LightLoad' -f 1 -p executor="$e" -p rate="$rates" \
      -prof io.corepin.bench.idle.LightLoadProfiler -rf json -rff "$out/$e-$r.json" > "$out/$e-$r.txt" 2>&1 \
      || { tail -30 "$out/$e-$r.txt" >&2; exit 1; }
  done
  if [ -n "${BASELINE_JAR:-}" ]; then
    java -jar "$BASELINE_JAR" 'io.corepin.bench.idle.LightLoad' -f 1 -p executor=corepin -p rate="$rates" \
      -prof io.corepin.bench.idle.LightLoadProfiler -rf json -rff "$out/corepin-before-$r.json" \
      > "$out/corepin-before-$r.txt" 2>&1 || { tail -30 "$out/corepin-before-$r.txt" >&2; exit 1; }
  fi
done
echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/light-load-table.py "$out"/*.json
