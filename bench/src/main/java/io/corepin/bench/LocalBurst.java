package io.corepin.bench;

import io.corepin.Exec;

/**
 * The owner loop alone: submitted once from another thread, it spawns {@code count} runs of {@code task} on its own
 * Exec (the local queue: no ring, no cross-core traffic per task) and then {@code marker}, which runs after them
 * (the local queue is FIFO). Measures what the Exec adds per task on its own thread — local enqueue and its counter,
 * run, stall stamp, the per-turn counters — free of the producer/consumer interplay that dominates a cross-core
 * benchmark on a small VM.
 */
public final class LocalBurst implements Runnable {
    private final Runnable task;
    private final int count;
    private final BatchMarker marker;

    /** Spawns {@code count} runs of {@code task}, then {@code marker}, each time it runs. */
    public LocalBurst(Runnable task, int count, BatchMarker marker) {
        this.task = task;
        this.count = count;
        this.marker = marker;
    }

    /**
     * From the benchmark thread: hands this burst to {@code exec} (retrying while its ring is full) and waits until
     * the marker has run with {@code round} as its target.
     */
    public void submitAndWait(Exec exec, long round) {
        marker.target = round; // plain: published to the Exec by the offer below
        BatchMarker.offerSpinning(exec, this);
        marker.awaitDone(round);
    }

    @Override
    public void run() {
        final Exec self = Exec.current(); // the Exec running this task
        final Runnable t = task;
        for (int i = 0; i < count; i++) {
            self.execute(t); // owner thread: local queue, plain stores
        }
        self.execute(marker);
    }
}
