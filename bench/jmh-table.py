#!/usr/bin/env python3
"""Prints a Markdown table from a JMH JSON result file.

usage: jmh-table.py RESULT.json --row PARAM [--col PARAM] [--metric NAME] [--baseline VALUE] [--scale F] [--unit U]
                    [--bench METHOD]

Rows are the values of --row (in the order they appear), columns the values of --col (if given). Each cell is the
score of --metric (the primary score by default; otherwise a secondary metric such as "polled") times --scale, with
its 99.9% error, and, when --baseline names a row, the ratio to that row's score in the same column. --bench keeps
only the runs of that benchmark method (for classes with more than one).
"""
import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("result")
    ap.add_argument("--row", required=True)
    ap.add_argument("--col")
    ap.add_argument("--metric")
    ap.add_argument("--baseline")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--unit", default="")
    ap.add_argument("--bench")
    a = ap.parse_args()

    with open(a.result) as f:
        runs = json.load(f)
    cells, rows, cols = {}, [], []
    unit = a.unit
    for run in runs:
        if a.bench and run["benchmark"].rsplit(".", 1)[-1] != a.bench:
            continue
        params = run.get("params", {})
        r = params.get(a.row, "?")
        c = params.get(a.col, "") if a.col else ""
        m = run["primaryMetric"] if not a.metric else run["secondaryMetrics"][a.metric]
        score, err = m["score"] * a.scale, float(m["scoreError"]) * a.scale  # "NaN" (a string) for < 3 iterations
        if err != err:  # NaN when there was a single iteration
            err = 0.0
        unit = unit or m["scoreUnit"]
        cells[(r, c)] = (score, err)
        if r not in rows:
            rows.append(r)
        if c not in cols:
            cols.append(c)

    head = [a.row] + [(f"{a.col}={c}" if a.col else "score") for c in cols]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        line = [f"**{r}**" if r == a.baseline else r]
        for c in cols:
            if (r, c) not in cells:
                line.append("–")
                continue
            score, err = cells[(r, c)]
            text = f"{score:,.2f} ± {err:,.2f}"
            if a.baseline and (a.baseline, c) in cells and r != a.baseline:
                text += f" ({score / cells[(a.baseline, c)][0]:.2f}×)"
            line.append(text)
        print("| " + " | ".join(line) + " |")
    print(f"\nunit: {unit}" + (f"; ratios are against {a.baseline} in the same column" if a.baseline else ""))


if __name__ == "__main__":
    sys.exit(main())
