#!/usr/bin/env python3
"""The ring against DPDK's own ring: one Markdown table from dpdk-test logs and RingVsDpdk's JMH JSON.

usage: ring-vs-dpdk-table.py --tsc-mhz MHZ --jmh RESULT.json... --dpdk DPDK_LOG...

DPDK: each log is one `DPDK_TEST=ring_perf_autotest dpdk-test ...` run; its "### Testing using two physical cores ###"
section, legacy API (pointer elements) lines, e.g. `legacy APIs: SP/SC: bulk (size: 8): 10.82` (cycles/element, the
sum of the enqueue and the dequeue thread's cycles per element). A row's value is the median over the runs; min–max
is the range of the runs.

JMH (io.corepin.bench.RingVsDpdk, group "bulk", single shots of 2^15 bulks per thread, as DPDK's loop): per shot,
the enqueue thread's ns plus the dequeue thread's ns, divided by the elements (ns/element summed over both threads,
as DPDK sums them), times the TSC frequency in GHz: cycles/element. A fork's value is the median of its shots; a
cell is the median of the forks, with the forks' min–max. Ratios: of the medians, and of the best shots (corepin's
fastest shot over DPDK's fastest run: the figures least disturbed by other work on a shared machine).
"""
import argparse
import json
import re
import statistics

LINE = re.compile(r"legacy APIs: (SP/SC|MP/MC): bulk \(size: (\d+)\): ([0-9.]+)")
SHAPES = [("SP/SC", "spsc"), ("MP/MC", "mpsc")]
ITERATIONS = 1 << 15  # RingVsDpdk.ITERATIONS, DPDK 22.11's bulks per thread per shot


def dpdk(logs):
    out = {}
    for path in logs:
        section = False
        for line in open(path):
            if line.startswith("###"):
                section = "two physical cores" in line
                continue
            m = LINE.search(line)
            if section and m:
                out.setdefault((m.group(1), int(m.group(2))), []).append(float(m.group(3)))
    return out


def jmh(paths, ghz):
    """Per fork: the median over its shots of (enqueue ns + dequeue ns) / elements × GHz; and every shot's value."""
    forks, shots = {}, {}
    for b in (b for path in paths for b in json.load(open(path))):
        sec = b.get("secondaryMetrics", {})
        if "enqueue" not in sec or "dequeue" not in sec:
            continue
        key = (b["params"]["impl"], int(b["params"]["bulk"]))
        elements = ITERATIONS * key[1]
        for enq, deq in zip(sec["enqueue"]["rawData"], sec["dequeue"]["rawData"]):
            per_shot = [(e + d) / elements * ghz for e, d in zip(enq, deq)]
            forks.setdefault(key, []).append(statistics.median(per_shot))
            shots.setdefault(key, []).extend(per_shot)
    return forks, shots


def cell(values):
    if not values:
        return "—", None
    med = statistics.median(values)
    return f"{med:.2f} ({min(values):.2f}–{max(values):.2f})", med


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tsc-mhz", type=float, required=True)
    ap.add_argument("--jmh", nargs="+", required=True)
    ap.add_argument("--dpdk", nargs="+", required=True, dest="logs")
    a = ap.parse_args()
    d = dpdk(a.logs)
    j, shots = jmh(a.jmh, a.tsc_mhz / 1000.0)
    impls = sorted({impl for impl, _ in j})
    extra = [i for i in impls if i.startswith("corepin") and i not in ("corepin-spsc", "corepin-mpsc")]
    print(f"cycles/element (TSC {a.tsc_mhz:.1f} MHz), median (min–max): DPDK over {len(a.logs)} runs, "
          f"JMH median of per-fork medians (min–max of the forks); lower is better")
    print()
    hdr = ["shape", "bulk", "DPDK C", "corepin", "JCTools", "corepin/DPDK", "best shot corepin / DPDK",
           "best shot JCTools", "corepin/JCTools"]
    for e in extra:
        hdr += [e, f"{e}/DPDK"]
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for bulk in (8, 32):
        for shape, kind in SHAPES:
            dc, dm = cell(d.get((shape, bulk), []))
            cc, cm = cell(j.get((f"corepin-{kind}", bulk), []))
            jc, jm = cell(j.get((f"jctools-{kind}", bulk), []))
            r1 = f"{cm / dm:.2f}×" if cm and dm else "—"
            dv, cv = d.get((shape, bulk), []), j.get((f"corepin-{kind}", bulk), [])
            cs = shots.get((f"corepin-{kind}", bulk), [])
            rb = f"{min(cs):.2f} / {min(dv):.2f} = {min(cs) / min(dv):.2f}×" if cs and dv else "—"
            r2 = f"{cm / jm:.2f}×" if cm and jm else "—"
            js = shots.get((f"jctools-{kind}", bulk), [])
            jb = f"{min(js):.2f}" if js else "—"
            row = [shape, str(bulk), dc, cc, jc, r1, rb, jb, r2]
            for e in extra:
                ec, em = cell(j.get((e, bulk), []) if e.endswith(kind) else [])
                row += [ec, f"{em / dm:.2f}×" if em and dm else "—"]
            print("| " + " | ".join(row) + " |")
    print()
    print("MP/MC: DPDK's row is one producer on rte_ring_mp_enqueue_bulk (CAS on prod.head) and one consumer on "
          "rte_ring_mc_dequeue_bulk (CAS on cons.head); corepin's and JCTools' are MP/SC queues (MpscRing, "
          "MpscArrayQueue): the producer's claim CAS, no consumer CAS.")


if __name__ == "__main__":
    main()
