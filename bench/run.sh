#!/usr/bin/env bash
# Runs a benchmark suite and prints its Markdown tables for RESULTS.md.
#   bash bench/run.sh ring|exec|smol|sched|telemetry|stall|metrics|poolprio|all [args...]
# sched: FollowupBenchmark and SkewBenchmark (plain programs; optional arg: rounds), ~2 min.
# ring: bench/run-ring.sh (RingThroughput). exec: ExecThroughput, 3 forks (~5 min), JSON in bench/results/exec.json.
# smol: the smolscale suite (io.corepin.bench.smol, corepin and corepin-es (ExecScheduler) vs fjp/netty/tpe/vthreads, ~15-20 min on 2 cores) on a
#   JDK 21+ so that the virtual-thread peer runs in the same run; then -prof gc allocation per op
#   (io.corepin.bench.alloc); JSON in bench/results/smol.json and smol-alloc.json, chart in bench/smol-suite.png.
#   SMOL_JAVA=/path/to/bin/java picks the JVM; SMOL_ALLOC=0 skips the allocation run; SMOL_INCLUDE=REGEX runs only
#   the matching workloads (e.g. 'smol\.(SpawnOne|PingPong)\.' for a smoke test).
# telemetry: ExecTelemetryCost (counters off vs on): submitAndRun (cross-core, idle park vs spin) and ownerLoop (the owner
#   loop alone, park), FORKS=3 forks (~3 min), bench/results/telemetry.json and telemetry-owner.json.
# stall: StallGuardCost (the stall guard's per-task stamp on vs off, in separate JVMs): submitAndRun (idle park vs spin)
#   and ownerLoop (park), FORKS=3 forks each (~3 min), bench/results/stall{,-owner}-{on,off}.json merged into
#   stall.json and stall-owner.json.
# metrics: MetricsBindingCost (no Micrometer binding, bound to a Prometheus registry, bound and scraped every 10 ms by
#   another thread): submitAndRun and ownerLoop (park), FORKS=5 single-fork JMH runs per setting, the three in rotating
#   order each round, ~6 min; then (paired) FORKS runs of binding=alternate, whose 10 iterations alternate
#   unscraped/scraped, ~2.5 min; METRICS_PARTS="rotate pairs" picks (add "control": the
#   paired ownerLoop with the registry bound to another, idle Exec, ~1.3 min); bench/results/metrics-*.json, tables by
#   bench/fork-table.py.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
suite=${1:-all}
shift || true

exec_suite() {
  [ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
  mkdir -p bench/results
  echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar bench/target/benchmarks.jar 'io.corepin.bench.ExecThroughput' -f 3 \
    -rf json -rff bench/results/exec.json "$@" > bench/results/exec.txt 2>&1 \
    || { tail -40 bench/results/exec.txt >&2; exit 1; }
  echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/jmh-table.py bench/results/exec.json --row executor --baseline corepin \
    --unit "million tasks/s submitted and run (ops/µs)"
}

sched_suite() {
  [ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
  echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  local jvm=(-XX:+UseParallelGC -Xms1g -Xmx1g --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar)
  java "${jvm[@]}" io.corepin.bench.sched.FollowupBenchmark "$@"
  echo
  java "${jvm[@]}" io.corepin.bench.sched.SkewBenchmark "$@"
}

# The newest JDK 21+ java: $SMOL_JAVA, else `java` if it is 21+, else the newest under /usr/lib/jvm; empty if none.
modern_java() {
  local candidates=() best="" best_v=0 j v
  [ -n "${SMOL_JAVA:-}" ] && { echo "$SMOL_JAVA"; return; }
  candidates+=("$(command -v java || true)")
  for j in /usr/lib/jvm/*/bin/java; do candidates+=("$j"); done
  for j in "${candidates[@]}"; do
    [ -x "$j" ] || continue
    v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    v=${v#1.}
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$j; best_v=$v; fi
  done
  echo "$best"
}

smol_suite() {
  [ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
  mkdir -p bench/results
  local java peers=()
  java=$(modern_java)
  if [ -z "$java" ]; then
    java=java
    peers=(-p executor=corepin,corepin-es,fjp,netty,tpe)
    echo "NOTE: no JDK 21+ found: the vthreads peer is left out of this run" >&2
  fi
  echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$java" -jar bench/target/benchmarks.jar "${SMOL_INCLUDE:-io\.corepin\.bench\.smol\.[A-Za-z]+\.run\$}" "${peers[@]}" \
    -rf json -rff bench/results/smol.json "$@" > bench/results/smol.txt 2>&1 \
    || { tail -40 bench/results/smol.txt >&2; exit 1; }
  local alloc=()
  if [ "${SMOL_ALLOC:-1}" != 0 ]; then
    "$java" -jar bench/target/benchmarks.jar 'io\.corepin\.bench\.alloc\.' -prof gc \
      -rf json -rff bench/results/smol-alloc.json > bench/results/smol-alloc.txt 2>&1 \
      || { tail -40 bench/results/smol-alloc.txt >&2; exit 1; }
    alloc=(--alloc bench/results/smol-alloc.json)
  fi
  echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/smol-table.py bench/results/smol.json --log bench/results/smol.txt "${alloc[@]}"
  "$java" -Djava.awt.headless=true -cp bench/target/benchmarks.jar io.corepin.bench.chart.SmolChart \
    bench/results/smol.json bench/smol-suite.png
}

telemetry_suite() {
  [ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
  mkdir -p bench/results
  echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar bench/target/benchmarks.jar 'io.corepin.bench.ExecTelemetryCost.submitAndRun' -f "${FORKS:-3}" \
    -rf json -rff bench/results/telemetry.json "$@" > bench/results/telemetry.txt 2>&1 \
    || { tail -40 bench/results/telemetry.txt >&2; exit 1; }
  java -jar bench/target/benchmarks.jar 'io.corepin.bench.ExecTelemetryCost.ownerLoop' -p idle=park -f "${FORKS:-3}" \
    -rf json -rff bench/results/telemetry-owner.json "$@" > bench/results/telemetry-owner.txt 2>&1 \
    || { tail -40 bench/results/telemetry-owner.txt >&2; exit 1; }
  echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/jmh-table.py bench/results/telemetry.json --row counters --col idle --baseline off \
    --unit "million tasks/s submitted and run (ops/µs); half of them spawn a local child"
  echo
  python3 bench/jmh-table.py bench/results/telemetry-owner.json --row counters --baseline off \
    --unit "million local tasks/s (ops/µs) run by the owner loop alone (ownerLoop: one submit spawns 10,000 local tasks)"
}

# merge_json OUT IN...: one JMH JSON array out of several (the stall suite's two JVM settings).
merge_json() {
  python3 -c 'import json, sys; json.dump(sum((json.load(open(f)) for f in sys.argv[2:]), []), open(sys.argv[1], "w"))' "$@"
}

stall_suite() {
  [ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
  mkdir -p bench/results
  echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  local setting
  for setting in off on; do
    local flag=()
    [ "$setting" = off ] && flag=(-jvmArgsPrepend -Dcorepin.stallStamp=false)
    java -jar bench/target/benchmarks.jar 'io.corepin.bench.StallGuardCost.submitAndRun' -f "${FORKS:-3}" -p stamp="$setting" \
      "${flag[@]}" -rf json -rff "bench/results/stall-$setting.json" "$@" > "bench/results/stall-$setting.txt" 2>&1 \
      || { tail -40 "bench/results/stall-$setting.txt" >&2; exit 1; }
    java -jar bench/target/benchmarks.jar 'io.corepin.bench.StallGuardCost.ownerLoop' -f "${FORKS:-3}" -p stamp="$setting" \
      -p idle=park "${flag[@]}" -rf json -rff "bench/results/stall-owner-$setting.json" "$@" \
      > "bench/results/stall-owner-$setting.txt" 2>&1 || { tail -40 "bench/results/stall-owner-$setting.txt" >&2; exit 1; }
  done
  echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  merge_json bench/results/stall.json bench/results/stall-off.json bench/results/stall-on.json
  python3 bench/jmh-table.py bench/results/stall.json --row stamp --col idle --baseline off \
    --unit "million trivial tasks/s submitted and run (ops/µs); on = one opaque store per task for the stall guard"
  echo
  merge_json bench/results/stall-owner.json bench/results/stall-owner-off.json bench/results/stall-owner-on.json
  python3 bench/jmh-table.py bench/results/stall-owner.json --row stamp --baseline off \
    --unit "million local tasks/s (ops/µs) run by the owner loop alone (ownerLoop: one submit spawns 10,000 local tasks)"
}

# poolprio: PoolPriorityBenchmark (realtime latency under a backlog flood on one Exec, work balancing off vs on, with
#   levels): ROUNDS (default 5) JMH runs of one fork each, the two settings in alternating order, so that the forks
#   of off and on interleave; per-fork realtime p50/p99 (POOLPRIO lines) and the flood's makespan (ms/op). ~2-3 min.
poolprio_suite() {
  [ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
  mkdir -p bench/results
  echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  : > bench/results/poolprio.txt
  local r order
  for r in $(seq 1 "${ROUNDS:-5}"); do
    if [ $((r % 2)) -eq 1 ]; then order=off; else order=on; fi
    for b in $order $([ $order = off ] && echo on || echo off); do
      java -jar bench/target/benchmarks.jar 'io.corepin.bench.sched.PoolPriorityBenchmark' -f 1 -p balancing=$b \
        "$@" 2>&1 | grep -E '^POOLPRIO|^PoolPriorityBenchmark' | sed "s/^/fork=$r /" >> bench/results/poolprio.txt \
        || echo "fork $r balancing=$b: no result (another JMH run holds /tmp/jmh.lock?)" >&2
    done
  done
  echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 - bench/results/poolprio.txt <<'PY'
import re, statistics, sys
lat, ms = {}, {}
for line in open(sys.argv[1]):
    m = re.search(r'fork=(\d+) POOLPRIO balancing=(\w+) n=(\d+) p50=(\d+) p99=(\d+) max=(\d+) donated=(\d+)', line)
    if m:
        lat.setdefault(m[2], []).append((int(m[1]), int(m[4]), int(m[5]), int(m[6]), int(m[7])))
    m = re.search(r'fork=(\d+) PoolPriorityBenchmark\.\S+\s+(\w+)\s+avgt\s+\d+\s+([\d.]+)', line)
    if m:
        ms.setdefault(m[2], []).append(float(m[3]))
print("| work balancing | realtime p50 (µs), median of forks | per-fork p50 | realtime p99 (µs), median | per-fork p99 | flood makespan (ms/op), median | per-fork makespan |")
print("|---|--:|---|--:|---|--:|---|")
for b in ("off", "on"):
    rows = sorted(lat.get(b, []))
    p50 = [r[1] for r in rows]; p99 = [r[2] for r in rows]; mk = ms.get(b, [])
    f = lambda xs: ", ".join(f"{x:,.0f}" if isinstance(x, int) else f"{x:.1f}" for x in xs)
    print(f"| {b} | {statistics.median(p50):,.0f} | {f(p50)} | {statistics.median(p99):,.0f} | {f(p99)} | "
          f"{statistics.median(mk):.1f} | {f(mk)} |")
PY
}

# jmh_waiting LOG ARGS...: one JMH run, appended to LOG; on a shared machine another JMH may hold /tmp/jmh.lock:
#   wait for it (every 5 s, at most 15 min) rather than measure both at once.
jmh_waiting() {
  local log=$1 tries=0 out
  shift
  while :; do
    out=$(mktemp)
    if java -jar bench/target/benchmarks.jar "$@" > "$out" 2>&1; then
      grep '^scrapes:' "$out" || true
      cat "$out" >> "$log"; rm -f "$out"; return 0
    fi
    if grep -q 'Unable to acquire the JMH lock' "$out" && [ $((tries += 1)) -le 180 ]; then
      rm -f "$out"; sleep 5; continue
    fi
    cat "$out" >> "$log"; rm -f "$out"; return 1
  done
}

metrics_suite() {
  [ "${BENCH_BUILD:-reactor}" = none ] || mvn -B -q -pl bench -am package -DskipTests
  mkdir -p bench/results
  local parts=${METRICS_PARTS:-rotate pairs}
  echo "$(java -version 2>&1 | head -1); $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  local i bench setting order b
  if [[ " $parts " == *" rotate "* ]]; then
  rm -f bench/results/metrics-{submitAndRun,ownerLoop}-*.json bench/results/metrics.txt
  for i in $(seq 1 "${FORKS:-5}"); do
    case $((i % 3)) in # each setting first, second and third in turn
      1) order="off bound scraped" ;; 2) order="scraped off bound" ;; 0) order="bound scraped off" ;;
    esac
    for bench in submitAndRun ownerLoop; do
      for setting in $order; do
        jmh_waiting bench/results/metrics.txt "io.corepin.bench.MetricsBindingCost.$bench" -f 1 -p binding="$setting" \
          -rf json -rff "bench/results/metrics-$bench-$setting-$i.json" "$@" \
          || { tail -40 bench/results/metrics.txt >&2; exit 1; }
        echo "  $(date -u '+%H:%M:%S') $bench $setting fork $i, load $(cut -d' ' -f1 /proc/loadavg)"
      done
    done
  done
  echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  for b in submitAndRun ownerLoop; do
    echo
    python3 bench/fork-table.py --row binding --baseline off --bench "$b" \
      --unit "$b: million tasks/s (ops/µs), one JMH fork per run, the settings in rotating order" \
      $(ls bench/results/metrics-$b-*.json | sort -t- -k4,4n)
  done
  fi
  if [[ " $parts " == *" control "* ]]; then
  # the control: as pairs (ownerLoop), but the scraped registry is bound to another, idle Exec
  rm -f bench/results/metrics-control-*.json bench/results/metrics-control.txt
  for i in $(seq 1 "${FORKS:-5}"); do
    jmh_waiting bench/results/metrics-control.txt "io.corepin.bench.MetricsBindingCost.ownerLoop" -f 1 -i 10 \
      -p binding=alternate-other -rf json -rff "bench/results/metrics-control-ownerLoop-$i.json" "$@" \
      || { tail -40 bench/results/metrics-control.txt >&2; exit 1; }
    echo "  $(date -u '+%H:%M:%S') ownerLoop alternate-other fork $i, load $(cut -d' ' -f1 /proc/loadavg)"
  done
  echo
  python3 bench/fork-table.py --pairs --bench ownerLoop \
    --unit "ownerLoop, control: the scraped registry is bound to another, idle Exec" \
    $(ls bench/results/metrics-control-ownerLoop-*.json | sort -t- -k5,5n)
  fi
  if [[ " $parts " == *" pairs "* ]]; then
  # paired: one JVM per fork, its 10 measurement iterations alternating unscraped / scraped (binding=alternate)
  rm -f bench/results/metrics-pairs-*.json bench/results/metrics-pairs.txt
  for i in $(seq 1 "${FORKS:-5}"); do
    for bench in submitAndRun ownerLoop; do
      jmh_waiting bench/results/metrics-pairs.txt "io.corepin.bench.MetricsBindingCost.$bench" -f 1 -i 10 \
        -p binding=alternate -rf json -rff "bench/results/metrics-pairs-$bench-$i.json" "$@" \
        || { tail -40 bench/results/metrics-pairs.txt >&2; exit 1; }
      echo "  $(date -u '+%H:%M:%S') $bench alternate fork $i, load $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
  echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  for b in submitAndRun ownerLoop; do
    echo
    python3 bench/fork-table.py --pairs --bench "$b" \
      --unit "$b: million tasks/s (ops/µs); per fork, its unscraped and scraped iterations alternating" \
      $(ls bench/results/metrics-pairs-$b-*.json | sort -t- -k5,5n)
  done
  fi
}

case "$suite" in
  ring) bash bench/run-ring.sh "$@" ;;
  sched) sched_suite "$@" ;;
  exec) exec_suite "$@" ;;
  smol) smol_suite "$@" ;;
  telemetry) telemetry_suite "$@" ;;
  metrics) metrics_suite "$@" ;;
  stall) stall_suite "$@" ;;
  poolprio) poolprio_suite "$@" ;;
  all) bash bench/run-ring.sh "$@"; echo; BENCH_BUILD=none exec_suite "$@"; echo; BENCH_BUILD=none smol_suite "$@"
       echo; BENCH_BUILD=none sched_suite ;;
  *) echo "usage: bench/run.sh ring|exec|smol|sched|telemetry|stall|metrics|poolprio|all [args...]" >&2; exit 2 ;;
esac
