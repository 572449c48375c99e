#!/usr/bin/env python3
"""Markdown table of io.corepin.bench.stall.StallDetour results: one JSON file per fork (bench/stall-detour.sh),
named EXECUTOR-ROUND.json. Per executor: the median over forks of each fork's mean, and the forks' min-max, for
p50/p99/p99.9 (µs) and late.pct (share of the non-blocking tasks that took > 5 ms).
usage: stall-detour-table.py FILE.json...
"""
import json
import os
import re
import statistics
import sys

PEERS = ["corepin", "corepin-2ms", "corepin-norescue", "corepin-nodetour", "corepin-neither", "fjp", "vthreads"]
METRICS = [("p50.us", "p50 µs", "{:.0f}"), ("p99.us", "p99 µs", "{:.0f}"), ("p999.us", "p99.9 µs", "{:.0f}"),
           ("late.pct", "> 5 ms %", "{:.2f}")]


def main():
    forks = {}
    for path in sys.argv[1:]:
        label = re.sub(r"-[0-9]+\.json$", "", os.path.basename(path))
        with open(path) as f:
            for run in json.load(f):
                d = forks.setdefault(label, {m: [] for m, _, _ in METRICS})
                for m, _, _ in METRICS:
                    for fork in run["secondaryMetrics"][m]["rawData"]:
                        d[m].append(statistics.mean(fork))
    print("| executor | forks | " + " | ".join(h + " (median, min–max)" for _, h, _ in METRICS) + " |")
    print("|---|---:|" + "---:|" * len(METRICS))
    for label in sorted(forks, key=lambda k: PEERS.index(k) if k in PEERS else len(PEERS)):
        cells = []
        for m, _, fmt in METRICS:
            v = forks[label][m]
            cells.append((fmt + " ({}–{})").format(statistics.median(v), fmt.format(min(v)), fmt.format(max(v))))
        name = "**corepin**" if label == "corepin" else label
        print("| {} | {} | {} |".format(name, len(forks[label]["p50.us"]), " | ".join(cells)))


if __name__ == "__main__":
    main()
