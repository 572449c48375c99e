#!/usr/bin/env python3
"""Prints the smolscale suite's Markdown tables from its JMH results.

usage: smol-table.py SMOL.json [--log SMOL.txt] [--alloc ALLOC.json]

Suite table: one row per workload, one column per executor (time per op with its 99.9% error), corepin's time
divided by the best peer's (below 1: corepin is faster), and the published figure of the system corepin replaces
(smolscale's README, smartpool's README: other machines, other years: for scale only). A cell the JSON lacks is
looked up in the JMH log: "stuck" when the workload made no progress (see Smol.PATIENCE_SECONDS), "failed" for
any other error, "–" when it was not run. Allocation table: -prof gc's gc.alloc.rate.norm per benchmark.
"""
import argparse
import json
import re
import sys

WORKLOADS = [  # (JMH class, smolscale name, published ns/op, published by)
    ("SpawnOne", "spawn_one", 105.21, "smolscale"),
    ("SpawnMany", "spawn_many", 3.0598e6, "smolscale"),
    ("YieldNow", "yield_now", 4.1917e6, "smolscale"),
    ("PingPong", "ping_pong", 8.6990e6, "smolscale"),
    ("ContextSwitchQuiet", "context_switch_quiet", 102.05e3, "smolscale"),
    ("ContextSwitchBusy", "context_switch_busy", 8.9012e6, "smolscale"),
    ("SpawnExecutorsRecursively", "spawn_executors_recursively", 180.40e6, "smolscale"),
    ("Fanout", "fanout", None, None),
    ("Scoped", "scoped (per op)", 824.0, "smartpool"),
]
EXECUTORS = ["corepin", "corepin-es", "fjp", "netty", "tpe", "vthreads"]
ALLOC_TARGETS = {  # issue 4's allocation targets
    "localSpawnRunnable": "0 B",
    "crossThreadSubmitRunnable": "0 B",
    "localSubmitPromise": "≤ 1 object (the Promise)",
    "localSpawnPromise": "≤ 1 object (the Promise)",
}
TO_NS = {"ns/op": 1.0, "us/op": 1e3, "µs/op": 1e3, "ms/op": 1e6, "s/op": 1e9}


def num(x):
    """JMH writes "NaN" (a string) for the error of a single iteration."""
    x = float(x)
    return 0.0 if x != x else x


def unit_of(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return unit, scale
    return "ns", 1.0


def fmt(ns, err=None):
    """ns in a readable unit, 3 significant digits; the error (if any) in the same unit."""
    unit, scale = unit_of(ns)
    v = ns / scale
    text = f"{v:,.3g}" if v < 100 else f"{v:,.0f}"
    if err:
        e = err / scale
        text += f" ± {e:,.2g}" if e < 10 else f" ± {e:,.0f}"
    return f"{text} {unit}"


def cls(benchmark):
    return benchmark.split(".")[-2]


def failures(log):
    """(class, executor) -> 'stuck' | 'failed', from JMH's human-readable log."""
    out, bench, executor, pending = {}, None, None, False
    with open(log, errors="replace") as f:
        for line in f:
            m = re.match(r"# Benchmark: (\S+)", line)
            if m:
                bench, executor, pending = cls(m.group(1)), None, False
                continue
            m = re.match(r"# Parameters: \(.*executor = ([\w-]+)", line)
            if m:
                executor = m.group(1)
                continue
            if "<failure>" in line:
                pending = True
                out.setdefault((bench, executor), "failed")
            elif pending and "STUCK" in line:
                out[(bench, executor)] = "stuck"
                pending = False
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("result")
    ap.add_argument("--log")
    ap.add_argument("--alloc")
    a = ap.parse_args()

    with open(a.result) as f:
        runs = json.load(f)
    cells = {}
    for run in runs:
        m = run["primaryMetric"]
        scale = TO_NS[m["scoreUnit"]]
        cells[(cls(run["benchmark"]), run["params"]["executor"])] = (
            num(m["score"]) * scale, num(m["scoreError"]) * scale)
    failed = failures(a.log) if a.log else {}

    head = ["workload"] + EXECUTORS + ["corepin ÷ best peer", "published (other machine)"]
    print("| " + " | ".join(head) + " |")
    print("|---|" + "---:|" * (len(head) - 1))
    for klass, name, published, source in WORKLOADS:
        if not any(k == klass for k, _ in cells) and not any(k == klass for k, _ in failed):
            continue
        row = [name]
        for ex in EXECUTORS:
            if (klass, ex) in cells:
                score, err = cells[(klass, ex)]
                text = fmt(score, err)
                row.append(f"**{text}**" if ex == "corepin" else text)
            else:
                row.append(failed.get((klass, ex), "–"))
        peers = [(cells[(klass, ex)][0], ex) for ex in EXECUTORS
                 if not ex.startswith("corepin") and (klass, ex) in cells]
        if (klass, "corepin") in cells and peers:
            best, who = min(peers)
            row.append(f"{cells[(klass, 'corepin')][0] / best:.2f}× ({who})")
        else:
            row.append("–")
        row.append(f"{fmt(published)} ({source})" if published else "–")
        print("| " + " | ".join(row) + " |")
    print("\nTime per op (lower is better), ± the 99.9% confidence half-interval; stuck: no progress for the "
          "driver within the patience (the executor did not run the work the benchmark thread submitted).")

    if a.alloc:
        with open(a.alloc) as f:
            allocs = json.load(f)
        print("\n| allocation benchmark | B/op | target | time/op |")
        print("|---|---:|---|---:|")
        for run in allocs:
            norm = run["secondaryMetrics"].get("·gc.alloc.rate.norm") or run["secondaryMetrics"].get(
                "gc.alloc.rate.norm")
            m = run["primaryMetric"]
            b = f"{num(norm['score']):.2f} ± {num(norm['scoreError']):.2f}" if norm else "–"
            name = run['benchmark'].split('.')[-1]
            print(f"| {name} | {b} | {ALLOC_TARGETS.get(name, '–')} | {fmt(num(m['score']) * TO_NS[m['scoreUnit']])} |")
        print("\nB/op: JMH -prof gc's gc.alloc.rate.norm (bytes allocated per op, amortized over a batch "
              "of 10,000). One Promise object is a few tens of bytes (CompletableFuture's two fields plus Promise's own).")


if __name__ == "__main__":
    sys.exit(main())
