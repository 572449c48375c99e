package io.corepin.bench.alloc;

import io.corepin.Exec;
import io.corepin.Promise;
import io.corepin.bench.BatchMarker;
import io.corepin.bench.CountTask;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bytes allocated per spawn, to be run with {@code -prof gc} ({@code gc.alloc.rate.norm}: bytes allocated per op). Targets from issue 4: 0 B/op for a
 * local spawn of a pre-built task and for a cross-thread {@code Runnable} submit, at most one object (the
 * {@link Promise}) for a Promise-returning spawn.
 *
 * <p>The local benchmarks make the benchmark thread an Exec for one batch of {@value #BATCH} spawns
 * ({@link Exec#blockOn}); the body spawns the batch on its own Exec and returns {@link Exec#yieldNow()}, which
 * completes after the batch has run. blockOn's own objects (its task, its promise, the yield's promise: about a
 * hundred bytes) are spread over the batch: under 0.02 B/op. The cross-thread benchmark offers pre-built tasks to an
 * Exec on another thread and waits for a pre-built marker task after each batch, as {@code ExecThroughput} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms1g", "-Xmx1g"})
public class SpawnAllocation {
    static final int BATCH = 10_000;

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private Exec remote;
    private final CountTask counter = new CountTask();
    private final BatchMarker marker = new BatchMarker();
    private long round;
    private final Callable<Void> callable = () -> {
        counter.count++;
        return null;
    };
    private final Supplier<CompletionStage<Void>> body = () -> {
        counter.count++;
        return DONE;
    };
    private final Supplier<CompletionStage<Void>> localRunnables = this::spawnRunnables;
    private final Supplier<CompletionStage<Void>> localSubmits = this::submitCallables;
    private final Supplier<CompletionStage<Void>> localSpawns = this::spawnBodies;

    @Setup(Level.Trial)
    public void setUp() {
        remote = Exec.builder().name("alloc-exec").ringCapacity(16_384).daemon(true).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        remote.close();
    }

    /** Local spawn of a pre-built Runnable on the calling Exec (its local queue): target 0 B/op. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long localSpawnRunnable() {
        Exec.blockOn(localRunnables);
        return counter.count;
    }

    private CompletionStage<Void> spawnRunnables() {
        Exec self = Exec.current();
        CountTask task = counter;
        for (int i = 0; i < BATCH; i++) {
            self.execute(task);
        }
        return Exec.yieldNow();
    }

    /** Local {@code submit(Callable)}: returns a Promise; target at most one object per op. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long localSubmitPromise() {
        Exec.blockOn(localSubmits);
        return counter.count;
    }

    private CompletionStage<Void> submitCallables() {
        Exec self = Exec.current();
        for (int i = 0; i < BATCH; i++) {
            self.submit(callable);
        }
        return Exec.yieldNow();
    }

    /** Local {@code spawn(Supplier)}: an async body and its Promise; target at most one object per op. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long localSpawnPromise() {
        Exec.blockOn(localSpawns);
        return counter.count;
    }

    private CompletionStage<Void> spawnBodies() {
        Exec self = Exec.current();
        for (int i = 0; i < BATCH; i++) {
            self.spawn(body);
        }
        return Exec.yieldNow();
    }

    /** Cross-thread submit of a pre-built Runnable (ring enqueue; retried while the ring is full): target 0 B/op. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long crossThreadSubmitRunnable() {
        final Exec exec = remote;
        final CountTask task = counter;
        for (int i = 0; i < BATCH; i++) {
            BatchMarker.offerSpinning(exec, task);
        }
        marker.target = ++round; // plain: published to the Exec by the offer below
        BatchMarker.offerSpinning(exec, marker);
        marker.awaitDone(round);
        return task.count;
    }
}
