package io.corepin.bench.stall;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.bench.Paced;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
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

/**
 * One task in {@code blockEvery} blocks its thread for {@code blockMillis} (issue #16, smolscale's "tasks cannot
 * block other tasks"): the benchmark thread submits tiny tasks to a 2-thread executor at a steady {@code rate},
 * paced by {@code LockSupport.parkNanos}, for {@code seconds}; every task but the blocking ones records its
 * submit-to-completion time. {@link StallDetourProfiler} ({@code -prof io.corepin.bench.stall.StallDetourProfiler})
 * reports p50, p99, p99.9 (µs) and the share of those tasks that took longer than 5 ms ({@code late.pct}).
 *
 * <p>Peers: {@code corepin} {@code ExecGroup.builder().execs(2).build()} (the defaults: stall detour and stall
 * rescue on; stall threshold 10 ms), {@code corepin-norescue} the detour only ({@code rescueStalled(false)}: queued
 * work waits behind the blocked task), {@code corepin-nodetour} the rescue only ({@code detourStalled(false)}),
 * {@code corepin-neither} neither, {@code corepin-2ms} the defaults with a 2 ms stall threshold
 * ({@code Exec.Builder.stallThreshold}: the stall is seen, and its queue moved, sooner), {@code fjp}
 * {@code new ForkJoinPool(2)}, {@code vthreads} {@code Executors.newVirtualThreadPerTaskExecutor()} (JDK 21+, reached
 * by reflection so that this compiles on 17; on 17 the trial fails with a message saying so; 2 carriers:
 * {@code jdk.virtualThreadScheduler.parallelism=2}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, batchSize = 1)
@Measurement(iterations = 3, batchSize = 1)
@Fork(value = 5, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms512m", "-Xmx512m",
    "-Djdk.virtualThreadScheduler.parallelism=2", "-Djdk.virtualThreadScheduler.maxPoolSize=256"})
public class StallDetour {
    @Param({"corepin", "corepin-norescue", "corepin-nodetour", "corepin-neither", "corepin-2ms", "fjp", "vthreads"})
    public String executor;

    /** Tasks per second. */
    @Param({"20000"})
    public int rate;

    /** One task in this many blocks. */
    @Param({"5000"})
    public int blockEvery;

    @Param({"100"})
    public int blockMillis;

    /** Length of one measured invocation. */
    @Param({"1.5"})
    public double seconds;

    private Executor pool;
    private AutoCloseable closer;

    @Setup(Level.Trial)
    public void start() throws Exception {
        switch (executor) {
            case "corepin":
            case "corepin-norescue":
            case "corepin-nodetour":
            case "corepin-neither":
            case "corepin-2ms": {
                Exec.Builder settings = Exec.builder().name("corepin");
                if (executor.equals("corepin-2ms")) {
                    settings.stallThreshold(2, TimeUnit.MILLISECONDS); // detected after 2-3 ms instead of 10-15
                }
                ExecGroup group = ExecGroup.builder().execs(2).execSettings(settings)
                    .detourStalled(!executor.equals("corepin-nodetour") && !executor.equals("corepin-neither"))
                    .rescueStalled(!executor.equals("corepin-norescue") && !executor.equals("corepin-neither"))
                    .build();
                pool = group;
                closer = group;
                break;
            }
            case "fjp": {
                ForkJoinPool fjp = new ForkJoinPool(2);
                pool = fjp;
                closer = () -> Paced.shutdown(fjp);
                break;
            }
            case "vthreads": {
                ExecutorService vt = virtualThreadPerTaskExecutor();
                pool = vt;
                closer = () -> Paced.shutdown(vt);
                break;
            }
            default:
                throw new IllegalArgumentException("unknown executor '" + executor
                    + "': expected corepin, corepin-norescue, corepin-nodetour, corepin-neither, corepin-2ms, fjp or"
                    + " vthreads");
        }
        run(1_000, 0.2, 0, false); // start the pools' threads before the first measured task
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()} on JDK 21+, by reflection: this code compiles for 17. */
    static ExecutorService virtualThreadPerTaskExecutor() {
        try {
            return (ExecutorService) MethodHandles.publicLookup().findStatic(Executors.class,
                "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class)).invoke();
        } catch (NoSuchMethodException e) {
            throw new UnsupportedOperationException("the vthreads peer needs JDK 21 or later; this is "
                + System.getProperty("java.version") + " (run with JAVA=/path/to/jdk21+/bin/java)", e);
        } catch (Throwable t) {
            throw new IllegalStateException("newVirtualThreadPerTaskExecutor failed", t);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        closer.close();
    }

    @Benchmark
    public int paced() throws InterruptedException {
        return run(rate, seconds, blockEvery, true);
    }

    private int run(int perSecond, double forSeconds, int every, boolean record) throws InterruptedException {
        final long[] latency = Paced.submit(executor, pool, perSecond, forSeconds, every, blockMillis);
        if (record) {
            StallDetourProfiler.record(latency);
        }
        return latency.length;
    }
}
