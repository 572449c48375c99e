#!/usr/bin/env bash
# Proves corepin's zero-atomics claim on the JIT's own output.
#
# Runs bench's HotLoopWorkload (a producer flooding one Exec, with local spawns and idle/park phases) under
# ../shared/tools/asm-audit/audit.sh, once per (GC, method), and counts atomic read-modify-write instructions and
# fences (lock-prefixed, xchg with memory, cmpxchg, xadd, mfence, sfence) in the C2 code of:
#   io.corepin.Exec::runTurn            one turn of the hot loop (ring burst + local tasks; drain is inlined)
#   io.corepin.Exec::runTask            running one task (failure handling, stop check)
#   io.corepin.ring.RingConsumer::drain the ring's consumer burst on its own
#   io.corepin.Exec::spawnLocal         a task spawning a task on its own Exec (the local queue's append)
# The first three must report 0 under both ParallelGC and G1; spawnLocal must report 0 under ParallelGC, and under
# G1 shows the GC's own card-marking barrier (see below). Exits non-zero otherwise.
#
# The workload's task bodies are kept out of the audited code (-XX:CompileCommand=dontinline on their run methods):
# a task is user code, and C2 would otherwise inline into the consumer's nmethod branches that the owner thread
# never takes (for example the producer-side CAS of Exec.offer, reached through a task that spawns).
#
# G1: a reference store into an array that lives in the old generation gets G1's post-write barrier, whose slow
# path starts with a StoreLoad fence (lock addl). Appending a task to the local queue is such a store, so under G1
# spawnLocal shows that fence; the consumer hot loop stores only nulls, which need no post-barrier, and stays at 0.
#
# For contrast it also audits Exec::loop (the idle path lives there) and prints where its fences are: they must
# all come from parkUntilWoken's volatile store, the one fence an Exec pays before it parks.
#
# Usage: bench/asm-audit.sh [seconds-per-run]   (default 6). Needs x86-64 Linux; builds the hsdis plugin into
# bench/build (git-ignored) with Capstone from Debian's packages on first use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
audit=${ASM_AUDIT:-$root/../shared/tools/asm-audit/audit.sh}
seconds=${1:-6}
[ -x "$audit" ] || [ -f "$audit" ] || { echo "asm-audit.sh: no audit tool at $audit (set ASM_AUDIT)" >&2; exit 3; }

cd "$root"
mvn -B -q -pl bench -am install -DskipTests >/dev/null
out="$root/bench/build/asm-audit"
mkdir -p "$out"
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" >/dev/null
cp="$root/bench/target/classes:$(cat "$out/classpath.txt")"

keep_tasks_out=(-XX:CompileCommand=dontinline,io.corepin.bench.audit.HotLoopWorkload\$*::run)
status=0
printf '%-8s %-38s %s\n' GC method atomics
for gc in ParallelGC G1GC; do
  for method in io.corepin.Exec::runTurn io.corepin.Exec::runTask io.corepin.ring.RingConsumer::drain \
      io.corepin.Exec::spawnLocal; do
    name=${method##*.}
    dir="$out/$gc-${name/::/.}"
    rm -rf "$dir"
    set +e
    bash "$audit" --build-dir "$root/bench/build" --save "$dir" --method "$method" -- \
      -XX:+Use$gc "${keep_tasks_out[@]}" --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
      -cp "$cp" io.corepin.bench.audit.HotLoopWorkload "$seconds" >"$dir.txt" 2>&1
    rc=$?
    set -e
    printf '%-8s %-38s %s\n' "$gc" "$method" "$(tail -1 "$dir.txt")"
    if [ "$gc" = G1GC ] && [ "$method" = io.corepin.Exec::spawnLocal ]; then
      [ $rc -le 1 ] || status=1
      grep -E 'lock|nearest' "$dir.txt" | sed 's/^/    G1 barrier: /' | head -4 || true
    elif [ $rc -ne 0 ]; then
      status=1
      grep -E '^\s*0x|lock|xchg|cmpxchg|xadd|fence' "$dir.txt" | head -20 || true
    fi
  done
done

# The idle path, for contrast: its fences must all be the park announcement.
dir="$out/ParallelGC-loop"
rm -rf "$dir"
set +e
bash "$audit" --build-dir "$root/bench/build" --save "$dir" --method 'io.corepin.Exec::loop' -- \
  -XX:+UseParallelGC "${keep_tasks_out[@]}" --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
  -cp "$cp" io.corepin.bench.audit.HotLoopWorkload "$seconds" >"$dir.txt" 2>&1
set -e
echo
echo "idle path (Exec::loop, ParallelGC): $(tail -1 "$dir.txt")"
grep -h -B1 -E 'lock |xchg|mfence' "$dir/c2.asm" | sed 's/^/  /' || true
echo "  (each fence follows a volatile store: parkUntilWoken's 'parked = 1' — the Dekker announcement an Exec pays"
echo "   only on its way to parking, which C2 may inline at more than one place — or a store made once, at start-up"
echo "   or on the failure path; runTurn, audited above, is what runs while there is work)"
echo
[ $status -eq 0 ] && echo "PASS: 0 atomics in the hot loop under ParallelGC and G1" || echo "FAIL: atomics found in the hot loop"
exit $status
