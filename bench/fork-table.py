#!/usr/bin/env python3
"""Prints a Markdown table of per-fork means from JMH JSON files (one or more forks each), grouped by a parameter.

usage: fork-table.py --row PARAM [--baseline VALUE] [--bench METHOD] [--unit U] RESULT.json...

For runs whose forks were interleaved across separate JMH invocations (bench/run.sh metrics): each fork's mean is the
mean of its measurement iterations; a row gives the mean of its forks' means, their standard deviation, the range
of the per-fork means, each fork's mean in run order, and the ratio of the row's mean to the baseline row's.
"""
import argparse
import json
import statistics


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", nargs="+")
    ap.add_argument("--row", required=True)
    ap.add_argument("--baseline")
    ap.add_argument("--bench")
    ap.add_argument("--unit", default="")
    a = ap.parse_args()

    forks, rows = {}, []
    for path in a.results:
        with open(path) as f:
            for run in json.load(f):
                if a.bench and run["benchmark"].rsplit(".", 1)[-1] != a.bench:
                    continue
                r = run.get("params", {}).get(a.row, "?")
                if r not in rows:
                    rows.append(r)
                for fork in run["primaryMetric"]["rawData"]:
                    forks.setdefault(r, []).append(statistics.mean(fork))
    base = statistics.mean(forks[a.baseline]) if a.baseline in forks else None
    print(f"| {a.row} | mean of fork means | sd across forks | per-fork range | forks (in run order) | vs {a.baseline} |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        v = forks[r]
        m = statistics.mean(v)
        sd = statistics.stdev(v) if len(v) > 1 else 0.0
        ratio = f"{m / base:.3f}×" if base else "–"
        name = f"**{r}**" if r == a.baseline else r
        print(f"| {name} | {m:,.2f} | {sd:,.2f} | {min(v):,.2f}–{max(v):,.2f} | "
              f"{', '.join(f'{x:,.1f}' for x in v)} | {ratio} |")
    if a.unit:
        print(f"\n{a.unit}")


if __name__ == "__main__":
    main()
