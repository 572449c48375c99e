#!/usr/bin/env bash
# The ring against DPDK's own ring on this machine, in one table (bench/RESULTS.md, "The ring against DPDK"):
#   1. installs Debian's dpdk-dev (which ships dpdk-test) if dpdk-test is missing (needs root or sudo);
#   2. runs `DPDK_TEST=ring_perf_autotest dpdk-test --no-huge --no-pci -m 512 -l 0-1` and keeps its "two physical
#      cores" section (SP/SC and MP/MC bulk 8 and 32, cycles/element);
#   3. runs io.corepin.bench.RingVsDpdk (JMH, the same test shape: one enqueue thread, one dequeue thread, bulks of
#      8 and 32 on one ring of 4096 slots) for corepin SpscRing/MpscRing and JCTools SpscArrayQueue/MpscArrayQueue,
#      one fork of each; steps 2 and 3 alternate ROUNDS times (default 5: 10 DPDK runs, 5 forks per cell);
#   4. converts ns/element to cycles/element with the TSC frequency the kernel detected (dmesg "tsc: Detected" or
#      "Refined TSC clocksource calibration", else /proc/cpuinfo "cpu MHz"; TSC_MHZ=... overrides) and prints the
#      table (bench/ring-vs-dpdk-table.py).
#
#   bash bench/ring-vs-dpdk.sh [JMH args...]      e.g. ROUNDS=3 bash bench/ring-vs-dpdk.sh -p bulk=32
#
# BENCH_BUILD=reactor (default: mvn -o -pl bench -am package) or none (use bench/target/benchmarks.jar as it is).
# Both tests busy-spin two threads on two cores: run it on an otherwise idle machine; the load before and after is
# printed. About 4 minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=bench/results/ring-vs-dpdk
mkdir -p "$out"

if ! command -v dpdk-test >/dev/null 2>&1; then
  echo "dpdk-test not found: installing Debian's dpdk-dev" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dpdk-dev >/dev/null
fi

case "${BENCH_BUILD:-reactor}" in
  reactor) mvn -o -B -q -pl bench -am package -DskipTests ;;
  none) ;;
  *) echo "BENCH_BUILD must be reactor or none, got ${BENCH_BUILD}" >&2; exit 2 ;;
esac

tsc_source=""
if [ -n "${TSC_MHZ:-}" ]; then
  tsc_source="TSC_MHZ"
else
  msg=$( (dmesg 2>/dev/null || journalctl -k -b 2>/dev/null || true) | grep -E 'tsc: (Refined TSC clocksource calibration|Detected) [0-9.]+ MHz' || true)
  refined=$(grep -oE 'Refined TSC clocksource calibration: [0-9.]+' <<<"$msg" | grep -oE '[0-9.]+$' | tail -1 || true)
  detected=$(grep -oE 'Detected [0-9.]+ MHz' <<<"$msg" | grep -oE '[0-9.]+' | tail -1 || true)
  if [ -n "$refined" ]; then TSC_MHZ=$refined; tsc_source="dmesg: Refined TSC clocksource calibration"
  elif [ -n "$detected" ]; then TSC_MHZ=$detected; tsc_source="dmesg: tsc: Detected"
  else
    TSC_MHZ=$(grep -m1 'cpu MHz' /proc/cpuinfo | grep -oE '[0-9.]+$')
    tsc_source="/proc/cpuinfo cpu MHz (flags: $(grep -m1 -oE 'constant_tsc|tsc_known_freq' /proc/cpuinfo | sort -u | tr '\n' ' '))"
  fi
fi

echo "$(java -version 2>&1 | head -1); $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(dpkg-query -W -f='dpdk-dev ${Version}' dpdk-dev 2>/dev/null || echo 'dpdk-test')"
echo "TSC ${TSC_MHZ} MHz (${tsc_source})"
echo "start $(date -u '+%Y-%m-%d %H:%M UTC'); uptime:$(uptime | sed 's/.*load/ load/')"

rm -f "$out"/dpdk-*.txt "$out"/jmh-*.json "$out"/jmh-*.txt
# Rounds interleave the peers: each round runs dpdk-test DPDK_PER_ROUND times (default 2) and then one JMH fork of
# every (impl, bulk) cell, so DPDK's C and the Java queues see the same machine (other users come and go); ROUNDS
# forks per cell in all (default 5).
rounds=${ROUNDS:-5}
for r in $(seq 1 "$rounds"); do
  for k in $(seq 1 "${DPDK_PER_ROUND:-2}"); do
    # --no-huge -m 512: no hugepages needed; -l 0-1: main lcore 0 enqueues, lcore 1 dequeues
    DPDK_TEST=ring_perf_autotest timeout 300 dpdk-test --no-huge --no-pci -m 512 -l 0-1 \
      > "$out/dpdk-$r-$k.txt" 2>&1 || { tail -20 "$out/dpdk-$r-$k.txt" >&2; exit 1; }
  done
  # -Djmh.ignoreLock: other users of this machine may hold /tmp/jmh.lock; the load figures say what ran beside us
  java -Djmh.ignoreLock=true -jar bench/target/benchmarks.jar 'io.corepin.bench.RingVsDpdk' -f 1 \
    -rf json -rff "$out/jmh-$r.json" "$@" > "$out/jmh-$r.txt" 2>&1 || { tail -40 "$out/jmh-$r.txt" >&2; exit 1; }
  echo "round $r/$rounds done $(date -u '+%H:%M UTC'); uptime:$(uptime | sed 's/.*load/ load/')"
done
echo
python3 bench/ring-vs-dpdk-table.py --tsc-mhz "$TSC_MHZ" --jmh "$out"/jmh-*.json --dpdk "$out"/dpdk-*.txt
