package io.corepin;

import io.corepin.ring.internal.VarHandles;
import io.corepin.ring.MpscRing;
import io.corepin.ring.Ring;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Everything that reaches an Exec from other threads, in one place: the inbound {@link MpscRing}, the keyed
 * {@link Backlog} behind it, the overflow queue for entries that must never be refused, and the parked flag with
 * the wake-up. Producer methods run on any thread; the {@code owner:} methods only on the Exec's thread.
 *
 * <h2>Park and wake: the Dekker argument</h2>
 * The owner, about to park: {@link #svParked()} (a volatile store, the idle path's one StoreLoad fence), then
 * re-checks {@link #isEmpty()} and its own queues, and parks only if all are empty. A producer: claims its ring
 * slot by CAS (a full fence), then {@link #wakeIfParked()} loads {@code parked} with a volatile load. Both sides
 * store then load, each with a fence between: either the producer's load sees {@code parked == 1} (it CASes the
 * flag to 0 and unparks the owner), or the owner's re-check sees the producer's claim (the slot it is publishing
 * makes the ring non-empty) and does not park. Never neither. The owner clears the flag with an opaque store after
 * the park: a producer that reads a stale 1 pays one failed CAS, nothing else.
 *
 * <h2>Acceptance and close</h2>
 * A submit is accepted iff its ring claim (or backlog append) succeeded; {@link #close()} sets the ring's close bit
 * in the producer index (so a claim and the close are ordered by one word) and then closes the backlog. Entries that
 * must not fail (a wake, a promise completion) go to the overflow when the ring is full or closed; after the owner
 * terminated, their producer drains it itself ({@link #enqueueWake}).
 */
final class Inbound {
    private static final VarHandle PARKED =
        VarHandles.field(MethodHandles.lookup(), Inbound.class, "parked", int.class);


    private final String name;
    private final MpscRing<Runnable> ring;
    /**
     * Wakes and promise completions that found the ring full or closed: they must not fail. Rare path; the owner
     * checks it once per turn with one load. MPMC so that producers can drain it themselves after termination.
     */
    private final ConcurrentLinkedQueue<Runnable> overflow = new ConcurrentLinkedQueue<>();
    /** Keyed submissions waiting behind the ring, and what Exec threads hand over instead of parking (Backlog). */
    private final Backlog backlog = new Backlog();
    private final Lifecycle lifecycle;
    private final ExecCounters counters;
    /** Wakes the parked owner: the user's poller, or an unpark of the owner thread ({@link ThreadParker}). */
    private final Poller waker;
    /** The stall rescue's hand-over: the owner checks it before every drain and after every ring entry. */
    private final Rescue rescue;
    /** 1 while the owner is parked or about to park; producers CAS it to 0 to claim the unpark. */
    private volatile int parked;

    Inbound(String name, int capacity, Lifecycle lifecycle, ExecCounters counters, Poller waker, Rescue rescue) {
        this.name = name;
        this.rescue = rescue;
        this.ring = new MpscRing<>(capacity);
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.waker = waker;
    }

    MpscRing<Runnable> ring() {
        return ring;
    }

    // ------------------------------------------------------------------------------------------- any thread

    /** One CAS claims a ring slot, a release store publishes the task, an unpark only if the owner is parked. */
    int offer(Runnable task) {
        final int result = ring.offer(task); // CAS claim + release publish, or FULL/CLOSED
        if (result >= 0) {
            wakeIfParked();
        } else {
            counters.refused(name, result, 1); // telemetry: refused path only
        }
        return result;
    }

    /** One CAS claims room for as many of the tasks as fit, in order (DPDK's {@code rte_ring_enqueue_burst}). */
    int offerBurst(Runnable[] tasks, int offset, int count) {
        final int accepted = ring.offerBurst(tasks, offset, count); // one CAS for the whole burst
        if (accepted > 0) {
            wakeIfParked();
        }
        if (accepted != count) {
            counters.refused(name, accepted, count); // telemetry: refused path only
        }
        return accepted;
    }

    /**
     * An order-keeping submission: through the ring, or into the {@link Backlog} behind what waits there. The owner
     * may always leave entries in the backlog (its local queue was unbounded); others up to the ring's capacity, and
     * on a full ring only if {@code joinWhenFull}.
     *
     * @return {@code >= 0} if accepted, {@link Ring#FULL}, or {@link MpscRing#CLOSED}
     */
    int offerKeyed(Runnable entry, boolean owner, boolean joinWhenFull) {
        final int result = backlog.offer(ring, entry, owner ? Backlog.UNBOUNDED : ring.capacity(),
            joinWhenFull || owner);
        if (result >= 0) {
            wakeIfParked();
        } else {
            counters.refused(name, result, 1); // telemetry: refused path only
        }
        return result;
    }

    /**
     * A wake or a promise completion from another thread. Never fails: when the ring is full or closed the entry
     * goes to the overflow; after termination the caller drains that queue itself ({@link #drainLate()}).
     */
    void enqueueWake(Runnable entry) {
        if (ring.offer(entry) < 0) { // CAS claim + release publish
            overflow.offer(entry);   // CAS: rare path (ring full or closed)
        }
        wakeIfParked();
        if (lifecycle.lvState() == Lifecycle.TERMINATED) { // volatile: Dekker with Termination, see there
            drainLate();
        }
    }

    /**
     * After termination nobody polls this Exec's queues: corepin's entries (promise completions) are stopped on the
     * calling thread so that their waiters are not left hanging; wakes of async tasks are dropped (the owner's
     * finish cancels each live task itself).
     */
    void drainLate() {
        for (Runnable r; (r = overflow.poll()) != null; ) { // CAS: MPMC poll, termination path only
            // only corepin's entries and async tasks' wakes are offered after the ring closed: completions run
            // late (nothing is handed back now); a wake is dropped — the owner's finish cancels its task, once
            if (r instanceof ExecEntry && ((ExecEntry) r).mustComplete()) {
                ((ExecEntry) r).onStop();
            }
        }
    }

    /** Both ways in refuse from now on: the ring's close bit, then the backlog's marker (CAS). Idempotent. */
    void close() {
        ring.close();
        try {
            backlog.close(); // CAS: appends after it are refused; the ones before it run or are handed back
        } catch (OutOfMemoryError noRoomForTheMarker) {
            // the heap is full (shutdownNow is how one stops a runaway task): the owner closes it again while it
            // shuts down, and Termination closes it before taking what it holds, so nothing accepted is lost
        }
    }

    /** Wakes the owner in case it parks or is about to (a shutdown, a stop: it must look at its state). */
    void wakeOwner() {
        waker.wakeup();
    }

    /**
     * A generator lane's wake-up ({@code TaskSource#attach}): its source has made work ready — visible to the owner's
     * re-check through the source's {@code size()} — and wants a parked owner to take a turn. Any thread. The same
     * Dekker argument as a ring claim's, with an explicit full fence in place of the claim's CAS (the source may
     * have published with a plain or release store): either this load sees {@code parked == 1} and unparks, or the
     * owner's re-check, after its {@link #svParked()}, sees the source's size. Costs a fence and a load while the
     * owner is awake; a CAS and an unpark only when it parks.
     */
    void wakeForSource() {
        VarHandle.fullFence(); // StoreLoad: the source's publication before our load of parked
        wakeIfParked();
    }

    /**
     * Dekker with the owner's park (see the class comment): our claim was a CAS (a full fence), so this volatile load
     * either sees the owner's {@code parked = 1}, or the owner's re-check (after its volatile store) sees our claim.
     */
    private void wakeIfParked() {
        if (lvParked() == 1 && casParked(1, 0)) { // CAS only when parked
            waker.wakeup();
            counters.wokeUp(); // telemetry: atomic add, only after the CAS and unpark
        }
    }

    RejectedExecutionException rejection(int offerResult) {
        return offerResult == MpscRing.CLOSED
            ? new RejectedExecutionException(name + " is shut down")
            : new RejectedExecutionException(name + ": ring full (capacity " + ring.capacity() + ")");
    }

    /** Tasks in the ring (a snapshot): waiting ones plus the burst the owner runs now. */
    int depth() {
        return ring.size();
    }

    int capacity() {
        return ring.capacity();
    }

    /** Whether the ring has room now (a hint: another producer may take it first). */
    boolean hasRoom() {
        return ring.freeSpace() > 0;
    }

    // ------------------------------------------------------------------------------------------- owner thread

    /**
     * owner: up to {@code limit} ring entries into {@code sink}; acquire loads, plain null stores, one release. The
     * stall rescue's check comes first; {@code sink} must end with {@link #ownerCheck()} for each entry, so that no
     * slot is read without a check since the previous one ({@link Rescue}).
     */
    int drainRing(Consumer<Runnable> sink, int limit) {
        rescue.ownerCheck(); // acquire load: waits while the stall rescue holds the ring
        return ring.drain(sink, limit);
    }

    /**
     * owner: after each entry taken from the ring, before the next slot is read: waits while the stall rescue holds
     * the ring. One acquire load (a plain mov on x86) of a line only the stall guard writes.
     */
    void ownerCheck() {
        rescue.ownerCheck();
    }

    /** owner: keyed entries whose barrier the ring's consumer passed; plain loads when there are none. */
    int drainBacklog(Consumer<Runnable> sink, int limit) {
        return backlog.hasNext() ? backlog.run(sink, ring.dequeuedCount(), limit) : 0; // plain: rare path
    }

    /** owner: up to {@code limit} overflow entries; one volatile load when there are none (the usual case). */
    int drainOverflow(Consumer<Runnable> sink, int limit) {
        if (overflow.isEmpty()) { // volatile load of the head: rare path
            return 0;
        }
        int n = 0;
        for (Runnable r; n < limit && (r = overflow.poll()) != null; n++) { // CAS: rare path
            sink.accept(r);
        }
        return n;
    }

    /** owner: entries in the ring now (acquire loads of its own indices). */
    int ringSize() {
        return ring.size();
    }

    /** owner, shutting down: close the backlog (idempotent: a close the heap had no room for). */
    void closeBacklogByOwner() {
        backlog.closeByOwner();
    }

    /** owner: nothing waits in any queue (volatile loads; the re-check after {@link #svParked()}). */
    boolean isEmpty() {
        return ring.isEmpty() && overflow.isEmpty() && backlog.isEmpty();
    }

    /** owner, shutting down: closed, and every accepted entry taken. */
    boolean isDrained() {
        return ring.isDrained() && backlog.isDrained() && overflow.isEmpty();
    }

    /** owner, shutting down: a producer claimed a ring slot before the close and is still publishing into it. */
    boolean isPublishing() {
        return !ring.isDrained();
    }

    /**
     * owner, finishing: close the ring and take every entry a producer managed to publish before the close, then
     * the backlog behind it, in order, into {@code into} (room reserved before each take: an entry taken out is
     * never lost to an OutOfMemoryError).
     */
    void drainForStop(ArrayList<Runnable> into, Consumer<Runnable> sink) {
        ring.close();
        while (!ring.isDrained()) {
            final int n = Math.max(1, ring.size());
            into.ensureCapacity(into.size() + n);
            int taken = 0;
            for (int i = 0; i < n; i++) { // one entry per check: a rescue may still be moving the ring's entries
                rescue.ownerCheck();
                if (ring.drain(sink, 1) == 0) {
                    break;
                }
                taken++;
            }
            if (taken == 0) {
                Thread.onSpinWait(); // a producer claimed a slot before the close and is publishing into it
            }
        }
        backlog.drainAll(into); // behind the ring, in order
    }

    /**
     * owner, terminated (after {@link Lifecycle#svTerminated()}): what reached the overflow. A late
     * {@link #enqueueWake} (offer, then volatile load of the state) either sees TERMINATED and drains the queue
     * itself, or its entry is seen here. Never neither.
     */
    void drainOverflowForStop(List<Runnable> into) {
        for (Runnable r; (r = overflow.poll()) != null; ) {
            into.add(r);
        }
    }

    /** owner: announce the park (volatile store + StoreLoad fence: the idle path's one fence). */
    void svParked() {
        PARKED.setVolatile(this, 1);
    }

    /** owner: the park is over (opaque: a stale 1 only costs a producer one failed CAS). */
    void soUnparked() {
        PARKED.setOpaque(this, 0);
    }

    /**
     * owner: the park is over, and the owner loads the stall guard's dozing flag next (volatile store + StoreLoad
     * fence: the guard's {@link #isParked()} either sees 0 or the owner's load sees the guard's flag).
     */
    void svUnparked() {
        PARKED.setVolatile(this, 0);
    }

    /**
     * any thread: whether the owner is parked or about to park now (a snapshot; volatile load). A task for it costs a
     * wake-up: for a balancer choosing where that wake-up happens ({@code Targets.parked}) and for the stall guard
     * deciding to doze.
     */
    boolean isParked() {
        return lvParked() == 1;
    }

    private int lvParked() {
        return (int) PARKED.getVolatile(this);
    }

    private boolean casParked(int expect, int next) {
        return PARKED.compareAndSet(this, expect, next);
    }
}
