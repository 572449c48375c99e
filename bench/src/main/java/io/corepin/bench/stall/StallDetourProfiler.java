package io.corepin.bench.stall;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * {@link StallDetour}'s secondary results, per iteration: p50/p99/p99.9 submit-to-completion (µs) of the tasks that
 * did not block, and the share of them (%) that took longer than 5 ms. Runs inside the forked JVM.
 */
public final class StallDetourProfiler implements InternalProfiler {
    static final long LATE_NANOS = 5_000_000;
    private static final Histogram LATENCY = new Histogram(3);
    private static long late;

    /** Called by the benchmark thread with one invocation's latencies (ns; -1: a blocking task, not measured). */
    static void record(long[] latencyNanos) {
        synchronized (LATENCY) {
            for (long l : latencyNanos) {
                if (l >= 0) {
                    LATENCY.recordValue(l);
                    if (l > LATE_NANOS) {
                        late++;
                    }
                }
            }
        }
    }

    @Override
    public String getDescription() {
        return "submit-to-completion p50/p99/p99.9 and share > 5 ms for io.corepin.bench.stall.StallDetour";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        synchronized (LATENCY) {
            LATENCY.reset();
            late = 0;
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        final List<Result> out = new ArrayList<>();
        synchronized (LATENCY) {
            out.add(new ScalarResult("p50.us", LATENCY.getValueAtPercentile(50) / 1e3, "us", AggregationPolicy.AVG));
            out.add(new ScalarResult("p99.us", LATENCY.getValueAtPercentile(99) / 1e3, "us", AggregationPolicy.AVG));
            out.add(new ScalarResult("p999.us", LATENCY.getValueAtPercentile(99.9) / 1e3, "us",
                AggregationPolicy.AVG));
            final long n = LATENCY.getTotalCount();
            out.add(new ScalarResult("late.pct", n == 0 ? 0 : 100.0 * late / n, "%", AggregationPolicy.AVG));
        }
        return out;
    }
}
