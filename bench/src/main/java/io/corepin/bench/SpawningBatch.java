package io.corepin.bench;

import io.corepin.Exec;

/**
 * The cross-core workload of the counters and metrics cost benchmarks: {@code count} submits from the benchmark
 * thread to one Exec, alternating {@code task} and a spawner that runs {@code task} again from the Exec's own thread
 * (its local queue, and the owner's local-enqueue counter), then {@code marker}, waited for. The owner-loop-only
 * counterpart is {@link LocalBurst}.
 */
public final class SpawningBatch {
    private final Runnable task;
    private final int count;
    private final BatchMarker marker;
    private final Runnable spawner = new Runnable() {
        @Override
        public void run() {
            target.execute(task); // on the Exec's own thread: the local queue
        }
    };
    /** The Exec of the current batch: written before the batch's first submit, which publishes it. */
    private Exec target;

    /** {@code count} submits (half of them spawners) of {@code task}, then {@code marker}, per batch. */
    public SpawningBatch(Runnable task, int count, BatchMarker marker) {
        this.task = task;
        this.count = count;
        this.marker = marker;
    }

    /** From the benchmark thread: one batch into {@code exec} (retrying while its ring is full), waited for. */
    public void submitAndWait(Exec exec, long round) {
        target = exec; // plain: published to the Exec by the submits below
        final Runnable t = task;
        final Runnable s = spawner;
        for (int i = 0; i < count; i += 2) {
            BatchMarker.offerSpinning(exec, t);
            BatchMarker.offerSpinning(exec, s);
        }
        marker.target = round; // plain: published to the Exec by the submit below
        BatchMarker.offerSpinning(exec, marker);
        marker.awaitDone(round);
    }
}
