package io.corepin;

import java.util.function.LongSupplier;

/**
 * One Exec's idling, after Agrona's {@code IdleStrategy.idle(workCount)}: the loop calls {@link #idle(int)} after
 * every turn with the turn's work count and knows nothing else about idling; this class knows nothing about the
 * turn. It keeps the Exec's consecutive idle turns and two rules of its {@link IdleStrategy}: spin, then yield, then
 * park through the {@link Parker} (the Exec's announce / re-check / park protocol), except
 * <ul>
 *   <li>the late-yield rule: a yield that gave the core away parks at once, and the next idle periods park without
 *       yielding;</li>
 *   <li>the long-park rule: after {@link #LONG_PARKS_BEFORE_PARKING_AT_ONCE} idle periods in a row whose spinning and
 *       yielding found nothing and whose park then lasted at least {@link #SHORT_PARK_NANOS}, the spins and yields
 *       are skipped (they cost CPU and catch nothing at that load) until a park ends sooner, or work arrives while
 *       spinning, again.</li>
 *   <li>the adaptive window: an idle period spins for at most twice the latest idle turn at which spinning or
 *       yielding caught work (at least {@link #MIN_ADAPTIVE_SPINS}, at most the strategy's spins), and yields only
 *       when that window is the whole of the strategy's spins. Every park halves the bound; work caught later in the
 *       window raises it to that turn; a park that ended within {@link #RESPIN_PARK_NANOS} (work came just after
 *       the spins gave up) restores the whole window. Spins that keep missing cost a few hundred nanoseconds
 *       instead of the whole spin-and-yield window, and a core the Exec shares with its submitter is given up at
 *       once — measured at 100,000 tasks/s from one thread (bench/RESULTS.md, light load round 5): a spinning or
 *       yielding Exec on the submitter's vCPU holds the task it was sent until the submitter sleeps.</li>
 * </ul>
 * The long-park rule and the adaptive window judge a park by how long it lasted, which tells when work came only if a
 * wake-up ended it: a timed park ({@link IdleStrategy#backoff}) that ran to its timeout counts for neither. An Exec
 * whose poller has no wake-up for its source (Aeron's subscription: a timed park is all it can do) so idles much as
 * Agrona's {@code BackoffIdleStrategy} does (the late-yield rule still holds) — every park there lasts its timeout plus
 * the kernel's timer slack (~50 µs), and judging those as long parks made the Exec park at once before every message
 * (bench/RESULTS.md, "Cross-host hop", run 5).
 *
 * <p>Only parks are timed (two clock reads around a park, which costs a system call anyway): a turn that spins or finds
 * work reads no clock. Owner thread only: plain fields.
 */
final class Idler {
    /** A yield that took longer than this was descheduled (a free core returns from sched_yield in ~1 µs). */
    static final long LATE_YIELD_NANOS = 50_000;
    /** After a late yield, this many idle periods park without trying to yield first. */
    static final int SKIP_YIELDS_AFTER_LATE = 64;
    /**
     * A park shorter than this was ended by work that spinning and yielding a little longer might have caught; a
     * longer one means the spins and yields before it were wasted (the default's 100 spins and 10 yields take a few
     * µs to tens of µs).
     */
    static final long SHORT_PARK_NANOS = 50_000;
    /** The fewest spins an adaptive window shrinks to (see the class comment). */
    static final int MIN_ADAPTIVE_SPINS = 8;
    /**
     * A park that ended sooner than this (its wake-up included) was ended by work that the whole spin-and-yield
     * window would have caught: the adaptive window opens fully again.
     */
    static final long RESPIN_PARK_NANOS = 10_000;
    /** Consecutive long parks after which an idle period parks at its first idle turn. */
    static final int LONG_PARKS_BEFORE_PARKING_AT_ONCE = 8;

    /**
     * Busy-spin idle periods ({@link IdleStrategy#busySpin()}) spin this many {@link Thread#onSpinWait()}s between two
     * turns, unless work shows up first ({@link Parker#spinUntilWork}).
     */
    static final int SPINS_BETWEEN_TURNS = 16;

    /** How the Exec parks: until woken, or for at most {@code nanos} when positive; and how it spins. */
    interface Parker {
        void parkUntilWoken(long nanos);

        /**
         * Up to {@code spins} {@link Thread#onSpinWait()}s, ending as soon as there may be work for a turn. At least
         * one spin.
         */
        default void spinUntilWork(int spins) {
            Thread.onSpinWait();
        }
    }

    private final int spins;
    private final int yields;
    private final long minParkNanos;
    private final long maxParkNanos;
    private final boolean neverPark;
    private final IdleStrategy.TimedYield yielder;
    private final LongSupplier realTime;
    private final Parker parker;
    /** Consecutive turns without work, from 1. */
    private int idleTurns;
    /** Idle periods left in which to park without yielding first, after a yield that gave the core away. */
    private int skipYields;
    /** Consecutive idle periods that ended in a park of at least SHORT_PARK_NANOS (saturates at the threshold). */
    private int longParks;
    /**
     * The latest idle turn at which spinning or yielding caught work, halved by every park: the adaptive window is
     * twice this (plain, owner only). Starts at the whole window.
     */
    private int catchTurns;
    /** Whether the current idle period has parked (then its end was already judged by the park's length). */
    private boolean parkedThisPeriod;

    Idler(int spins, int yields, long minParkNanos, long maxParkNanos, boolean neverPark,
          IdleStrategy.TimedYield yielder, LongSupplier realTime, Parker parker) {
        this.spins = spins;
        this.yields = yields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        this.neverPark = neverPark;
        this.yielder = yielder;
        this.realTime = realTime;
        this.parker = parker;
        this.catchTurns = spins;
    }

    /** After a turn: work resets the idle count; no work spins, yields or parks by the count. */
    void idle(int workCount) {
        if (neverPark) { // busySpin: nothing to count, no park to decide (one plain load)
            if (workCount <= 0) {
                parker.spinUntilWork(SPINS_BETWEEN_TURNS);
            }
            return;
        }
        if (workCount > 0) {
            if (idleTurns != 0) {
                endIdlePeriod();
            }
            idleTurns = 0;
            return;
        }
        if (idleTurns < Integer.MAX_VALUE) {
            idleTurns++;
        }
        final boolean parkAtOnce = longParks >= LONG_PARKS_BEFORE_PARKING_AT_ONCE;
        final int window = (int) Math.min(spins, Math.max(MIN_ADAPTIVE_SPINS, 2L * catchTurns)); // the adaptive window
        final int windowYields = window == spins ? yields : 0; // a shrunk window does not yield
        if (idleTurns <= (long) window && !parkAtOnce) {
            Thread.onSpinWait();
        } else if (idleTurns <= (long) window + windowYields && skipYields == 0 && !parkAtOnce) {
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

    /** Whether idle periods now park at their first idle turn (for tests of the long-park rule). */
    boolean parksAtOnce() {
        return longParks >= LONG_PARKS_BEFORE_PARKING_AT_ONCE;
    }

    /** Work ended an idle period: if it came before any park, the spins or yields caught it. */
    private void endIdlePeriod() {
        if (!parkedThisPeriod) {
            longParks = 0;
            catchTurns = Math.max(catchTurns, Math.min(idleTurns, spins)); // caught at this turn: keep that much
        }
        parkedThisPeriod = false;
    }

    private void park() {
        final long nanos;
        if (maxParkNanos == 0) {
            nanos = 0;
        } else {
            long n = minParkNanos;
            for (long turn = (long) spins + yields + 1; turn < idleTurns && n < maxParkNanos; turn++) {
                n <<= 1; // at most 63 doublings before it passes maxParkNanos
            }
            nanos = Math.min(n, maxParkNanos);
        }
        final long before = realTime.getAsLong();
        parker.parkUntilWoken(nanos);
        final long parkedFor = realTime.getAsLong() - before;
        parkedThisPeriod = true;
        if (nanos > 0 && parkedFor >= nanos) {
            return; // ran to its timeout: no wake-up ended it, so its length says nothing about when work comes
        }
        catchTurns = parkedFor < RESPIN_PARK_NANOS ? spins : catchTurns >> 1; // the window's bound: see the class
        if (parkedFor < SHORT_PARK_NANOS) {
            longParks = 0; // work (or a short timed park) came soon: spinning again may catch the next
        } else if (longParks < LONG_PARKS_BEFORE_PARKING_AT_ONCE) {
            longParks++;
        }
    }
}
