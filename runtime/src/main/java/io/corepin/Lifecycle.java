package io.corepin;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An Exec's run state, one word: {@link #RUNNING} → {@link #SHUTDOWN} (graceful) or {@link #STOP} (shutdownNow) →
 * {@link #TERMINATED}. Any thread moves it forward by CAS (slow paths, once each); only the owner writes
 * {@code TERMINATED}. The owner reads it once per turn (a plain {@code mov} on x86); producers never read it on
 * their fast path — acceptance is decided by the ring's close bit, not by this word.
 *
 * <p>Accessors are named by ordering (see {@code package-info}): {@code lv} volatile load, {@code lo} opaque
 * load, {@code cas} compare-and-set, {@code sv} volatile store.
 */
final class Lifecycle {
    static final int RUNNING = 0;
    static final int SHUTDOWN = 1;
    static final int STOP = 2;
    static final int TERMINATED = 3;

    private static final VarHandle STATE =
        VarHandles.field(MethodHandles.lookup(), Lifecycle.class, "state", int.class);


    private volatile int state;

    /** Volatile load: the once-per-turn check, and every cross-thread reader. */
    int lvState() {
        return state; // volatile
    }

    /** Opaque load (a plain load): the per-task stop check, where a stop seen a task or two late is fine. */
    int loState() {
        return (int) STATE.getOpaque(this);
    }

    /** CAS: RUNNING → SHUTDOWN. Any thread; {@code true} for the call that made the change. */
    boolean casShutdown() {
        return STATE.compareAndSet(this, RUNNING, SHUTDOWN);
    }

    /** CAS: RUNNING → STOP (a loop that failed while running is treated as shut down now). */
    void casStopIfRunning() {
        if (state == RUNNING) { // volatile
            STATE.compareAndSet(this, RUNNING, STOP);
        }
    }

    /** CAS loop: RUNNING or SHUTDOWN → STOP; a no-op once stopped or terminated. Any thread. */
    void toStop() {
        while (true) {
            final int s = state; // volatile
            if (s >= STOP || STATE.compareAndSet(this, s, STOP)) {
                return;
            }
        }
    }

    /**
     * Volatile store of STOP, without a VarHandle call: for the loop's failure path, where a first VarHandle link
     * could allocate and the heap may be exhausted. Owner thread.
     */
    void svStop() {
        state = STOP; // volatile store
    }

    /** Volatile store: the owner has finished (Dekker with {@link Inbound#enqueueWake}; see Termination). */
    void svTerminated() {
        state = TERMINATED; // volatile store
    }

    boolean isShutdown() {
        return state != RUNNING; // volatile
    }

    boolean isTerminated() {
        return state == TERMINATED; // volatile
    }
}
