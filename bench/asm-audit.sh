#!/usr/bin/env bash
# Proves corepin's zero-atomics claim on the JIT's own output; `mvn -B verify` (and so CI) runs it.
#
# Runs bench's HotLoopWorkload (a producer flooding one Exec, with local spawns and idle/park phases) under the
# vendored bench/asm-audit/audit.sh (ASM_AUDIT=/path/to/audit.sh uses another copy), once per (GC, method), and counts
# atomic read-modify-write instructions and fences (lock-prefixed, xchg with memory, cmpxchg, xadd, mfence, sfence)
# in the C2 code of each method listed in bench/asm-audit.methods, the one place that names them, each with its rule:
#   zero           0 under both ParallelGC and G1 (the turn, running a task, the ring's burst)
#   zero-parallel  0 under ParallelGC; under G1 only the GC's own barrier fence (an owner-thread spawn, see below)
#   contrast       the idle loop, listed for contrast, not counted
# A listed method with no C2 code in the run (renamed, moved, or not hot) fails the audit: a rename cannot make it
# pass vacuously. Exits non-zero, naming the method, when any rule is broken.
#
# The workload's task bodies are kept out of the audited code (-XX:CompileCommand=dontinline on their run methods):
# a task is user code, and C2 would otherwise inline into the consumer's nmethod branches that the owner thread
# never takes (for example the producer-side CAS of Exec.offer, reached through a task that spawns).
#
# G1: a reference store into an array that lives in the old generation gets G1's post-write barrier, whose slow
# path starts with a StoreLoad fence (lock addl to the stack). Appending a task to the local queue is such a store,
# so under G1 spawnLocal shows that fence; the consumer hot loop stores only nulls, which need no post-barrier, and
# stays at 0. The zero-parallel rule accepts only such stack fences under G1, never a lock cmpxchg/xadd/xchg.
#
# The contrast audit of OwnerLoop::cycle (turn + idle) prints where its fences are: they must all come from
# parkUntilWoken's volatile store, the one fence an Exec pays before it parks.
#
# Usage:
#   bench/asm-audit.sh [seconds-per-run]
#       builds ring, runtime and bench (mvn verify -DskipTests, no install) and lets bench's verify phase call
#       this script back with --no-build; default 6 s per run
#   bench/asm-audit.sh --no-build --cp CLASSPATH [--java JAVA] [seconds-per-run]
#       audits already built classes (what bench/pom.xml's asm-audit execution runs at verify)
# Needs x86-64 Linux, gcc and Capstone (build.sh installs Debian's libcapstone-dev if missing); it builds the
# hsdis plugin into bench/build (git-ignored) on first use. Elsewhere it prints why and exits 0, unless
# ASM_AUDIT_REQUIRE=1 (set by .ci/run), which makes an audit that cannot run fail.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
audit=${ASM_AUDIT:-$root/bench/asm-audit/audit.sh}
methods_file=$root/bench/asm-audit.methods
build=1
cp=
java_bin=java
seconds=6

die() { echo "asm-audit.sh: $*" >&2; exit 3; }

while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0; shift ;;
    --cp|--java|--methods)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in --cp) cp=$2 ;; --java) java_bin=$2 ;; --methods) methods_file=$2 ;; esac
      shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) seconds=$1; shift ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
case $seconds in ''|*[!0-9]*|0) die "seconds-per-run must be a positive integer, got '$seconds'" ;; esac

# --- can this machine audit at all? -------------------------------------------------------------------------------
platform="$(uname -s) $(uname -m)"
if [ "$platform" != "Linux x86_64" ]; then
  msg="asm-audit: SKIPPED on $platform: the zero-atomics audit reads x86-64 C2 code and needs x86-64 Linux"
  if [ "${ASM_AUDIT_REQUIRE:-0}" = 1 ]; then
    echo "$msg; ASM_AUDIT_REQUIRE=1, so this is a failure" >&2
    exit 3
  fi
  echo "$msg (the claim was NOT checked here; -Dasm.audit.skip=true silences this)" >&2
  exit 0
fi
[ -f "$audit" ] || die "no audit tool at $audit (set ASM_AUDIT)"
[ -f "$methods_file" ] || die "no method list at $methods_file"

if [ "$build" = 1 ]; then
  [ -z "$cp" ] || die "--cp goes with --no-build"
  cd "$root"
  # bench's verify phase runs this script again with --no-build and the module's classpath (see bench/pom.xml)
  exec mvn -B -q -pl bench -am verify -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
    -Dasm.audit.skip=false -Dasm.audit.seconds="$seconds"
fi
[ -n "$cp" ] || die "--no-build needs --cp CLASSPATH (the classpath of bench with its dependencies)"

# --- the method list ------------------------------------------------------------------------------------------------
methods=()
rules=()
n=0
while IFS= read -r line || [ -n "$line" ]; do
  n=$((n + 1))
  line=${line%%#*}
  read -r m r extra <<<"$line" || true
  [ -n "${m:-}" ] || continue
  [ -z "${extra:-}" ] || die "$methods_file:$n: expected '<method> <rule>', got '$line'"
  case ${r:-} in
    zero|zero-parallel|contrast) ;;
    *) die "$methods_file:$n: unknown rule '${r:-}' for $m (zero, zero-parallel or contrast)" ;;
  esac
  case $m in *::*) ;; *) die "$methods_file:$n: '$m' is not a Class::method" ;; esac
  methods+=("$m")
  rules+=("$r")
done <"$methods_file"
[ "${#methods[@]}" -gt 0 ] || die "$methods_file lists no method"

out="$root/bench/build/asm-audit"
mkdir -p "$out"
keep_tasks_out=(-XX:CompileCommand=dontinline,io.corepin.bench.audit.HotLoopWorkload\$*::run)

# run_audit GC METHOD DIR: one audited JVM; sets rc (audit.sh's status: 0 none, 1 found, 2 no C2 code, 3 error).
# A run without C2 code (a slow, shared machine) is retried once, twice as long, before it counts as a failure.
run_audit() {
  local gc=$1 method=$2 dir=$3 secs=$seconds try
  for try in 1 2; do
    rm -rf "$dir"
    set +e
    bash "$audit" --java "$java_bin" --build-dir "$root/bench/build" --save "$dir" --method "$method" -- \
      -XX:+Use"$gc" "${keep_tasks_out[@]}" --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
      -cp "$cp" io.corepin.bench.audit.HotLoopWorkload "$secs" >"$dir.txt" 2>&1
    rc=$?
    set -e
    [ $rc -eq 2 ] && [ $try -eq 1 ] || break
    echo "    ($gc $method: no C2 code after ${secs}s; retrying for $((secs * 2))s)"
    secs=$((secs * 2))
  done
}

# hits FILE: the audited instructions audit.sh flagged (the line after each "  [category]" line)
hits() { awk '/^  \[/ { if ((getline l) > 0) print l }' "$1"; }

failures=()
fail() {  # fail METHOD GC WHY FILE
  failures+=("$1 under $2: $3")
  echo "    FAIL: $1 under $2: $3"
  case $3 in
    *atomic*) grep -E '^  \[|^    0x|nearest debug scope|; - ' "$4" | head -30 | sed 's/^/    /' || true ;;
    *) grep -v '^--- C2' "$4" | tail -15 | sed 's/^/    | /' || true ;;
  esac
}

stack_fence='lock[[:space:]]+(add|or)l?[[:space:]]+\$0(x0)?,[[:space:]]*-?(0x[0-9a-f]+)?\(%rsp\)'
t0=$(date +%s)
printf '%-10s %-40s %-14s %s\n' GC method rule result
contrast=()
for i in "${!methods[@]}"; do
  method=${methods[$i]}
  rule=${rules[$i]}
  gcs=(ParallelGC G1GC)
  [ "$rule" = contrast ] && gcs=(ParallelGC)
  for gc in "${gcs[@]}"; do
    name=${method##*.}
    dir="$out/$gc-${name/::/.}"
    run_audit "$gc" "$method" "$dir"
    printf '%-10s %-40s %-14s %s\n' "$gc" "$method" "$rule" "$(tail -1 "$dir.txt")"
    case $rc in
      2) fail "$method" "$gc" "no C2 code: renamed or moved (edit bench/asm-audit.methods), or not hot in HotLoopWorkload" \
           "$dir.txt"; continue ;;
      3) fail "$method" "$gc" "the audit could not run (status 3)" "$dir.txt"; continue ;;
    esac
    if [ "$rule" = contrast ]; then
      contrast+=("$dir")
    elif [ "$rule" = zero-parallel ] && [ "$gc" = G1GC ]; then
      others=$(hits "$dir.txt" | grep -Ev "$stack_fence" || true)
      if [ -n "$others" ]; then
        fail "$method" "$gc" "atomics other than G1's barrier fence" "$dir.txt"
      elif [ $rc -eq 1 ]; then
        hits "$dir.txt" | sed 's/^ */    G1 barrier: /' | head -4
      fi
    elif [ $rc -ne 0 ]; then
      fail "$method" "$gc" "atomic instructions in its C2 code" "$dir.txt"
    fi
  done
done

for dir in ${contrast[@]+"${contrast[@]}"}; do
  echo
  echo "idle path (${dir##*/}, contrast, not counted): $(tail -1 "$dir.txt")"
  grep -h -B1 -E 'lock |xchg|mfence' "$dir/c2.asm" | sed 's/^/  /' || true
  echo "  (each fence follows a volatile store: parkUntilWoken's 'parked = 1' — the Dekker announcement an Exec pays"
  echo "   only on its way to parking, which C2 may inline at more than one place —, its 'parked = 0' when the park"
  echo "   ends, before it reads the stall guard's dozing flag (guarded Execs), or a store made once, at start-up or on"
  echo "   the failure path; the turn, audited above, is what runs while there is work)"
done

echo
echo "asm audit: ${#methods[@]} methods from ${methods_file#"$root"/}, $(($(date +%s) - t0)) s, results in ${out#"$root"/}"
if [ "${#failures[@]}" -eq 0 ]; then
  echo "PASS: 0 atomics in the audited owner-loop methods under ParallelGC and G1"
  exit 0
fi
echo "FAIL: the zero-atomics audit failed:"
printf '  - %s\n' "${failures[@]}"
exit 1
