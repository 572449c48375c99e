package io.corepin;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where {@link Exec#blocking} runs blocking work: a bounded {@link ThreadPoolExecutor} of daemon threads
 * ({@code corepin-blocking-N}) over a bounded queue, shared by the whole JVM and started on first use. Threads are
 * created up to the limit before work queues, and exit after 30 s idle. When every thread is busy and the queue is
 * full the call fails at once with a {@link RejectedExecutionException} that says so — back-pressure, rather than an
 * unbounded queue or an Exec thread running the work itself.
 *
 * <p>Sizes: system properties {@code corepin.blocking.threads} (default {@code max(16, 4 × CPUs)}) and
 * {@code corepin.blocking.queue} (default 1024), read when the pool starts.
 */
final class BlockingPool {
    /** System property: most threads of the shared pool. */
    static final String THREADS_PROPERTY = "corepin.blocking.threads";
    /** System property: capacity of the shared pool's queue. */
    static final String QUEUE_PROPERTY = "corepin.blocking.queue";

    private final ThreadPoolExecutor pool;
    private final String name;

    BlockingPool(String name, int threads, int queue) {
        if (threads < 1 || queue < 1) {
            throw new IllegalArgumentException(
                "blocking pool needs >= 1 thread and a queue of >= 1, got " + threads + " and " + queue);
        }
        this.name = name;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
            factory, (r, executor) -> {
                throw new RejectedExecutionException(name + " is saturated: all " + threads + " threads are busy and "
                    + queue + " calls are queued (sizes: -D" + THREADS_PROPERTY + ", -D" + QUEUE_PROPERTY + ")");
            });
        this.pool.allowCoreThreadTimeOut(true);
    }

    private static final class Shared {
        static final BlockingPool POOL = new BlockingPool("corepin-blocking",
            Integer.getInteger(THREADS_PROPERTY, Math.max(16, 4 * Runtime.getRuntime().availableProcessors())),
            Integer.getInteger(QUEUE_PROPERTY, 1024));
    }

    /** The JVM-wide pool. */
    static BlockingPool shared() {
        return Shared.POOL;
    }

    /**
     * Runs {@code work} on this pool; the returned promise belongs to {@code exec}, so its continuations run there.
     *
     * @throws RejectedExecutionException if the pool is saturated (the work was not started)
     */
    <T> Promise<T> call(Exec exec, Callable<T> work) {
        BlockingCall<T> call = new BlockingCall<>(Objects.requireNonNull(exec, "exec"),
            Objects.requireNonNull(work, "work"));
        call.start(pool);
        return call;
    }

    @Override
    public String toString() {
        return name + "{threads " + pool.getPoolSize() + "/" + pool.getMaximumPoolSize() + ", queued "
            + pool.getQueue().size() + "}";
    }
}
