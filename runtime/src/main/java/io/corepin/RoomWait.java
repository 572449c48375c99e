package io.corepin;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A plain thread's wait for room under {@link Backpressure#block} ({@link ExecGroup}'s blocking submits): parked
 * until a consumer has made room, woken by that consumer, instead of re-trying the submit on a timer. Re-trying
 * costs the waiter a balancer pick, a refused ring claim (which re-reads the consumer's index and stores a new
 * limit) and a clock read per attempt, and — where the waiter shares a CPU with the Exec it waits for, as an unpinned
 * blockOn driver does on a small machine — the spinning takes the very CPU the consumer needs.
 *
 * <p>When every open Exec's ring is at least half full, one {@link Watch} per Exec goes to that Exec
 * ({@link Exec#runOnOwner}: into the ring, or its overflow when the ring is full) and the waiter parks. On its owner a
 * watch checks the ring's depth once per turn (it re-queues itself locally) and, once the ring has drained to half
 * of what it held when the wait began, unparks the waiter — so the waiter comes back to a ring with room for many
 * submits, not one, and there is one wake-up per half ring rather than a retry per consumed burst. The waiter parks
 * no longer than the slice it is given, so a room it has no watch for (a standby Exec started meanwhile) is still
 * found. A watch whose wait has ended drops itself at its next run; an Exec that stops with watches queued wakes
 * their waiters ({@link #onStop}), which then see the shutdown.
 */
final class RoomWait {
    private static final VarHandle WAITING;

    static {
        try {
            WAITING = MethodHandles.lookup().findVarHandle(RoomWait.class, "waiting", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Thread waiter = Thread.currentThread();
    /** {@code true} until a watch woke the waiter or the waiter gave up; set once to {@code false} (CAS or store). */
    private volatile boolean waiting = true;

    private RoomWait() {
    }

    /**
     * Parks the calling thread until one of {@code execs} has drained its ring to half of what it holds now, or
     * {@code nanos} pass — if every open one of them is at least half full. Otherwise (a refusal that is not about
     * full rings: a balancer's {@code NONE}, a shallow ring) it does not wait at all.
     *
     * @return {@code true} if it waited, {@code false} if there was no full ring to wait on
     */
    static boolean park(Exec[] execs, long nanos) {
        for (Exec exec : execs) {
            if (!exec.isShutdown() && exec.depth() < halfOf(exec.ringCapacity())) {
                return false; // this ring has room: the refusal is not about full rings
            }
        }
        RoomWait wait = null;
        for (Exec exec : execs) {
            if (!exec.isShutdown()) {
                if (wait == null) {
                    wait = new RoomWait();
                }
                exec.runOnOwner(wait.new Watch(exec, exec.depth() / 2)); // never refused: ring or overflow
            }
        }
        if (wait == null) {
            return false; // all shut down: the next attempt says so
        }
        LockSupport.parkNanos(wait, nanos); // a watch's unpark, the slice, or a spurious return: the caller retries
        wait.waiting = false; // volatile: watches still queued drop themselves
        return true;
    }

    private static int halfOf(int capacity) {
        return Math.max(1, capacity / 2);
    }

    /** Any thread (a watch on its owner, or the finishing thread): wake the waiter, once. */
    private void wake() {
        if (waiting && WAITING.compareAndSet(this, true, false)) { // volatile load, then CAS: one unpark per wait
            LockSupport.unpark(waiter);
        }
    }

    @Override
    public String toString() {
        return "waiting for room in a full ring (Backpressure.block)";
    }

    /** Watches one Exec's ring on its owner for the waiter. */
    private final class Watch implements ExecEntry {
        private final Exec exec;
        private final int wakeAtDepth;

        Watch(Exec exec, int wakeAtDepth) {
            this.exec = exec;
            this.wakeAtDepth = wakeAtDepth;
        }

        /** Owner thread: wake the waiter once the ring is down to half, else look again next turn. */
        @Override
        public void run() {
            if (!waiting) { // volatile: the waiter left (woken by another watch, timed out, gave up)
                return;
            }
            if (exec.depth() > wakeAtDepth && !exec.isShutdown()) { // acquire loads of the ring's indices
                exec.runOnOwner(this); // owner thread: the local queue, one look per turn
                return;
            }
            wake();
        }

        /** The Exec stopped with this watch queued: the waiter's next attempt sees the shutdown. */
        @Override
        public Runnable onStop() {
            wake();
            return null;
        }

        @Override
        public String toString() {
            return "room watch for " + waiter.getName() + " on " + exec.name();
        }
    }
}
