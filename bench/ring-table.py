#!/usr/bin/env python3
"""Prints the Markdown tables for io.corepin.bench.RingThroughput from its JMH JSON result.

usage: ring-table.py [bench/results/ring.json]

Table 1 (the headline): elements through the queue per microsecond (= million elements/s), read from the
consumer's `polled` counter, with JMH's 99.9% error and the ratio to corepin-mpsc in the same burst column.
Cells marked ‡k/n had k of n iterations where both sides idled in most calls (see descheduled()).
Table 2: how often each side's call moved nothing (producer found the queue full / consumer found it empty), as a
share of that side's calls; it tells which side is the bottleneck.
"""
import json
import sys

BASELINE = "corepin-mpsc"
LABELS = {
    "corepin-mpsc": "corepin `MpscRing`",
    "corepin-spsc": "corepin `SpscRing`",
    "jctools-mpsc": "JCTools `MpscArrayQueue`",
    "jctools-spsc": "JCTools `SpscArrayQueue`",
    "agrona-mpsc": "Agrona `ManyToOneConcurrentArrayQueue` ¹",
    "agrona-spsc": "Agrona `OneToOneConcurrentArrayQueue` ¹",
}


def idle_shares(run):
    """(share of producer calls that found the queue full, share of consumer calls that found it empty)."""
    full = metric(run, "offerFailed")[0] / max(metric(run, "producer")[0], 1e-9)
    empty = metric(run, "pollFailed")[0] / max(metric(run, "consumer")[0], 1e-9)
    return full, empty


def raw(run, name):
    return [x for fork in run["secondaryMetrics"][name]["rawData"] for x in fork]


def descheduled(run):
    """(iterations in which both sides were mostly idle at once, iterations). A heuristic: when one thread is
    descheduled (another process took a core), the other spins on a full or empty queue for the whole time slice, so
    both the producer's share of full-queue calls and the consumer's share of empty-queue calls go above 90 %, and the
    iteration measures the scheduler, not the queue. A queue that oscillates between full and empty can show both
    shares high too, but on this machine undisturbed iterations stayed below 50 % (Agrona MPSC, burst 32, peaked at
    47 %), hence the threshold."""
    its = list(zip(raw(run, "offerFailed"), raw(run, "producer"), raw(run, "pollFailed"), raw(run, "consumer")))
    bad = sum(1 for of, p, pf, c in its if of > 0.5 * p and pf > 0.5 * c)
    return bad, len(its)


def metric(run, name):
    m = run["secondaryMetrics"][name]
    err = m["scoreError"]
    return m["score"], (0.0 if err != err else err)  # NaN error when there was one iteration


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/ring.json"
    with open(path) as f:
        runs = [r for r in json.load(f) if r["benchmark"].endswith("RingThroughput.transfer")]
    if not runs:
        sys.exit(f"{path}: no RingThroughput.transfer results")
    cells, impls, bursts = {}, [], []
    for run in runs:
        impl, burst = run["params"]["impl"], int(run["params"]["burst"])
        cells[(impl, burst)] = run
        if impl not in impls:
            impls.append(impl)
        if burst not in bursts:
            bursts.append(burst)
    bursts.sort()

    def label(impl):
        text = LABELS.get(impl, impl)
        return f"**{text}**" if impl == BASELINE else text

    def table(cell):
        """One row per implementation, one column per burst size; cell(impl, burst, run) formats a present cell."""
        print("| implementation | " + " | ".join(("single" if b == 1 else f"burst {b}") for b in bursts) + " |")
        print("|---" + "|--:" * len(bursts) + "|")
        for impl in impls:
            line = [label(impl)]
            for b in bursts:
                run = cells.get((impl, b))
                line.append("–" if run is None else cell(impl, b, run))
            print("| " + " | ".join(line) + " |")

    def throughput(impl, b, run):
        score, err = metric(run, "polled")
        bad, n = descheduled(run)
        text = f"{score:,.1f} ± {err:,.1f}" + (f" ‡{bad}/{n}" if bad else "")
        base = cells.get((BASELINE, b))
        if base is not None and impl != BASELINE:
            text += f" ({score / metric(base, 'polled')[0]:.2f}×)"
        return text

    def idle(impl, b, run):
        full, empty = idle_shares(run)
        return f"{100 * full:.0f} % / {100 * empty:.0f} %"

    table(throughput)
    print()
    print("Million elements/s moved, consumer side (`polled`), ± the 99.9 % confidence half-width from JMH; "
          f"(×) = ratio to {LABELS[BASELINE]} in the same column. ¹ Agrona has no burst enqueue: its bursts are a "
          "loop of single `offer`s (dequeue is `drain(Consumer, limit)`).")
    if any(descheduled(run)[0] for run in cells.values()):
        print("‡k/n: in k of the n measurement iterations both the producer (queue full) and the consumer (queue empty) "
              "came away empty-handed in more than half of their calls: the signature of the two threads not running "
              "at the same time (another process had a core). Treat such a cell as invalid and rerun on a quiet "
              "machine.")
    print()

    table(idle)
    print()
    print("Share of producer calls that found the queue full / of consumer calls that found it empty (means over the "
          "measurement iterations). Mostly full: the consumer is the bottleneck; mostly empty: the producer is; both "
          "high: the threads were descheduled.")


if __name__ == "__main__":
    main()
