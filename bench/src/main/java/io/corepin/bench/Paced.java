package io.corepin.bench;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A paced load for the light-load and stall benchmarks: the calling thread submits tiny tasks at a fixed rate,
 * paced by {@code LockSupport.parkNanos} (never spinning, so the submitter itself costs little), and waits (bounded)
 * until every task ran. Each task stores its submit-to-run time in its own slot.
 */
public final class Paced {
    private Paced() {
    }

    /**
     * Submits {@code perSecond × forSeconds} tasks to {@code pool} at {@code perSecond}; if {@code blockEvery > 0},
     * one task in {@code blockEvery} (the middle one of each group) sleeps {@code blockMillis} instead and is not
     * measured.
     *
     * @return each task's submit-to-run nanoseconds, -1 for the blocking ones
     * @throws IllegalStateException naming {@code who} if the tasks did not all run within 10 s of the last submit
     */
    public static long[] submit(String who, Executor pool, int perSecond, double forSeconds, int blockEvery,
                                long blockMillis) throws InterruptedException {
        final int n = (int) (perSecond * forSeconds);
        final long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        final long[] latency = new long[n];
        final AtomicInteger done = new AtomicInteger();
        final long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            final long due = start + i * interval;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now); // overshoots by the timer slack: then the next tasks are due at once
            }
            final int slot = i;
            if (blockEvery > 0 && i % blockEvery == blockEvery / 2) { // the blocking one: not measured
                latency[slot] = -1;
                pool.execute(() -> {
                    try {
                        Thread.sleep(blockMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.incrementAndGet();
                });
                continue;
            }
            final long submitted = System.nanoTime();
            pool.execute(() -> {
                latency[slot] = System.nanoTime() - submitted; // one writer per slot; done's increment publishes it
                done.incrementAndGet();
            });
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (done.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(who + ": only " + done.get() + " of " + n
                    + " tasks ran within 10 s of the last submission");
            }
            LockSupport.parkNanos(100_000);
        }
        return latency;
    }

    /** Shuts {@code pool} down and waits up to 10 s for it. */
    public static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(pool + " did not terminate within 10 s");
        }
    }
}
