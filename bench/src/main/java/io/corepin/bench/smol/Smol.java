package io.corepin.bench.smol;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The smolscale suite's constants (the same as in smolscale's {@code benches/}) and the bounded waits every driver
 * uses: a workload that makes no progress for {@link #PATIENCE_SECONDS} fails its benchmark with a message saying
 * so (JMH then reports the error and moves on) instead of hanging the suite. That is what happens to an executor
 * that starves work submitted from outside while its own tasks keep yielding (context_switch_busy).
 */
final class Smol {
    /** Tasks in yield_now and spawn_executors_recursively, forwarders in context_switch_quiet, spinners in context_switch_busy. */
    static final int TASKS = 300;
    /** Yields per task in yield_now; nesting depth in spawn_executors_recursively. */
    static final int STEPS = 300;
    /** Empty tasks in spawn_many. */
    static final int LIGHT_TASKS = 25_000;
    /** Round trips per ping_pong op. */
    static final int PINGS = 1_000;
    /** Capacity of ping_pong's request channel. */
    static final int PING_CAPACITY = 10;
    /** Forwarders in context_switch_busy (TASKS / 10, as in smolscale). */
    static final int BUSY_FORWARDERS = TASKS / 10;
    /** Messages per context_switch_busy op. */
    static final int BUSY_MESSAGES = 10;
    /** Receivers in fanout. */
    static final int FANOUT_TASKS = 1_000;
    /** Messages per fanout op. */
    static final int FANOUT_MESSAGES = 1_000;
    /** Scoped operations per batch (smartpool's test: 1,000 batches of 1,000 atomic adds). */
    static final int SCOPED_OPS = 1_000;
    /** How long a driver waits for one step of a workload before it declares the executor stuck. */
    static final long PATIENCE_SECONDS = 20;
    /**
     * The same for spawn_executors_recursively, whose 90,000 fresh executors each start a platform thread for the
     * thread-backed peers: an op takes seconds, more on a loaded machine.
     */
    static final long RECURSIVE_PATIENCE_SECONDS = 300;

    /** Does nothing: the body of spawn_one's and spawn_many's tasks. */
    static final Runnable NOOP = () -> { };

    private Smol() {
    }

    /** Waits for {@code f}; fails with a clear message if it does not complete within the patience. */
    static <T> T await(Future<T> f, String what) {
        return await(f, what, PATIENCE_SECONDS);
    }

    /** Waits for {@code f}; fails with a clear message if it does not complete within {@code seconds}. */
    static <T> T await(Future<T> f, String what, long seconds) {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw stuck(what, seconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed", e.getCause());
        }
    }

    /** Waits for the latch; fails with a clear message if it does not open within the patience. */
    static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                throw stuck(what + " (" + latch.getCount() + " left)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    /** Joins a thread; fails with a clear message if it does not end within the patience. */
    static void join(Thread t, String what) {
        join(t, what, PATIENCE_SECONDS);
    }

    /** Joins a thread; fails with a clear message if it does not end within {@code seconds}. */
    static void join(Thread t, String what, long seconds) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(seconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
        if (t.isAlive()) {
            throw stuck(what, seconds);
        }
    }

    /** The failure of a workload that made no progress; the suite's table reports these as "stuck". */
    static IllegalStateException stuck(String what) {
        return stuck(what, PATIENCE_SECONDS);
    }

    /** The same after waiting {@code seconds}. */
    static IllegalStateException stuck(String what, long seconds) {
        return new IllegalStateException("STUCK: no progress in " + seconds + " s waiting for " + what
            + " (the executor did not run work submitted from the benchmark thread)");
    }
}
