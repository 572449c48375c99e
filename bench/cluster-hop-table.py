#!/usr/bin/env python3
"""Prints the Markdown table of ClusterHop (JMH SampleTime JSON): per peer, p50/p99/p99.99 over all forks and each
fork's p50 (the per-fork spread), and the p50 ratio to the aeron peer.

usage: cluster-hop-table.py bench/results/cluster-hop.json
"""
import json
import sys


def pct(hist, q):
    total = sum(c for _, c in hist)
    need = q * total
    seen = 0
    for v, c in sorted(hist):
        seen += c
        if seen >= need:
            return v
    return sorted(hist)[-1][0]


def main():
    runs = json.load(open(sys.argv[1]))
    rows = []
    for r in runs:
        peer = r["params"]["peer"]
        forks = r["primaryMetric"]["rawDataHistogram"]
        all_hist, fork_p50 = [], []
        for fork in forks:
            h = [pair for it in fork for pair in it]
            all_hist += h
            fork_p50.append(pct(h, 0.5))
        n = sum(c for _, c in all_hist)
        rows.append((peer, n, pct(all_hist, 0.5), pct(all_hist, 0.99), pct(all_hist, 0.9999), fork_p50))
    base = next((p50 for peer, _, p50, *_ in rows if peer == "aeron"), None)
    print("| peer | round trips | p50 µs | p99 µs | p99.99 µs | p50 per fork µs | p50 vs aeron |")
    print("|---|---|---|---|---|---|---|")
    for peer, n, p50, p99, p9999, forks in rows:
        ratio = f"{p50 / base:.2f}×" if base else ""
        print(f"| {peer} | {n:,} | {p50:.1f} | {p99:.1f} | {p9999:.1f} | {', '.join(f'{x:.1f}' for x in forks)} | {ratio} |")


main()
