#!/usr/bin/env bash
# Issue #13: does ExecThroughput's raw-ring throughput follow the round trip between the two vCPUs, window by window?
# One JVM per run (bench/regime/RegimePairs.java): the same two pinned threads alternate a cache-line ping-pong and
# the raw ring loop, one line per pair of windows, then the windows grouped by round trip and Pearson's r.
#   bash bench/regime-pairs.sh [JVMS] [SECONDS] [WINDOW_MS]     needs bench/target/benchmarks.jar
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jvms=${1:-3}; secs=${2:-20}; window=${3:-200}
cp="$root/bench/target/benchmarks.jar"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -nowarn -cp "$cp" -d "$out" "$root/bench/regime/RegimePairs.java"
echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M:%S UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$jvms"); do
  echo "JVM $i"
  java -XX:+UseParallelGC -Xms1g -Xmx1g --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -cp "$cp:$out" \
    RegimePairs "$secs" "$window" 2>&1 | grep -v WARN
done
echo "done $(date -u '+%H:%M:%S UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
