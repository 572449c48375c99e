package io.corepin.bench.idle;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.IdleStrategy;
import io.corepin.affinity.AffinityPlan;
import io.corepin.balance.LoadBalancer;
import io.corepin.bench.Paced;
import io.netty.channel.DefaultEventLoopGroup;
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
 * CPU at light load, and the wake-up latency that buys (issue #16; smolscale's "80 % → 20 %" claim): one thread
 * (the benchmark thread) submits tiny tasks to a 2-thread executor at a fixed {@code rate}, paced by
 * {@code LockSupport.parkNanos} (never spinning, so the submitter itself costs little), for {@code seconds}; each
 * task stores its submit-to-run time. {@link LightLoadProfiler} (run with {@code -prof
 * io.corepin.bench.idle.LightLoadProfiler}) reports per iteration the process CPU time scaled to CPU seconds per
 * 5 s ({@code cpu.s.per5s}: executor threads, the submitter, JIT and GC together — the same for every peer), and the
 * p50/p99 of submit-to-run in microseconds. The primary score (the invocation's wall time) only shows the pacing held.
 *
 * <p>Peers, each as a user would create it: {@code corepin} {@code ExecGroup.builder().execs(2).build()} (default
 * idle strategy: {@code IdleStrategy.park()}; pinned, one Exec per CPU, by {@code AffinityPlan.auto}),
 * {@code corepin-unpinned} (the same with {@code AffinityPlan.unpinned(2)}: threads the scheduler may move), {@code fjp} {@code new ForkJoinPool(2)}, {@code tpe}
 * {@code Executors.newFixedThreadPool(2)}, {@code netty} {@code new DefaultEventLoopGroup(2)} (its round robin via
 * {@code execute}), and {@code corepin-rr} (the default group with {@code LoadBalancer.roundRobin()}, its default
 * before {@code wakeLocal}). Variants of the default group, to separate its costs in one run: {@code corepin-noyield}
 * ({@code IdleStrategy.park(100, 0)}), {@code corepin-park0} ({@code park(0, 0)}: parks at its first idle turn),
 * {@code corepin-unguarded} ({@code stallThreshold(0)}: no stall guard looks at its Execs).
 *
 * <p>Five warm-up invocations (10 s of paced submits) for every peer: at 1,000 tasks/s the per-task methods reach C2
 * only 5–9 s into a run ({@code -XX:+PrintCompilation}: corepin's {@code ExecGroup.execute} at 6.9 s,
 * {@code OwnerLoop.parkUntilWoken} at 8.0 s), and with one warm-up the C2 compiler thread's work was a third of
 * corepin's measured CPU at that rate (perf, bench/RESULTS.md): steady-state CPU is what this measures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, batchSize = 1)
@Measurement(iterations = 3, batchSize = 1)
@Fork(value = 5, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms512m", "-Xmx512m"})
public class LightLoad {
    @Param({"corepin", "corepin-rr", "corepin-unpinned", "corepin-noyield", "corepin-park0", "corepin-unguarded", "fjp",
        "tpe", "netty"})
    public String executor;

    /** Tasks per second; 0: none (the executor idles, only CPU is reported). */
    @Param({"0", "1000", "10000", "100000"})
    public int rate;

    /** Length of one measured invocation. */
    @Param({"2"})
    public int seconds;

    private java.util.concurrent.Executor pool;
    private AutoCloseable closer;

    @Setup(Level.Trial)
    public void start() throws Exception {
        switch (executor) {
            case "corepin":
                use(ExecGroup.builder().execs(2));
                break;
            case "corepin-rr": // the default group before LoadBalancer.wakeLocal() became its default: round robin
                use(ExecGroup.builder().execs(2).balancer(LoadBalancer.roundRobin()));
                break;
            case "corepin-unpinned":
                use(ExecGroup.builder().affinity(AffinityPlan.unpinned(2)));
                break;
            case "corepin-noyield": // spins and no yields before parking
                use(ExecGroup.builder().execs(2).execSettings(Exec.builder().name("noyield")
                    .idleStrategy(IdleStrategy.park(100, 0))));
                break;
            case "corepin-park0": // parks at its first idle turn
                use(ExecGroup.builder().execs(2).execSettings(Exec.builder().name("park0")
                    .idleStrategy(IdleStrategy.park(0, 0))));
                break;
            case "corepin-unguarded": // no stall guard looks at its Execs
                use(ExecGroup.builder().execs(2).execSettings(Exec.builder().name("unguarded")
                    .stallThreshold(0, TimeUnit.MILLISECONDS)));
                break;
            case "fjp": {
                ForkJoinPool fjp = new ForkJoinPool(2);
                pool = fjp;
                closer = () -> Paced.shutdown(fjp);
                break;
            }
            case "tpe": {
                ExecutorService tpe = Executors.newFixedThreadPool(2);
                pool = tpe;
                closer = () -> Paced.shutdown(tpe);
                break;
            }
            case "netty": {
                DefaultEventLoopGroup netty = new DefaultEventLoopGroup(2);
                pool = netty;
                closer = () -> netty.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
                break;
            }
            default:
                throw new IllegalArgumentException("unknown executor '" + executor + "': expected one of "
                    + String.join(", ", executorParam()));
        }
        // let every pool start its threads before the first measured submission
        paced(1_000, 0.2);
    }

    /** The executors this benchmark knows: its {@code executor} parameter's values, written once, above. */
    private static String[] executorParam() {
        try {
            return LightLoad.class.getField("executor").getAnnotation(Param.class).value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds {@code group} and submits to it. */
    private void use(ExecGroup.Builder group) {
        ExecGroup built = group.build();
        pool = built;
        closer = built;
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        closer.close();
    }

    @Benchmark
    public int paced() throws InterruptedException {
        return paced(rate, seconds);
    }

    private int paced(int perSecond, double forSeconds) throws InterruptedException {
        if (perSecond == 0) {
            Thread.sleep((long) (forSeconds * 1000));
            LightLoadProfiler.record(new long[0]);
            return 0;
        }
        final long[] latency = Paced.submit(executor, pool, perSecond, forSeconds, 0, 0);
        LightLoadProfiler.record(latency);
        return latency.length;
    }
}
