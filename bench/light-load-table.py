#!/usr/bin/env python3
"""Markdown table of io.corepin.bench.idle.LightLoad results: one JSON file per fork (bench/light-load.sh), named
EXECUTOR-ROUND.json; the row label is the file's EXECUTOR (so a baseline build's corepin runs as "corepin-before").

Per (rate, executor): the median over forks of each fork's mean, and the forks' min-max, for cpu.s.per5s, p50.us
and p99.us; and CPU as a ratio to the lowest-CPU peer at that rate.
usage: light-load-table.py FILE.json...
"""
import json
import os
import re
import statistics
import sys

PEERS = ["corepin", "corepin-before", "fjp", "tpe", "netty"]
METRICS = [("cpu.s.per5s", "CPU s per 5 s"), ("p50.us", "p50 µs"), ("p99.us", "p99 µs")]


def main():
    forks = {}  # (rate, executor) -> metric -> [per-fork means]
    order = []
    for path in sys.argv[1:]:
        label = re.sub(r"-[0-9]+\.json$", "", os.path.basename(path))
        with open(path) as f:
            for run in json.load(f):
                p = run["params"]
                key = (int(p["rate"]), label)
                if key not in forks:
                    forks[key] = {m: [] for m, _ in METRICS}
                    order.append(key)
                for m, _ in METRICS:
                    for fork in run["secondaryMetrics"][m]["rawData"]:
                        forks[key][m].append(statistics.mean(fork))
    print("| rate (tasks/s) | executor | forks | " + " | ".join(h + " (median, min–max)" for _, h in METRICS)
          + " | CPU vs lowest |")
    print("|---:|---|---:|" + "---:|" * len(METRICS) + "---:|")
    for rate in sorted({k[0] for k in order}):
        keys = [k for k in order if k[0] == rate]
        keys.sort(key=lambda k: PEERS.index(k[1]) if k[1] in PEERS else len(PEERS))
        lowest = min(statistics.median(forks[k]["cpu.s.per5s"]) for k in keys)
        for k in keys:
            cells = []
            for m, _ in METRICS:
                v = forks[k][m]
                if rate == 0 and m != "cpu.s.per5s":
                    cells.append("–")
                    continue
                fmt = "{:.2f}" if m == "cpu.s.per5s" else "{:.1f}"
                cells.append((fmt + " ({}–{})").format(statistics.median(v), fmt.format(min(v)), fmt.format(max(v))))
            cpu = statistics.median(forks[k]["cpu.s.per5s"])
            name = "**corepin**" if k[1] == "corepin" else k[1]
            print("| {} | {} | {} | {} | {:.2f}× |".format(rate, name, len(forks[k]["cpu.s.per5s"]), " | ".join(cells),
                                                       cpu / lowest if lowest > 0 else float("nan")))


if __name__ == "__main__":
    main()
