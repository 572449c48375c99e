package io.corepin.examples.latency;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Bounded waits for the contenders' set-up and tear-down: nothing in the latency loop waits forever. */
final class Await {
    /** How long a contender's threads may take to start and pin themselves. */
    static final long START_SECONDS = 30;

    private Await() {
    }

    /**
     * Waits up to {@link #START_SECONDS} for {@code latch}.
     *
     * @throws IllegalStateException naming {@code what} if it did not open, or the wait was interrupted
     */
    static void latch(CountDownLatch latch, String what) {
        try {
            if (!latch.await(START_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(what + " did not finish within " + START_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    /** Joins {@code thread} for up to {@code millis}; keeps the interrupt flag if interrupted. */
    static void join(Thread thread, long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
