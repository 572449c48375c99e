#!/usr/bin/env bash
# The flagship demo: builds what it needs (quietly, once) and runs the synthetic packet pipeline.
#   bash examples/packet-pipeline.sh [--seconds N] [--execs N] [--flows N] [--pool N] [--burst N] [--rate MPPS] [--cpus a,b,..]
# It publishes its cores' counters (-Dcorepin.counters=true): watch them live from another terminal with
#   bash bin/corepin-stat
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mvn -B -q -pl examples -am install -DskipTests >/dev/null
mvn -B -q -pl examples dependency:build-classpath -Dmdep.outputFile="$root/examples/target/classpath.txt" >/dev/null
exec java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms1g -Xmx1g -Dcorepin.counters=true \
  -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
  io.corepin.examples.packet.PacketPipeline "$@"
