#!/usr/bin/env python3
"""Prints a Markdown table of per-fork means from JMH JSON files (one or more forks each), grouped by a parameter.

usage: fork-table.py --row PARAM [--baseline VALUE] [--bench METHOD] [--unit U] RESULT.json...
       fork-table.py --pairs [--bench METHOD] [--unit U] RESULT.json...

For runs whose forks were interleaved across separate JMH invocations (bench/run.sh metrics): each fork's mean is the
mean of its measurement iterations; a row gives the mean of its forks' means, their standard deviation, the range
of the per-fork means, each fork's mean in run order, and the ratio of the row's mean to the baseline row's.

--pairs: forks whose measurement iterations alternate A, B, A, B, ... (MetricsBindingCost binding=alternate: even
iterations unscraped, odd ones scraped): per fork, the means of its A and B iterations and their ratio B/A; then the
mean of the per-fork ratios, their range, and of all adjacent (A, B) pairs how many had B slower.
"""
import argparse
import json
import statistics


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", nargs="+")
    ap.add_argument("--row")
    ap.add_argument("--pairs", action="store_true")
    ap.add_argument("--baseline")
    ap.add_argument("--bench")
    ap.add_argument("--unit", default="")
    a = ap.parse_args()
    if a.pairs:
        return pairs(a)
    if not a.row:
        ap.error("--row is required (or --pairs)")

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


def pairs(a):
    print("| fork | unscraped (even iterations) | scraped (odd iterations) | scraped / unscraped |")
    print("|---|---|---|---|")
    ratios, slower, total, n = [], 0, 0, 0
    for path in a.results:
        with open(path) as f:
            for run in json.load(f):
                if a.bench and run["benchmark"].rsplit(".", 1)[-1] != a.bench:
                    continue
                for fork in run["primaryMetric"]["rawData"]:
                    n += 1
                    off, on = fork[0::2], fork[1::2]
                    r = statistics.mean(on) / statistics.mean(off)
                    ratios.append(r)
                    for x, y in zip(off, on):
                        total += 1
                        slower += y < x
                    print(f"| {n} | {statistics.mean(off):,.2f} ({min(off):,.1f}–{max(off):,.1f}) | "
                          f"{statistics.mean(on):,.2f} ({min(on):,.1f}–{max(on):,.1f}) | {r:.3f}× |")
    sd = statistics.stdev(ratios) if len(ratios) > 1 else 0.0
    print(f"| **all {n} forks** | | | **{statistics.mean(ratios):.3f}×** (sd {sd:.3f}, "
          f"{min(ratios):.3f}–{max(ratios):.3f}); scraped slower in {slower} of {total} adjacent pairs |")
    if a.unit:
        print(f"\n{a.unit}")


if __name__ == "__main__":
    main()
