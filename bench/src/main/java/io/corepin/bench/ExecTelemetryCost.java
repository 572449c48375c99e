package io.corepin.bench;

import io.corepin.Exec;
import io.corepin.IdleStrategy;
import io.corepin.telemetry.Telemetry;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * What publishing the counters costs: {@link ExecThroughput}'s corepin workload (one submitter → one Exec, batches of
 * {@value #BATCH} tasks, then a marker, waited for) with the counters in private memory ({@code off}, the default)
 * or in a counters file that {@code corepin-stat} could read ({@code on}, {@code /dev/shm} or the temp directory).
 * Half of the tasks spawn one local child, so the owner's local-enqueue counter is exercised too. Target: the
 * {@code on} score within 3 % of {@code off}.
 *
 * <p>Both modes run the same code — a plain load and a release store per owner-written counter, one per turn for
 * tasks run — into different memory (a private direct buffer, or the file's mapped values buffer); what this measures
 * is the mapping, not the counting. The cost of counting at all is {@link ExecThroughput}'s corepin score before and
 * after the counters were added.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms1g", "-Xmx1g"})
public class ExecTelemetryCost {
    static final int BATCH = 10_000;

    @Param({"off", "on"})
    public String counters;

    @Param({"park", "spin"})
    public String idle;

    private Exec exec;
    private Path file;
    private final CountTask task = new CountTask();
    private final BatchMarker marker = new BatchMarker();
    private final LocalBurst burst = new LocalBurst(task, BATCH, marker);
    private final SpawningBatch batch = new SpawningBatch(task, BATCH, marker);
    private long round;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (counters.equals("on")) {
            file = Files.createTempFile(Telemetry.defaultDirectory(), "corepin-bench-", Telemetry.SUFFIX);
            Telemetry.enable(file);
        } else {
            Telemetry.disable();
        }
        exec = Exec.builder().name("bench-exec").ringCapacity(16_384).daemon(true)
            .idleStrategy(idle.equals("spin") ? IdleStrategy.busySpin() : IdleStrategy.park()).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        exec.close();
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long submitAndRun() {
        batch.submitAndWait(exec, ++round);
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
