package io.corepin.bench;

import io.corepin.Exec;

/**
 * Runs last in a batch of cross-thread submissions and publishes that the batch is done: the submitter sets
 * {@link #target} (plain, published by the submission itself) and waits until {@link #done} equals it.
 */
public final class BatchMarker implements Runnable {
    /** Volatile: the executor's release store the submitter spins on; it also publishes the batch's plain writes. */
    public volatile long done;
    /** Plain: written by the submitter before the marker is submitted. */
    public long target;

    @Override
    public void run() {
        done = target;
    }

    /** The submitter: spins until the marker has run with {@code round} as its target. */
    public void awaitDone(long round) {
        while (done != round) { // volatile read
            Thread.onSpinWait();
        }
    }

    /** The submitter: offers {@code task} to {@code exec}, spinning while the ring is full. */
    public static void offerSpinning(Exec exec, Runnable task) {
        while (exec.offer(task) < 0) {
            Thread.onSpinWait();
        }
    }
}
