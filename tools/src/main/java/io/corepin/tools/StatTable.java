package io.corepin.tools;

import io.corepin.telemetry.ExecSample;
import io.corepin.telemetry.Metric;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns two successive samples of a counters file into one table: a row per Exec with rates over the interval, the
 * ring's depth and high-water mark, busy percentage, and a totals row.
 */
final class StatTable {
    /** The exec column is at least this wide, and as wide as the longest name: names are never cut. */
    private static final int MIN_NAME = 14;

    private Map<Integer, ExecSample> previous = new HashMap<>();
    private long previousNanos;

    /** Remembers a sample without printing (the first one of a run). */
    void prime(List<ExecSample> samples, long nowNanos) {
        previous = index(samples);
        previousNanos = nowNanos;
    }

    private static Map<Integer, ExecSample> index(List<ExecSample> samples) {
        Map<Integer, ExecSample> byId = new HashMap<>();
        for (ExecSample s : samples) {
            byId.put(s.execId(), s);
        }
        return byId;
    }

    /** The table for {@code samples}, taken at {@code nowNanos}, against the previous call's. */
    String render(List<ExecSample> samples, long nowNanos) {
        final double seconds = Math.max(1e-9, (nowNanos - previousNanos) / 1e9);
        int width = Math.max(MIN_NAME, ("total (" + samples.size() + ")").length());
        for (ExecSample s : samples) {
            width = Math.max(width, s.name().length());
        }
        final String name = "%-" + width + "s";
        final StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
            name + " %4s %9s %8s %9s %7s %7s %6s %8s %8s %9s %7s", "exec", "cpu", "tasks/s", "local/s", "ring/s",
            "depth", "hwm", "busy%", "parks/s", "wakes/s", "rejects/s", "errors")).append('\n');
        final double[] total = new double[8];
        long totalDepth = 0;
        long totalErrors = 0;
        double busySum = 0;
        for (ExecSample s : samples) {
            ExecSample before = previous.get(s.execId());
            double tasks = rate(s, before, Metric.TASKS_RUN, seconds);
            double local = rate(s, before, Metric.LOCAL_ENQUEUES, seconds);
            double ring = rate(s, before, Metric.RING_ENQUEUES, seconds);
            double parks = rate(s, before, Metric.PARKS, seconds);
            double wakes = rate(s, before, Metric.WAKEUPS, seconds);
            double rejects = rate(s, before, Metric.REJECTS, seconds);
            double busy = before == null ? 0
                : 100.0 * (s.busyNanosAt(nowNanos) - before.busyNanosAt(previousNanos)) / (nowNanos - previousNanos);
            busy = Math.max(0, Math.min(100, busy));
            out.append(String.format(Locale.ROOT, name + " %4s %9s %8s %9s %7d %7d %6.1f %8s %8s %9s %7d%n",
                s.name(), s.cpu() < 0 ? "-" : Integer.toString(s.cpu()), si(tasks), si(local), si(ring),
                s.get(Metric.RING_DEPTH), s.get(Metric.RING_DEPTH_HWM), busy, si(parks), si(wakes), si(rejects),
                s.get(Metric.TASK_ERRORS)));
            total[0] += tasks;
            total[1] += local;
            total[2] += ring;
            total[3] += parks;
            total[4] += wakes;
            total[5] += rejects;
            totalDepth += s.get(Metric.RING_DEPTH);
            totalErrors += s.get(Metric.TASK_ERRORS);
            busySum += busy;
        }
        out.append(String.format(Locale.ROOT, name + " %4s %9s %8s %9s %7d %7s %6.1f %8s %8s %9s %7d%n",
            "total (" + samples.size() + ")", "", si(total[0]), si(total[1]), si(total[2]), totalDepth, "",
            samples.isEmpty() ? 0 : busySum / samples.size(), si(total[3]), si(total[4]), si(total[5]), totalErrors));
        previous = index(samples);
        previousNanos = nowNanos;
        return out.toString();
    }

    private static double rate(ExecSample now, ExecSample before, Metric metric, double seconds) {
        return before == null ? 0 : Math.max(0, now.get(metric) - before.get(metric)) / seconds;
    }

    /** 1234567 as "1.23M": three significant digits with k/M/G. */
    static String si(double v) {
        if (v < 1_000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v < 1_000_000) {
            return String.format(Locale.ROOT, "%.3gk", v / 1e3);
        }
        if (v < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        }
        return String.format(Locale.ROOT, "%.3gG", v / 1e9);
    }
}
