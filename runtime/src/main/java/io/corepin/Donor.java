package io.corepin;

import java.util.function.Consumer;

/**
 * The owner-side half of {@link WorkBalancing} for one Exec: drains a chunk of its ring, runs what must stay, and
 * pushes the movable tasks ({@link Movable}) to the least-loaded sibling. Owner thread only, except
 * {@link #siblings}, which the group publishes once.
 */
final class Donor {
    /** An un-keyed group submission: may run on any Exec of the group. */
    static final class Movable implements ExecEntry {
        final Runnable task;

        Movable(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            task.run();
        }

        @Override
        public Runnable onStop() {
            return ExecEntry.stop(task); // a group submission: what its own kind does at a stop
        }

        @Override
        public boolean mustComplete() {
            return false;
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }

    private final Exec self;
    private final int threshold;
    private final Runnable[] chunk;
    private final Consumer<Runnable> sorter = this::sort;
    /** The owner's task runner, for what stays here (set by each donation; owner only). */
    private Consumer<Runnable> runHere;
    /** Set once by the group after all Execs started (volatile: read only on the donation path). */
    private volatile Exec[] siblings;
    private int moving;   // owner: movable tasks in chunk
    private int ranHere;  // owner: tasks run during this donation
    private long donated; // owner: total tasks pushed to siblings
    private int lastDonated;

    Donor(Exec self, WorkBalancing config) {
        this.self = self;
        this.threshold = config.threshold;
        this.chunk = new Runnable[config.maxChunk];
    }

    void publishSiblings(Exec[] all) {
        this.siblings = all; // volatile store, once
    }

    int threshold() {
        return threshold;
    }

    long donated() {
        return donated;
    }

    /**
     * The ring holds {@code backlog} tasks (above the threshold). If a sibling's ring is less than half as deep,
     * drain up to half of the backlog: movable tasks go to that sibling in one burst, the rest run here in order.
     *
     * @return tasks run here (donated ones are in {@link #lastDonated()}), or -1 if no sibling qualified (the
     *     caller drains normally)
     */
    int donate(Inbound inbound, Consumer<Runnable> runner, int backlog) {
        final Exec[] all = siblings; // volatile load
        if (all == null) {
            return -1;
        }
        Exec target = null;
        int best = backlog / 2;
        for (Exec e : all) {
            if (e != self && !e.isShutdown()) {
                int d = e.depth();
                if (d < best) {
                    best = d;
                    target = e;
                }
            }
        }
        if (target == null) {
            return -1;
        }
        moving = 0;
        ranHere = 0;
        runHere = runner;
        inbound.drainRing(sorter, Math.min(chunk.length, Math.max(1, (backlog - best) / 2)));
        int accepted = moving == 0 ? 0 : Math.max(0, target.offerBurst(chunk, 0, moving)); // one CAS on its ring
        for (int i = accepted; i < moving; i++) {
            runner.accept(chunk[i]); // no room there: run here after all
        }
        for (int i = 0; i < moving; i++) {
            chunk[i] = null;
        }
        ranHere += moving - accepted;
        lastDonated = accepted;
        donated += accepted;
        return ranHere;
    }

    /** Tasks pushed to a sibling by the last {@link #donate} call. */
    int lastDonated() {
        return lastDonated;
    }

    private void sort(Runnable entry) {
        if (entry instanceof Movable && moving < chunk.length) {
            chunk[moving++] = entry;
        } else {
            runHere.accept(entry); // keyed or direct work stays, in ring order
            ranHere++;
        }
    }
}
