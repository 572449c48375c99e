package io.corepin;

import io.corepin.affinity.Membarrier;
import io.corepin.ring.MpscRing;
import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** 128 bytes before the guard's fields, which the owner reads once per ring entry. */
abstract class RescuePad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** The guard's side: written only during a rescue; the owner loads {@code held} per ring entry (shared-clean). */
abstract class RescueGuardFields extends RescuePad0 {
    /** 1 while the guard holds the ring's waiting slots. Guard: volatile and release stores; owner: acquire loads. */
    int held;
    /** Tasks moved out so far. Guard: plain load, release store; readers: acquire load. */
    long moved;
    /** The group's Execs, when the group rescues (published once); null: this Exec is never rescued. */
    Exec[] siblings;
    /** The group's standby Execs, or null (published with the siblings, before them). */
    Standby standby;
}

/** 128 bytes after them. */
abstract class RescuePad1 extends RescueGuardFields {
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

/**
 * The stall rescue of one Exec ({@link ExecGroup.Builder#rescueStalled}): while a task holds the Exec past its
 * stall threshold, the stall guard's thread takes the un-keyed group work ({@link LevelScheduler#isMovable}) waiting
 * in the Exec's ring out of it and pushes it to siblings, leaving a {@link #tombstone} in each emptied slot.
 *
 * <h2>Who may read which slots: an asymmetric Dekker</h2>
 * The owner loads {@code held} ({@link #ownerCheck}, an acquire load: a plain {@code mov} on x86, no fence, no
 * atomic) before every ring drain and after every entry it takes from the ring — so before each slot it reads, it
 * has checked since the previous one; set, it waits until the guard hands the ring back. The guard
 * ({@link #moveQueued}) stores {@code held = 1}, then calls {@link Membarrier} — a full barrier executed on every
 * CPU running this process's threads — and only then reads the slots. For the owner there is a point B where it
 * executed that barrier. Every check after B sees {@code held}, so after B the owner reads at most one slot: the
 * next one after its last check before B. Every slot it read before B it has emptied before that check (the drain
 * nulls a slot before handing its entry on), so the guard, after its barrier, sees those slots empty. Hence the
 * owner reads after B at most the first slot the guard finds non-empty at or after the consumer index (an entry it
 * may hold, or the next it may take); the guard never takes that one, and may take any later one. The guard
 * replaces each moved entry with the tombstone (a release store) and then clears {@code held} (a release store);
 * the owner's acquire load of {@code held} then sees the tombstones. A producer is never in the way: the guard
 * touches only slots holding a published entry, which no producer writes again until the owner has consumed them.
 *
 * <p>Every sink the owner drains its ring into therefore ends with {@link #ownerCheck()} (OwnerLoop's ring runner
 * and levels dispatch, Donor's sorter; Inbound's stop drain takes one entry per check).
 *
 * <p>What stays: keyed work, work submitted to the Exec itself, corepin's own entries (wakes, completions), the
 * one entry right behind the stalled task (the owner may already hold it), and whatever
 * sits in the owner's own queues (its local run queue, the lanes of its levels: the stalled task itself may be
 * adding to those, on the owner thread). Without {@link Membarrier} (not Linux 4.14+) nothing is moved.
 *
 * <p>The owner's methods are marked {@code owner:}; the rest run on the stall guard's thread, except
 * {@link #moved()} (any thread).
 */
final class Rescue extends RescuePad1 {
    private static final VarHandle HELD =
        VarHandles.field(MethodHandles.lookup(), RescueGuardFields.class, "held", int.class);
    private static final VarHandle MOVED =
        VarHandles.field(MethodHandles.lookup(), RescueGuardFields.class, "moved", long.class);
    private static final VarHandle SIBLINGS =
        VarHandles.field(MethodHandles.lookup(), RescueGuardFields.class, "siblings", Exec[].class);
    /** Entries taken per push (the guard's own arrays). */
    private static final int CHUNK = 256;

    /** What a moved entry leaves in its slot: runs as nothing, and is not counted as a task run. */
    private final Runnable tombstone;
    /**
     * The guard's scratch: entries taken and their running indices (guard thread only), made at the first move: an
     * Exec that is never rescued (a blockOn's, a short-lived one) does not pay 3 KB for them.
     */
    private Runnable[] chunk;
    private long[] indices;
    /** The ring's producer count at the last scan (guard thread only): no new entry, no new barrier. */
    private long scannedTo;

    Rescue(ExecCounters counters) {
        this.tombstone = new Tombstone(counters);
    }

    /** A moved entry's slot: the owner takes it like any entry; it does nothing and un-counts itself. */
    private static final class Tombstone implements ExecEntry {
        private final ExecCounters counters;

        Tombstone(ExecCounters counters) {
            this.counters = counters;
        }

        @Override
        public void run() {
            counters.uncountTask(); // owner thread: plain; the turn counts one task fewer
        }

        @Override
        public Runnable onStop() {
            return null; // its task was moved: nothing to hand back here
        }

        @Override
        public boolean mustComplete() {
            return false;
        }

        @Override
        public String toString() {
            return "(moved to a sibling by the stall rescue)";
        }
    }

    // --------------------------------------------------------------------------------------------- owner thread

    /**
     * owner: before a drain and after each entry taken from the ring — before the next slot is read: waits while
     * the guard holds the ring. One acquire load (a plain {@code mov} on x86) of a line only the guard writes.
     */
    void ownerCheck() {
        if ((int) HELD.getAcquire(this) != 0) { // acquire: no later slot read moves above it; sees the tombstones
            awaitHandBack();
        }
    }

    /** owner: the guard moves entries now (a bounded, non-blocking scan): wait for it, spinning, then yielding. */
    private void awaitHandBack() {
        for (int spins = 0; (int) HELD.getAcquire(this) != 0; spins++) { // acquire
            if (spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    // ------------------------------------------------------------------------------------------- any thread

    /** The group's Execs (once, when the group rescues its Execs' stalls). */
    void publishSiblings(Exec[] all, Standby spare) {
        this.standby = spare; // plain: published by the release below
        SIBLINGS.setRelease(this, all); // release: the guard's acquire load sees the whole array and the standby
    }

    /** Tasks moved out of this Exec's ring to siblings so far (a snapshot). */
    long moved() {
        return (long) MOVED.getAcquire(this);
    }

    // -------------------------------------------------------------------------------------- the guard's thread

    /** Whether this Exec's group wants it rescued and the barrier is available. */
    boolean enabled() {
        return SIBLINGS.getAcquire(this) != null && Membarrier.isAvailable();
    }

    /**
     * Moves the movable entries waiting in {@code ring} — all but the first one (see the class comment) — to the
     * open, not stalled siblings with the most room; entries no sibling takes stay where they are. Returns how many
     * moved. Holds the owner's next ring read for as long as the scan takes (no blocking call inside).
     */
    int moveQueued(Exec self, MpscRing<Runnable> ring) {
        final Exec[] all = (Exec[]) SIBLINGS.getAcquire(this);
        final long enqueued = ring.enqueuedCount();
        if (all == null || enqueued - ring.dequeuedCount() < 2 || enqueued <= scannedTo) {
            // at most the one entry that is never taken, or nothing new since the last scan (keyed work piling up
            // behind the stall, say): racy hints, but the barrier (an interrupt for every running thread) is the
            // expensive part
            return 0;
        }
        if (standby != null && !anySiblingOpen(self, all)) {
            standby.pick(); // every sibling stalled: start a standby Exec now, not while the owner may wait below
        }
        int movedNow = 0;
        if (chunk == null) {
            chunk = new Runnable[CHUNK]; // plain: guard thread only
            indices = new long[CHUNK];
        }
        HELD.setVolatile(this, 1); // volatile: before the barrier
        try {
            Membarrier.barrier(); // the guard's side of the Dekker argument (class comment)
            final long first = ring.firstWaiting(); // the entry the owner may hold or take next: never taken
            if (first < 0) {
                return 0; // nothing waits, or the owner moved on meanwhile (it is not stalled)
            }
            long next = first + 1; // the owner cannot read this far before it sees held
            final long end = ring.enqueuedCount(); // claimed slots; unpublished ones read null and stay
            scannedTo = end;
            while (next < end) {
                int n = 0;
                for (; next < end && n < CHUNK; next++) {
                    final Runnable entry = ring.peekAt(next); // acquire
                    if (entry != null && LevelScheduler.isMovable(entry)) {
                        chunk[n] = entry;
                        indices[n++] = next;
                    }
                }
                if (n == 0) {
                    continue;
                }
                final int pushed = push(self, all, n);
                for (int i = 0; i < pushed; i++) {
                    ring.replaceAt(indices[i], tombstone); // release: after a sibling has it
                }
                java.util.Arrays.fill(chunk, 0, n, null);
                movedNow += pushed;
                if (pushed < n) {
                    scannedTo = indices[pushed] - 1; // the siblings are full: the rest waits here, looked at again
                    break;
                }
            }
        } finally {
            HELD.setRelease(this, 0); // release: the owner's acquire load sees the tombstones
        }
        if (movedNow > 0) {
            MOVED.setRelease(this, moved + movedNow); // plain load: the guard is the only writer
        }
        return movedNow;
    }

    private static boolean anySiblingOpen(Exec self, Exec[] all) {
        for (Exec e : all) {
            if (e != self && e.isOpenAndNotStalled()) {
                return true;
            }
        }
        return false;
    }

    /** Pushes chunk[0, n) to siblings, emptiest first, in bursts; returns how many were accepted (a prefix). */
    private int push(Exec self, Exec[] all, int n) {
        int pushed = 0;
        final boolean[] tried = new boolean[all.length];
        while (pushed < n) {
            int best = -1;
            int room = 0;
            for (int i = 0; i < all.length; i++) {
                final Exec e = all[i];
                if (e != self && !tried[i] && e.isOpenAndNotStalled()) {
                    final int free = e.ringCapacity() - e.depth();
                    if (free > room) {
                        room = free;
                        best = i;
                    }
                }
            }
            if (best < 0) {
                break;
            }
            tried[best] = true;
            pushed += Math.max(0, all[best].offerBurst(chunk, pushed, n - pushed)); // one CAS per burst
        }
        if (pushed < n && standby != null) { // no sibling has room, or all are stalled: a standby Exec
            final Exec spare = standby.pick();
            if (spare != null) {
                pushed += Math.max(0, spare.offerBurst(chunk, pushed, n - pushed));
            }
        }
        return pushed;
    }
}
