package io.corepin;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A task that records, on the Exec's thread, how many times that Exec had parked when it ran, then flags that it ran.
 * Allocated in a {@code @State} constructor, so its fields are ordered only by the Exec's ring and the flag.
 */
final class ExecProbe implements Runnable {
    /** The Exec's park count when this task ran; plain, published by the volatile {@link #runs} store. */
    long parksWhenRun;
    /** How many times it ran; volatile so the waiting actor sees it (and everything before it). */
    volatile int runs;
    /** Spins after flagging the run, on the Exec's thread: delays the Exec's park decision past the flag. */
    private final int spinsAfter;

    ExecProbe() {
        this(0);
    }

    ExecProbe(int spinsAfter) {
        this.spinsAfter = spinsAfter;
    }

    @Override
    public void run() {
        parksWhenRun = Exec.current().parks(); // the owner's own counter, read on the owner thread
        runs = runs + 1;                       // volatile store; only the Exec's thread writes it
        for (int i = 0; i < spinsAfter; i++) {
            Thread.onSpinWait();
        }
    }

    /**
     * Waits until the task has run: spins a little, then yields (the Exec's thread may need this CPU), giving up
     * after {@code timeoutMillis}.
     *
     * @return {@code true} if it ran in time
     */
    boolean await(long timeoutMillis) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (int i = 0; runs == 0; i++) { // volatile load
            if (i < 256) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
                if ((i & 0xff) == 0 && System.nanoTime() - deadline > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Waits until the task has run, mostly parked (50 µs at a time after a short spin) so that this thread leaves
     * its CPU to the Exec's thread; gives up after {@code timeoutMillis}.
     *
     * @return {@code true} if it ran in time
     */
    boolean awaitParked(long timeoutMillis) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (int i = 0; runs == 0; i++) { // volatile load
            if (i < 64) {
                Thread.onSpinWait();
            } else if (System.nanoTime() - deadline > 0) {
                return false;
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
        return true;
    }
}
