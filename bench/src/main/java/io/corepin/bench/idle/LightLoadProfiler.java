package io.corepin.bench.idle;

import java.lang.management.ManagementFactory;
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
 * {@link LightLoad}'s secondary results, per iteration: process CPU seconds scaled to 5 s of wall time, and the
 * p50/p99 submit-to-run latency (µs) of the tasks the iteration ran. Runs inside the forked JVM.
 */
public final class LightLoadProfiler implements InternalProfiler {
    private static final Histogram LATENCY = new Histogram(3);
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long cpuBefore;
    private long wallBefore;

    /** Called by the benchmark thread with one invocation's latencies (ns). */
    static void record(long[] latencyNanos) {
        synchronized (LATENCY) {
            for (long l : latencyNanos) {
                LATENCY.recordValue(Math.max(0, l));
            }
        }
    }

    @Override
    public String getDescription() {
        return "process CPU per 5 s and submit-to-run p50/p99 for io.corepin.bench.idle.LightLoad";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        synchronized (LATENCY) {
            LATENCY.reset();
        }
        wallBefore = System.nanoTime();
        cpuBefore = OS.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        final long cpu = OS.getProcessCpuTime() - cpuBefore;
        final long wall = System.nanoTime() - wallBefore;
        final List<Result> out = new ArrayList<>();
        out.add(new ScalarResult("cpu.s.per5s", cpu * 5.0 / wall, "s", AggregationPolicy.AVG));
        synchronized (LATENCY) {
            out.add(new ScalarResult("p50.us", LATENCY.getValueAtPercentile(50) / 1e3, "us", AggregationPolicy.AVG));
            out.add(new ScalarResult("p99.us", LATENCY.getValueAtPercentile(99) / 1e3, "us", AggregationPolicy.AVG));
        }
        return out;
    }
}
