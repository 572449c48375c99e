package io.corepin.soak;

import io.corepin.ExecGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What every feature soak shares: the size of a round, how a round ends, bounded waits, producer threads and a
 * bounded retry for APIs that refuse on a full ring.
 */
public final class Soak {
    /** How a round ends. */
    public enum End {
        /** Producers finish, then a graceful {@code shutdown()}: every accepted unit runs. */
        GRACEFUL,
        /** {@code shutdownNow()} while the producers still push: ran + handed back (+ cancelled) = accepted. */
        NOW_DURING_LOAD
    }

    /** Every wait of the feature soaks is bounded by this. */
    static final long WAIT_SECONDS = 30;

    final int units;
    final int producers;
    final int execs;
    /** {@code System.nanoTime()} past which producers stop submitting (what was accepted is still verified). */
    final long deadline;

    /**
     * @param units units of work per round (over all producers)
     * @param producers producer threads (or tasks)
     * @param execs Execs per group (at least 2: work crosses Execs)
     * @param deadlineNanos a {@code System.nanoTime()} value
     */
    public Soak(int units, int producers, int execs, long deadlineNanos) {
        if (units < producers || producers < 1 || execs < 2) {
            throw new IllegalArgumentException("units " + units + ", producers " + producers + ", execs " + execs);
        }
        this.units = units - units % producers;
        this.producers = producers;
        this.execs = execs;
        this.deadline = deadlineNanos;
    }

    /**
     * The Exec settings of every feature soak: a small ring (1024, so that producers meet full rings), daemon
     * threads, no stall guard (a loaded CI machine stalls threads; that is not what these soaks check), and an
     * error handler that fails the round: no unit of a feature soak throws, so whatever reaches it is a defect.
     */
    static io.corepin.Exec.Builder execSettings(String name, Books books) {
        return io.corepin.Exec.builder().name(name).daemon(true).ringCapacity(1024)
            .stallThreshold(0, TimeUnit.MILLISECONDS)
            .errorHandler((exec, task, error) -> {
                error.printStackTrace();
                books.fail(exec.name() + ": task " + task + " threw " + error);
            });
    }

    int perProducer() {
        return units / producers;
    }

    boolean pastDeadline() {
        return System.nanoTime() - deadline > 0;
    }

    /** A (producer, unit) pair's key: spread over {@code keys}, several units per key per producer. */
    static int keyOf(int unit, int keys) {
        return (int) ((unit * 0x9E3779B97F4A7C15L >>> 33) % keys);
    }

    /** Runs {@code body(p)} on {@code count} daemon threads; returns them started. */
    static List<Thread> start(String name, int count, IntBody body) {
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            final int id = p;
            Thread t = new Thread(() -> {
                try {
                    body.run(id);
                } catch (Throwable e) {
                    e.printStackTrace();
                    throw e;
                }
            }, name + "-" + p);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    static void join(String feature, List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS * 4));
            if (t.isAlive()) {
                throw new AssertionError("[" + feature + "] " + t.getName() + " did not finish within "
                    + WAIT_SECONDS * 4 + " s");
            }
        }
    }

    /** A body indexed by producer. */
    interface IntBody {
        void run(int producer) throws RuntimeException;
    }

    /**
     * Calls {@code submit} until it does not throw {@link RejectedExecutionException}, backing off while the target
     * is full.
     *
     * @return {@code true} if accepted; {@code false} if the group shut down (not accepted), or the deadline and the
     *     bounded wait both passed
     */
    static boolean retry(ExecGroup group, Runnable submit) {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (int spins = 0; ; spins++) {
            try {
                submit.run();
                return true;
            } catch (RejectedExecutionException e) {
                if (group.isShutdown()) {
                    return false;
                }
                if (System.nanoTime() - giveUp > 0) {
                    throw new AssertionError("a submit stayed refused for " + WAIT_SECONDS + " s", e);
                }
                if (spins < 32) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
        }
    }

    /** shutdown, then a bounded wait for termination (failing with the feature's name). */
    static void closeGracefully(String feature, ExecGroup group) throws InterruptedException {
        group.shutdown();
        if (!group.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)) {
            group.shutdownNow();
            throw new AssertionError("[" + feature + "] the group did not terminate within " + WAIT_SECONDS
                + " s of a graceful shutdown (a suspended task never woken, a close that hangs?)");
        }
    }

    /** shutdownNow, then a bounded wait for the hand-back. */
    static List<Runnable> closeNow(String feature, ExecGroup group) throws InterruptedException {
        try {
            List<Runnable> back = group.shutdownNow().get(WAIT_SECONDS, TimeUnit.SECONDS);
            if (!group.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("[" + feature + "] the group did not terminate after shutdownNow");
            }
            return back;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("[" + feature + "] the shutdownNow hand-back did not complete within "
                + WAIT_SECONDS + " s", e);
        }
    }

    /** Sleeps a random moment of the load, so that a {@code shutdownNow} lands mid-run. */
    static void sleepIntoTheRun(long maxMicros) throws InterruptedException {
        TimeUnit.MICROSECONDS.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, maxMicros + 2));
    }
}
