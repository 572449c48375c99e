package io.corepin.bench;

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
}
