package io.corepin.examples.latency;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Markdown that goes into {@code bench/RESULTS.md}: one row per contender with its round-trip percentiles, its
 * p50 as a multiple of the raw ring's, and its allocation per round trip; a line per contender saying what it is;
 * and the two targets, reported (never asserted).
 */
final class ResultTable {
    /** The name of the baseline row that the ratio column divides by. */
    static final String BASELINE = "raw-ring";
    /** Percentiles of the table, in its column order (then max). */
    static final double[] PERCENTILES = {50, 99, 99.9, 99.99};

    private ResultTable() {
    }

    /** The table, then one line per contender describing it. */
    static String markdown(List<Result> results) {
        Result baseline = find(results, BASELINE);
        StringBuilder sb = new StringBuilder();
        sb.append("| contender | p50 (ns) | p99 (ns) | p99.9 (ns) | p99.99 (ns) | max (ns) | p50 / raw ring"
            + " | alloc (B/round trip) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            sb.append("| ").append(r.name());
            for (double p : PERCENTILES) {
                sb.append(" | ").append(ns(r.at(p)));
            }
            sb.append(" | ").append(ns(r.max()));
            sb.append(" | ").append(baseline == null ? "n/a"
                : String.format(Locale.ROOT, "%.2fx", (double) r.at(50) / baseline.at(50)));
            sb.append(" | ").append(r.allocatedBytesPerRoundTrip() < 0 ? "n/a"
                : String.format(Locale.ROOT, "%.2f", r.allocatedBytesPerRoundTrip()));
            sb.append(" |\n");
        }
        sb.append('\n');
        for (Result r : results) {
            sb.append("- `").append(r.name()).append("`: ").append(r.description()).append("; ")
                .append(r.placement()).append('\n');
        }
        return sb.toString();
    }

    /** The targets, one line each, for the contenders that ran. */
    static List<String> targets(List<Result> results) {
        List<String> lines = new ArrayList<>();
        Result corepin = find(results, "corepin");
        Result raw = find(results, BASELINE);
        Result netty = find(results, "netty");
        if (corepin != null && raw != null) {
            double ratio = (double) corepin.at(50) / raw.at(50);
            lines.add(String.format(Locale.ROOT,
                "corepin p50 %s ns is %.2fx the raw ring's %s ns (target: within 1.5x): %s",
                ns(corepin.at(50)), ratio, ns(raw.at(50)), ratio <= 1.5 ? "met" : "NOT met"));
        }
        if (corepin != null && netty != null) {
            long c = corepin.at(99.99);
            long n = netty.at(99.99);
            lines.add(String.format(Locale.ROOT,
                "corepin p99.99 %s ns vs Netty %s ns (target: better than Netty): %s",
                ns(c), ns(n), c < n ? "met" : "NOT met"));
        }
        return lines;
    }

    static Result find(List<Result> results, String name) {
        for (Result r : results) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    private static String ns(long nanos) {
        return String.format(Locale.ROOT, "%,d", nanos);
    }
}
