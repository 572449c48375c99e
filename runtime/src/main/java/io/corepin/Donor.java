package io.corepin;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The owner-side half of {@link WorkBalancing} for one Exec: drains a chunk of its ring, runs what must stay, and
 * pushes the movable tasks ({@link Movable}) to the least-loaded sibling. With {@link io.corepin.levels.Levels}
 * ({@link #donateLevels}) the ring is drained into the lanes first and the donation takes the highest levels'
 * movable tasks ({@link LevelScheduler#takeMovable}). Owner thread only, except {@link #siblings}, which the group
 * publishes once, and {@link #laneLoad}, which siblings read.
 */
final class Donor {
    private static final VarHandle LANE_LOAD =
        VarHandles.field(MethodHandles.lookup(), Donor.class, "laneLoad", int.class);

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
    /** The ring being drained by a donation (owner only): its stall-rescue check follows each entry. */
    private Inbound draining;
    /** Set once by the group after all Execs started (volatile: read only on the donation path). */
    private volatile Exec[] siblings;
    private int moving;   // owner: movable tasks in chunk
    private int ranHere;  // owner: tasks run during this donation
    private long donated; // owner: total tasks pushed to siblings
    private int lastDonated;
    private int targetLoad; // owner: the load of the sibling leastLoadedSibling last chose
    /**
     * Levels only: tasks queued in this Exec's lanes, as of its last turn. Written by the owner with an opaque store
     * (a plain mov on x86), read by siblings with an opaque load: a snapshot for choosing a target, as a ring's
     * depth is; a stale value only makes one donation go to a less good sibling.
     */
    @SuppressWarnings("unused") // through LANE_LOAD
    private int laneLoad;
    private final ExecCounters counters;

    Donor(Exec self, WorkBalancing config, ExecCounters counters) {
        this.self = self;
        this.threshold = config.threshold;
        this.chunk = new Runnable[config.maxChunk];
        this.counters = counters;
    }

    /** Any thread: tasks in this Exec's lanes at its last turn (0 without levels). Opaque load. */
    int laneLoad() {
        return (int) LANE_LOAD.getOpaque(this);
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
        final Exec target = leastLoadedSibling(backlog);
        if (target == null) {
            return -1;
        }
        moving = 0;
        ranHere = 0;
        runHere = runner;
        draining = inbound;
        inbound.drainRing(sorter, Math.min(chunk.length, Math.max(1, (backlog - targetLoad) / 2)));
        final int accepted = push(target, moving, runner);
        ranHere += moving - accepted;
        lastDonated = accepted;
        donated += accepted;
        return ranHere;
    }

    /**
     * Levels: the Exec's load is its ring plus its lanes ({@link LevelScheduler#queued}), published for siblings each
     * turn. Above the threshold, if a sibling's load ({@link Exec#balanceLoad}) is under half of it: (1) the ring is
     * drained into the lanes through {@code sink}, so that every waiting task's level is known — as long as the lanes
     * then hold at most a ring's worth (beyond that the ring stays full, and producers feel the backpressure); (2) up
     * to half the difference (at most {@code maxChunk}, at most the sibling's free ring) of movable tasks is taken
     * from the lanes, highest level first, and pushed to that sibling in one burst, where each lands in its own lane;
     * (3) what its ring did not accept (it filled meanwhile) runs here now, in the order taken.
     *
     * @return ring entries drained into the lanes (donated ones are in {@link #lastDonated()}), or -1 if no donation
     *     was due (the caller drains the ring as usual)
     */
    int donateLevels(Inbound inbound, Consumer<Runnable> sink, Consumer<Runnable> runner, LevelScheduler levels,
                     int ringDepth) {
        lastDonated = 0;
        final int queued = levels.queued();
        LANE_LOAD.setOpaque(this, queued); // opaque: a plain mov, for siblings choosing a target
        final int load = ringDepth + queued;
        if (load <= threshold) {
            return -1;
        }
        final Exec target = leastLoadedSibling(load); // only above the threshold
        if (target == null) {
            return -1;
        }
        final int best = targetLoad;
        final int room = inbound.capacity() - queued;
        final int taken = ringDepth > 0 && room > 0 ? inbound.drainRing(sink, Math.min(ringDepth, room)) : 0;
        final int want = Math.min(Math.min(chunk.length, Math.max(1, (load - best) / 2)),
            target.ringCapacity() - target.depth());
        final int moving = want > 0 ? levels.takeMovable(chunk, want) : 0;
        final int accepted = push(target, moving, runner);
        if (moving > accepted) {
            counters.addTasksRun(moving - accepted);
        }
        lastDonated = accepted;
        donated += accepted;
        LANE_LOAD.setOpaque(this, queued + taken - moving);
        return taken;
    }

    /**
     * The open sibling with the least {@link Exec#balanceLoad} (ring depth, plus lanes with levels) under half of
     * {@code load}, or null; its load is left in {@link #targetLoad}.
     */
    private Exec leastLoadedSibling(int load) {
        final Exec[] all = siblings; // volatile load
        if (all == null) {
            return null;
        }
        Exec target = null;
        int best = load / 2;
        for (Exec e : all) {
            if (e != self && !e.isShutdown()) {
                int d = e.balanceLoad();
                if (d < best) {
                    best = d;
                    target = e;
                }
            }
        }
        targetLoad = best;
        return target;
    }

    /**
     * Pushes {@code chunk[0, moving)} to {@code target} in one burst (one CAS on its ring); what it did not accept (its
     * ring filled meanwhile) runs here now, in the order taken. Empties the chunk; returns how many were accepted.
     */
    private int push(Exec target, int moving, Consumer<Runnable> runner) {
        final int accepted = moving == 0 ? 0 : Math.max(0, target.offerBurst(chunk, 0, moving));
        for (int i = accepted; i < moving; i++) {
            runner.accept(chunk[i]);
        }
        for (int i = 0; i < moving; i++) {
            chunk[i] = null;
        }
        return accepted;
    }

    /** Tasks pushed to a sibling by the last {@link #donate} or {@link #donateLevels} call. */
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
        draining.ownerCheck(); // acquire load: before the next slot, the stall rescue's check (Rescue)
    }
}
