#!/usr/bin/env bash
# Starts the resp-kv server (a shared-nothing Redis-protocol key-value store, one pinned Exec per core).
#   bash examples/resp-kv/run.sh [--port 6379] [--host 127.0.0.1] [--execs N | --cpus a,b,..] [--accept reuseport|hash]
#                                [--max-bulk BYTES] [--max-args N] [--max-query BYTES] [--max-output BYTES]
#                                [--max-client-memory BYTES] [--max-inflight N]
# Builds what it needs first (quietly; set RESP_KV_BUILD=none to skip). Ctrl-C closes it cleanly.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ "${RESP_KV_BUILD:-reactor}" != none ]; then
  # package (not install) the modules examples needs; each writes its classpath to its own target/classpath.txt
  mvn -B -q -Dstyle.color=never -pl examples -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null 2>&1 \
    || { echo "build failed: run mvn -B -pl examples -am package -DskipTests to see why" >&2; exit 1; }
fi
cp="examples/target/classes:$(cat examples/target/classpath.txt)" # sibling modules resolve to their target/*.jar
exec java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms1g -Xmx1g \
  -cp "$cp" io.corepin.examples.resp.RespKvMain "$@"
