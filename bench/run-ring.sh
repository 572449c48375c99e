#!/usr/bin/env bash
# Ring throughput, 1 producer -> 1 consumer: builds bench/target/benchmarks.jar, runs io.corepin.bench.RingThroughput
# (JSON to bench/results/ring.json, JMH log to bench/results/ring.txt) and prints the Markdown tables for RESULTS.md.
#
#   bash bench/run-ring.sh [JMH args...]     e.g.  bash bench/run-ring.sh -p impl=corepin-spsc,jctools-spsc -f 3
#
# BENCH_BUILD=reactor (default) builds with `mvn -pl bench -am` from the repo root; BENCH_BUILD=bench builds only the
# bench module against the corepin jars in ~/.m2; BENCH_BUILD=none uses the jar as it is. About 3 minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

case "${BENCH_BUILD:-reactor}" in
  reactor) mvn -B -q -pl bench -am package -DskipTests ;;
  bench) mvn -B -q -pl bench package -DskipTests ;;
  none) ;;
  *) echo "BENCH_BUILD must be reactor, bench or none" >&2; exit 2 ;;
esac

mkdir -p bench/results
# the load before and after: anything else running on the two cores shows up as ‡ cells and wide error bars
echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
java -jar bench/target/benchmarks.jar 'io.corepin.bench.RingThroughput' \
  -rf json -rff bench/results/ring.json "$@" > bench/results/ring.txt 2>&1 \
  || { tail -40 bench/results/ring.txt >&2; exit 1; }
echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 bench/ring-table.py bench/results/ring.json
