#!/usr/bin/env bash
# Issue #13's bimodality probe (not JMH): one submitter -> one consumer as in ExecThroughput, per JVM: M tasks/s per
# second, the ring's and its slot array's address mod 128/4096, the CPUs the threads last ran on and (raw ring) the
# consumer's drain-size histogram.
#   bash bench/regime-probe.sh [JVMS] [SECONDS]     needs bench/target/benchmarks.jar and jol-core 0.17 in ~/.m2
# RegimeProbe KIND SECONDS (KIND raw|spin|park); -Dk=N pauses after an empty drain, -Dkb=N after a partial one (raw).
# RegimeLayouts KIND K ROUNDS [MS]: K rings/Execs at different heap offsets in one JVM, measured in rotation.
# With gcc present, every JVM is preceded by 1 s of bench/regime/c2c.c (plain C, threads pinned to vCPUs 0 and 1):
# the cache-line round trip between the two vCPUs at that moment, the host's placement of them, which no JVM sees.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jvms=${1:-6}; secs=${2:-5}
cp="$root/bench/target/benchmarks.jar:$HOME/.m2/repository/org/openjdk/jol/jol-core/0.17/jol-core-0.17.jar"
out=$(mktemp -d)
javac -nowarn -cp "$cp" -d "$out" "$root"/bench/regime/*.java 2>&1 | grep -v '^Note:' || true
echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
c2c=""
if command -v gcc > /dev/null && gcc -O2 -pthread -o "$out/c2c" "$root/bench/regime/c2c.c"; then
  c2c="$out/c2c"
fi
for i in $(seq 1 "$jvms"); do
  for kind in raw spin park; do
    [ -z "$c2c" ] || "$c2c" 1 250 | awk '{m=m" "$7} END {print "c2c round trip ns (4 windows):" m}'
    java -XX:+UseParallelGC -Xms1g -Xmx1g --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -cp "$cp:$out" \
      RegimeProbe "$kind" "$secs" 2>&1 | grep -v WARN
  done
done
echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
