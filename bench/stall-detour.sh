#!/usr/bin/env bash
# One task in N blocks for 100 ms (issue #16): io.corepin.bench.stall.StallDetour for corepin (stall detour and rescue
# on, the defaults), corepin-norescue (detour only), corepin-neither, corepin-2ms (defaults, 2 ms stall threshold),
# fjp and vthreads (corepin-nodetour, the rescue only, on request), ROUNDS rounds (default 5) of one
# fork each, the peers alternated within every round so that the machine's drift hits them all alike. Prints a
# Markdown table: per executor, the median of the forks and their min-max of p50/p99/p99.9 submit-to-completion (µs)
# of the tasks that did not block, and the share of them that took > 5 ms.  ~4 min with the defaults on 2 cores.
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bash bench/stall-detour.sh [ROUNDS=5]
#     [EXECUTORS=corepin,corepin-norescue,corepin-neither,corepin-2ms,fjp,vthreads]
# On a JDK before 21 the vthreads peer is skipped with a message (it needs Executors.newVirtualThreadPerTaskExecutor).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
java=${JAVA:-java}
rounds=${ROUNDS:-5}
executors=${EXECUTORS:-corepin,corepin-norescue,corepin-neither,corepin-2ms,fjp,vthreads}
feature=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${feature%%.*}" -lt 21 ] && [[ ",$executors," == *,vthreads,* ]]; then
  echo "skipping vthreads: $java is Java $feature, virtual threads need 21+ (set JAVA=/path/to/jdk21+/bin/java)" >&2
  executors=$(echo ",$executors," | sed 's/,vthreads,/,/; s/^,//; s/,$//')
fi
[ "${BENCH_BUILD:-reactor}" = none ] || mvn -o -B -q -pl bench -am package -DskipTests
out=bench/results/stall-detour
rm -rf "$out" && mkdir -p "$out"
echo "$("$java" -version 2>&1 | sed -n 1p); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  for e in ${executors//,/ }; do
    "$java" -jar bench/target/benchmarks.jar 'io.corepin.bench.stall.StallDetour' -f 1 -p executor="$e" \
      -jvm "$java" -prof io.corepin.bench.stall.StallDetourProfiler -rf json -rff "$out/$e-$r.json" \
      > "$out/$e-$r.txt" 2>&1 || { tail -30 "$out/$e-$r.txt" >&2; exit 1; }
  done
done
echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/stall-detour-table.py "$out"/*.json
