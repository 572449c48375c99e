package io.corepin.bench.sched;

import io.corepin.Backpressure;
import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.WorkBalancing;
import io.corepin.affinity.AffinityPlan;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Pool-wide priority: realtime latency under a backlog flood on one Exec, with and without work balancing, on a
 * group of two Execs with levels {@code realtime} above {@code backlog}. Every un-keyed submission goes to Exec 0
 * (the worst skew). One operation: a flood of {@value #FLOOD} backlog tasks ({@value #WORK_NANOS} ns of busy work
 * each, so 10 ms on one core) is submitted, then {@value #REALTIME} realtime tasks, each recording its submit → run
 * time in an HdrHistogram (measurement iterations only); the operation ends when everything has run. The score is
 * the operation's time (the flood's makespan); the realtime p50/p99/max are printed per fork as a {@code POOLPRIO}
 * line, which {@code bench/run.sh poolprio} collects.
 *
 * <p>{@code balancing=off}: today's per-Exec levels (the realtime tasks wait in Exec 0's ring behind the flood).
 * {@code balancing=on}: {@code WorkBalancing.donateAbove(64)} — Exec 0 drains its ring into its lanes and donates
 * the highest levels' un-keyed work to Exec 1.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms512m", "-Xmx512m"})
public class PoolPriorityBenchmark {
    static final int FLOOD = 2_000;
    static final long WORK_NANOS = 5_000;
    static final int REALTIME = 8;

    @Param({"off", "on"})
    public String balancing;

    private final Lane realtime = Lane.fifo("realtime");
    private final Lane backlog = Lane.fifo("backlog");
    private ExecGroup group;
    private final Recorder latencies = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private boolean measuring;

    @Setup(Level.Trial)
    public void start() {
        Levels levels = Levels.builder().level(realtime).level(backlog).defaultLane(backlog).build();
        group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .balancer((task, g) -> 0)
            .backpressure(Backpressure.block(Duration.ofSeconds(10)))
            .workBalancing("on".equals(balancing) ? WorkBalancing.donateAbove(64) : WorkBalancing.off())
            .execSettings(Exec.builder().name("poolprio").ringCapacity(4096).levels(levels).daemon(true)
                .stallThreshold(0, TimeUnit.MILLISECONDS)) // a 5 µs spin preempted on a shared machine is no stall
            .build();
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
        latencies.getIntervalHistogram(); // drop what warm-up recorded
    }

    @TearDown(Level.Iteration)
    public void collect() {
        Histogram h = latencies.getIntervalHistogram();
        if (measuring) {
            total.add(h);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        group.close();
        System.out.printf("%nPOOLPRIO balancing=%s n=%d p50=%d p99=%d max=%d donated=%d%n", balancing,
            total.getTotalCount(), total.getValueAtPercentile(50), total.getValueAtPercentile(99),
            total.getMaxValue(), group.exec(0).tasksDonated());
    }

    private static void spin(long nanos) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    public void realtimeBehindAFlood() throws InterruptedException {
        final CountDownLatch done = new CountDownLatch(FLOOD + REALTIME);
        final Runnable low = () -> {
            spin(WORK_NANOS);
            done.countDown();
        };
        for (int i = 0; i < FLOOD; i++) {
            group.execute(backlog, low);
        }
        for (int i = 0; i < REALTIME; i++) {
            final long submitted = System.nanoTime();
            group.execute(realtime, () -> {
                latencies.recordValue(Math.max(0, System.nanoTime() - submitted) / 1_000); // µs
                done.countDown();
            });
        }
        if (!done.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("round did not finish: " + done.getCount() + " tasks left");
        }
    }
}
