package io.corepin.bench;

import io.corepin.Exec;
import io.corepin.IdleStrategy;
import io.corepin.ring.MpscRing;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * One submitter (the benchmark thread) → one single-threaded executor on the other core: tasks per microsecond.
 *
 * <p>Each invocation submits {@value #BATCH} pre-built tasks, then a marker task, and waits (spinning) until the
 * executor has run the marker; so the figure counts tasks submitted <em>and run</em>. The tasks bump a plain counter
 * on the executor's thread. Peers, each as a Java developer would set it up: corepin {@link Exec} with its default
 * idle strategy (park) and with busy-spin, the raw {@link MpscRing} drained by a spinning thread (the ceiling: no
 * executor around the ring), Netty's {@link DefaultEventExecutor}, a {@code ThreadPoolExecutor(1, 1)} over a
 * {@code LinkedBlockingQueue}, and a {@code ForkJoinPool(1)}. Nothing is pinned, so all run under the same
 * scheduler.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms1g", "-Xmx1g"})
public class ExecThroughput {
    static final int BATCH = 10_000;

    @Param({"corepin", "corepin-spin", "raw-ring", "netty", "tpe", "fjp"})
    public String executor;

    private Submitter submitter;
    private final CountTask task = new CountTask();
    private final BatchMarker marker = new BatchMarker();
    private long round;

    /** How the benchmark thread hands a task over; retries when a bounded queue is full. */
    interface Submitter extends AutoCloseable {
        void submit(Runnable task);

        @Override
        void close() throws Exception;
    }

    @Setup(Level.Trial)
    public void setUp() {
        submitter = create(executor);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        submitter.close();
    }

    static Submitter create(String executor) {
        switch (executor) {
            case "corepin": return new CorepinExec(IdleStrategy.park());
            case "corepin-spin": return new CorepinExec(IdleStrategy.busySpin());
            case "raw-ring": return new RawRing();
            case "netty": return new ExecutorSubmitter(new DefaultEventExecutor(), null);
            case "tpe": {
                ThreadPoolExecutor tpe = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>());
                return new ExecutorSubmitter(tpe, tpe::shutdown);
            }
            case "fjp": {
                ForkJoinPool fjp = new ForkJoinPool(1);
                return new ExecutorSubmitter(fjp, fjp::shutdown);
            }
            default: throw new IllegalArgumentException("unknown executor " + executor);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long submitAndRun() {
        final Submitter s = submitter;
        final Runnable t = task;
        for (int i = 0; i < BATCH; i++) {
            s.submit(t);
        }
        marker.target = ++round; // plain: published to the executor by the submit below
        s.submit(marker);
        marker.awaitDone(round);
        return task.count;
    }

    static final class CorepinExec implements Submitter {
        private final Exec exec;

        CorepinExec(IdleStrategy idle) {
            exec = Exec.builder().name("bench-exec").ringCapacity(16_384).idleStrategy(idle).daemon(true).build();
        }

        @Override
        public void submit(Runnable task) {
            while (exec.offer(task) < 0) {
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() {
            exec.close();
        }
    }

    /** The ceiling: the same ring, drained by a thread that does nothing else. */
    static final class RawRing implements Submitter {
        private final MpscRing<Runnable> ring = new MpscRing<>(16_384);
        private volatile boolean running = true;
        private final Thread consumer;

        RawRing() {
            final Consumer<Runnable> run = Runnable::run;
            consumer = new Thread(() -> {
                while (running) {
                    if (ring.drain(run, 32) == 0) {
                        Thread.onSpinWait();
                    }
                }
            }, "raw-ring-consumer");
            consumer.setDaemon(true);
            consumer.start();
        }

        @Override
        public void submit(Runnable task) {
            while (ring.offer(task) < 0) {
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.join(10_000);
        }
    }

    static final class ExecutorSubmitter implements Submitter {
        private final Executor executor;
        private final Runnable shutdown;

        ExecutorSubmitter(Executor executor, Runnable shutdown) {
            this.executor = executor;
            this.shutdown = shutdown;
        }

        @Override
        public void submit(Runnable task) {
            executor.execute(task);
        }

        @Override
        public void close() {
            if (executor instanceof DefaultEventExecutor) {
                ((DefaultEventExecutor) executor).shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            } else {
                shutdown.run();
            }
        }
    }
}
