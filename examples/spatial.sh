#!/usr/bin/env bash
# A spatial lane (smartpool-spatial): tasks served nearest to a movable focus first. Builds what it needs (quietly,
# once), loads a grid of chunks around a walking player on one Exec, then prints the source's offer/poll cost.
#   bash examples/spatial.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mvn -B -q -pl examples -am install -DskipTests >/dev/null
mvn -B -q -pl examples dependency:build-classpath -Dmdep.outputFile="$root/examples/target/classpath.txt" >/dev/null
exec java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
  -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
  io.corepin.examples.spatial.SpatialDemo "$@"
