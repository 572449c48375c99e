package io.corepin.bench;

import io.corepin.Exec;
import io.corepin.IdleStrategy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the stall guard's per-task stamp costs the owner loop: {@link ExecThroughput}'s corepin workload (one submitter
 * → one Exec, batches of {@value #BATCH} trivial tasks, then a marker, waited for), with the stamp ({@code on}, the
 * default: one opaque long store per task and one per turn, with the guard thread reading them every 5 ms) and
 * without it ({@code off}: the JVM runs with {@code -Dcorepin.stallStamp=false}, a constant the JIT folds away).
 * The {@code stamp} parameter only labels the run and checks that the JVM was started to match; {@code bench/run.sh
 * stall} runs the two settings in separate JVMs and prints one table. Target: {@code on} within 2 % of {@code off}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms1g", "-Xmx1g"})
public class StallGuardCost {
    static final int BATCH = 10_000;

    @Param({"on"})
    public String stamp;

    @Param({"park", "spin"})
    public String idle;

    private Exec exec;
    private final CountTask task = new CountTask();
    private final BatchMarker marker = new BatchMarker();
    private final LocalBurst burst = new LocalBurst(task, BATCH, marker);
    private long round;

    @Setup(Level.Trial)
    public void setUp() {
        String jvm = "false".equals(System.getProperty("corepin.stallStamp")) ? "off" : "on";
        if (!jvm.equals(stamp)) {
            throw new IllegalStateException("stamp=" + stamp + " but this JVM runs with the stamp " + jvm
                + " (-Dcorepin.stallStamp=false turns it off); use bench/run.sh stall");
        }
        exec = Exec.builder().name("bench-exec").ringCapacity(16_384).daemon(true)
            .idleStrategy(idle.equals("spin") ? IdleStrategy.busySpin() : IdleStrategy.park()).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        exec.close();
    }

    private void submit(Runnable r) {
        BatchMarker.offerSpinning(exec, r);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long submitAndRun() {
        final Runnable t = task;
        for (int i = 0; i < BATCH; i++) {
            submit(t);
        }
        marker.target = ++round; // plain: published to the Exec by the submit below
        submit(marker);
        marker.awaitDone(round);
        return task.count;
    }

    /**
     * The owner loop alone ({@link LocalBurst}): one submit spawns {@value #BATCH} local tasks and the marker on the
     * Exec. Run with {@code -p idle=park} ({@code bench/run.sh} does): the Exec is busy for the whole batch.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long ownerLoop() {
        burst.submitAndWait(exec, ++round);
        return task.count;
    }
}
