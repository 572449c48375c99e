package io.corepin;

/**
 * One Exec's idling, after Agrona's {@code IdleStrategy.idle(workCount)}: the loop calls {@link #idle(int)} after
 * every turn with the turn's work count and knows nothing else about idling; this class knows nothing about the
 * turn. It keeps the Exec's consecutive idle turns and the late-yield rule of its {@link IdleStrategy}: spin, then
 * yield, then park through the {@link Parker} (the Exec's announce / re-check / park protocol). Owner thread only:
 * plain fields.
 */
final class Idler {
    /** A yield that took longer than this was descheduled (a free core returns from sched_yield in ~1 µs). */
    static final long LATE_YIELD_NANOS = 50_000;
    /** After a late yield, this many idle periods park without trying to yield first. */
    static final int SKIP_YIELDS_AFTER_LATE = 64;

    /** How the Exec parks: until woken, or for at most {@code nanos} when positive. */
    interface Parker {
        void parkUntilWoken(long nanos);
    }

    private final int spins;
    private final int yields;
    private final long minParkNanos;
    private final long maxParkNanos;
    private final boolean neverPark;
    private final IdleStrategy.TimedYield yielder;
    private final Parker parker;
    /** Consecutive turns without work, from 1. */
    private int idleTurns;
    /** Idle periods left in which to park without yielding first, after a yield that gave the core away. */
    private int skipYields;

    Idler(int spins, int yields, long minParkNanos, long maxParkNanos, boolean neverPark,
          IdleStrategy.TimedYield yielder, Parker parker) {
        this.spins = spins;
        this.yields = yields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        this.neverPark = neverPark;
        this.yielder = yielder;
        this.parker = parker;
    }

    /** After a turn: work resets the idle count; no work spins, yields or parks by the count. */
    void idle(int workCount) {
        if (workCount > 0) {
            idleTurns = 0;
            return;
        }
        if (idleTurns < Integer.MAX_VALUE) {
            idleTurns++;
        }
        if (neverPark || idleTurns <= (long) spins) {
            Thread.onSpinWait();
        } else if (idleTurns <= (long) spins + yields && skipYields == 0) {
            if (yielder.yieldNanos() > LATE_YIELD_NANOS) {
                // The yield gave the core away: other runnable threads share it. A thread that yields stays
                // runnable, so when its work arrives it waits for a time slice (measured here: 1.4 ms per such
                // yield on average); a parked one is woken at once, as the kernel lets a woken thread preempt. So
                // park now, and park without yielding for the next idle periods too. Measured on the smolscale
                // suite's context_switch_busy (2 Execs busy with yielding tasks, a blockOn driver as a third
                // thread): 34.6 ms/op yielding, 0.6 ms/op parking.
                skipYields = SKIP_YIELDS_AFTER_LATE;
                park();
            }
        } else {
            if (skipYields > 0) {
                skipYields--; // one idle period that parks without yielding
            }
            park();
        }
    }

    /** Idle periods left that park without yielding (for tests of the late-yield rule). */
    int skipYields() {
        return skipYields;
    }

    private void park() {
        if (maxParkNanos == 0) {
            parker.parkUntilWoken(0);
        } else {
            long nanos = minParkNanos;
            for (long turn = (long) spins + yields + 1; turn < idleTurns && nanos < maxParkNanos; turn++) {
                nanos <<= 1; // at most 63 doublings before it passes maxParkNanos
            }
            parker.parkUntilWoken(Math.min(nanos, maxParkNanos));
        }
    }
}
