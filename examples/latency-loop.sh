#!/usr/bin/env bash
# Run-to-completion latency: two corepin Execs bounce one message between two cores, against the raw ring, an Agrona
# AgentRunner pair and a Netty event-loop pair in the same run. Builds what it needs (quietly), prints the Markdown
# table for bench/RESULTS.md and writes the percentile plot (default bench/results/latency-loop.png).
#   bash examples/latency-loop.sh [options]     (--help lists them: LoopOptions.USAGE)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Build the examples and the modules they need, and list their runtime classpath (sibling modules as their jars).
# Maven's output is shown only if the build fails.
if ! build=$(cd "$root" && mvn -B -q -pl examples -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime 2>&1); then
  printf '%s\n' "$build" >&2
  exit 1
fi
# Run from the caller's directory so a relative --plot means what the caller meant; the default goes under the repo.
exec java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms1g -Xmx1g \
  -Djava.awt.headless=true \
  -cp "$root/examples/target/classes:$(cat "$root/examples/target/classpath.txt")" \
  io.corepin.examples.latency.LatencyLoop --plot "$root/bench/results/latency-loop.png" "$@"
