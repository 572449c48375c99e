#!/usr/bin/env bash
# Recovery time after a host loss (issue #14): io.corepin.bench.cluster.ClusterRecovery, --runs times (default 5), each
# run hosts 1 and 2 in one JVM and host 3 in a child JVM on 127.0.0.1, connection timeout 200 ms and loss timeout
# 300 ms; host 1 sends keyed messages for 1 s, then host 3 gets SIGKILL. Prints per run, from the SIGKILL, when hosts 1
# and 2 installed epoch 2 and when a survivor first handled one of host 3's keys, then a Markdown table and the median.
# The whole measurement holds the machine-wide benchmark lock (flock /tmp/jmh.lock). Builds bench/target/benchmarks.jar
# offline first unless RECOVERY_BUILD=none; COREPIN_JMH_LOCK_HELD=1 when the caller already holds the lock.
#   bash bench/cluster-recovery.sh [--runs 5]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || { echo "--runs takes an integer in [1, 50], got '$runs'" >&2; exit 2; }
if [ "${RECOVERY_BUILD:-}" != none ]; then
  mvn -o -B -q -Dstyle.color=never -pl bench -am package -DskipTests >/dev/null 2>&1 \
    || { echo "build failed: run mvn -o -B -pl bench -am package -DskipTests to see why" >&2; exit 1; }
fi
echo "cluster recovery: $runs runs, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)"
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
lock=(flock /tmp/jmh.lock)
[ "${COREPIN_JMH_LOCK_HELD:-}" = 1 ] && lock=()  # 1: the caller already holds the lock
exec "${lock[@]}" timeout -s KILL $((runs * 60 + 60)) "$java_bin" --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xmx512m \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp bench/target/benchmarks.jar \
  io.corepin.bench.cluster.ClusterRecovery "$runs"
