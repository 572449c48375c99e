package io.corepin.examples.latency;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One run of a ping-pong pair: how many round trips to make and the histogram to record them in. The initiator
 * records each round trip ({@link #record(long)}) and opens the latch after the last one; the main thread waits for
 * it with a timeout ({@link #await(Duration, String)}). A warm-up is a phase whose histogram is thrown away.
 */
final class Phase {
    /** Round trips longer than this (10 s) are recorded as 10 s: nothing that slow is a latency to plot. */
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Three significant digits: every percentile is within 0.1 % of the value recorded. */
    static final int SIGNIFICANT_DIGITS = 3;

    private final long roundTrips;
    /** Written by the initiator thread only (plain); read by the main thread after the latch opens. */
    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    private final CountDownLatch done = new CountDownLatch(1);
    /** Round trips recorded so far. Plain: the initiator thread only. */
    private long recorded;
    /** Why the phase cannot finish, from whichever thread saw it; volatile, read once the latch opens. */
    private volatile Throwable failure;

    /**
     * @param roundTrips how many round trips this phase records, at least 1
     * @throws IllegalArgumentException naming the value otherwise
     */
    Phase(long roundTrips) {
        if (roundTrips < 1) {
            throw new IllegalArgumentException("a phase needs at least 1 round trip, got " + roundTrips);
        }
        this.roundTrips = roundTrips;
    }

    /**
     * Records one round trip. Initiator thread only; allocation-free (the histogram never resizes).
     *
     * @param nanos the round trip, in nanoseconds
     * @return {@code true} if the initiator should send the next message, {@code false} after the last round trip
     */
    boolean record(long nanos) {
        histogram.recordValue(Math.min(nanos, HIGHEST_TRACKABLE_NANOS)); // plain: initiator-only histogram
        if (++recorded < roundTrips) {                                 // plain: initiator-only counter
            return true;
        }
        done.countDown(); // release: the histogram's plain writes happen-before await() returning
        return false;
    }

    /** Ends the phase with an error, from any thread (a task or agent that threw). */
    void fail(Throwable error) {
        failure = error;   // volatile: read by await() after the latch
        done.countDown();
    }

    /**
     * Waits for the last round trip.
     *
     * @param timeout how long to wait at most
     * @param who the contender, for the messages
     * @return the histogram, with exactly {@code roundTrips} values
     * @throws IllegalStateException if the phase failed or did not finish in time
     * @throws InterruptedException if interrupted while waiting
     */
    Histogram await(Duration timeout, String who) throws InterruptedException {
        if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException(who + ": " + roundTrips + " round trips did not finish within "
                + timeout.toSeconds() + " s (raise --timeout-seconds, or is the machine overloaded?)");
        }
        Throwable error = failure; // volatile
        if (error != null) {
            throw new IllegalStateException(who + " failed during the loop: " + error, error);
        }
        return histogram;
    }

    /** The number of round trips this phase makes. */
    long roundTrips() {
        return roundTrips;
    }
}
