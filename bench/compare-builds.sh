#!/usr/bin/env bash
# Before/after in one run: ExecThroughput forks of two builds interleaved (one fork of each build per round, so that
# both see the same machine noise), then the latency loop of both builds, alternated.
#   bash bench/compare-builds.sh OLD_CHECKOUT [ROUNDS] [ROUND_TRIPS]
# SMOL_ROUNDS=N (default 0) adds the smolscale suite's corepin rows, one fork of each build per round, interleaved
# the same way (SMOL_INCLUDE narrows the workloads, as in bench/run.sh).
# OLD_CHECKOUT is a work tree of the earlier commit (e.g. `git worktree add --detach /tmp/old <commit>`); both are
# built here (bench and examples, tests skipped). Results: bench/results/compare-{old,new}-N.json and the tables.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
old=$(cd "${1:?usage: compare-builds.sh OLD_CHECKOUT [ROUNDS] [ROUND_TRIPS]}" && pwd)
rounds=${2:-5}
trips=${3:-3000000}
params=${EXEC_PARAMS:-corepin,raw-ring,fjp,netty}
mkdir -p "$root/bench/results"
for tree in "$old" "$root"; do
  (cd "$tree" && mvn -B -q -pl bench,examples -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime >/dev/null)
done
echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$rounds"); do
  for side in old new; do
    tree=$([ "$side" = old ] && echo "$old" || echo "$root")
    java -jar "$tree/bench/target/benchmarks.jar" 'io.corepin.bench.ExecThroughput' -f 1 -p executor="$params" \
      -rf json -rff "$root/bench/results/compare-$side-$i.json" > "$root/bench/results/compare-$side-$i.txt" 2>&1
  done
done
python3 - "$root/bench/results" "$rounds" <<'EOF'
import json, sys, statistics
d, rounds = sys.argv[1], int(sys.argv[2])
rows = {}
for side in ("old", "new"):
    for i in range(1, rounds + 1):
        for r in json.load(open(f"{d}/compare-{side}-{i}.json")):
            rows.setdefault((r["params"]["executor"], side), []).append(r["primaryMetric"]["score"])
print("| executor | build | mean M tasks/s | per fork |")
print("|---|---|---|---|")
for (ex, side), v in sorted(rows.items()):
    print(f"| {ex} | {side} | {statistics.mean(v):.2f} | {' / '.join(f'{x:.1f}' for x in v)} |")
EOF
for i in 1 2; do
  for side in old new; do
    tree=$([ "$side" = old ] && echo "$old" || echo "$root")
    echo "latency loop, $side build, run $i:"
    java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms1g -Xmx1g \
      -Djava.awt.headless=true -cp "$tree/examples/target/classes:$(cat "$tree/examples/target/classpath.txt")" \
      io.corepin.examples.latency.LatencyLoop --round-trips "$trips" --warmup 500000 \
      --plot "$root/bench/results/latency-$side-$i.png" | grep -E '^\|'
  done
done
smol_rounds=${SMOL_ROUNDS:-0}
for i in $(seq 1 "$smol_rounds"); do
  for side in old new; do
    tree=$([ "$side" = old ] && echo "$old" || echo "$root")
    java -jar "$tree/bench/target/benchmarks.jar" "${SMOL_INCLUDE:-io\.corepin\.bench\.smol\.[A-Za-z]+\.run\$}" \
      -f 1 -p executor=corepin -rf json -rff "$root/bench/results/compare-smol-$side-$i.json" \
      > "$root/bench/results/compare-smol-$side-$i.txt" 2>&1 || tail -20 "$root/bench/results/compare-smol-$side-$i.txt"
  done
done
if [ "$smol_rounds" -gt 0 ]; then
  python3 - "$root/bench/results" "$smol_rounds" <<'EOF'
import json, sys, statistics, os
d, rounds = sys.argv[1], int(sys.argv[2])
rows = {}
for side in ("old", "new"):
    for i in range(1, rounds + 1):
        f = f"{d}/compare-smol-{side}-{i}.json"
        if not os.path.exists(f) or os.path.getsize(f) == 0:
            continue
        for r in json.load(open(f)):
            name = r["benchmark"].split(".")[-2]
            rows.setdefault((name, side), []).append((r["primaryMetric"]["score"], r["primaryMetric"]["scoreUnit"]))
print("| smolscale workload (corepin) | build | mean | per fork |")
print("|---|---|---|---|")
for (name, side), v in sorted(rows.items()):
    unit = v[0][1]
    print(f"| {name} | {side} | {statistics.mean(x for x, _ in v):.4g} {unit} | {' / '.join(f'{x:.4g}' for x, _ in v)} |")
EOF
fi
echo "done $(date -u '+%H:%M UTC')"
