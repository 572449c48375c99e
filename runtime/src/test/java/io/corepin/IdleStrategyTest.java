package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The idle path's late-yield rule, with scripted yield durations and a counting parker (no timing in the test). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleStrategyTest {
    private static final long FAST_YIELD = 1_000;   // a free core: sched_yield returns at once
    private static final long LATE_YIELD = 200_000; // the core was given away

    /** No spins, 3 yields, then parks. */
    private static IdleStrategy strategy(AtomicInteger yields, long nanosPerYield) {
        return IdleStrategy.backoff(0, 3, 1, 1, TimeUnit.MICROSECONDS).withTimedYield(() -> {
            yields.incrementAndGet();
            return nanosPerYield;
        });
    }

    /** Counts parks instead of parking, and busy-spin idle periods. */
    private static final class CountingParker implements Idler.Parker {
        int parks;
        long lastNanos = -1;
        int spinCalls;
        int lastSpins;

        @Override
        public void parkUntilWoken(long nanos) {
            parks++;
            lastNanos = nanos;
        }

        @Override
        public void spinUntilWork(int spins) {
            spinCalls++;
            lastSpins = spins;
        }
    }

    @Test
    void busySpinSpinsUntilWorkBetweenIdleTurnsAndNeverParks() {
        CountingParker parker = new CountingParker();
        Idler idler = IdleStrategy.busySpin().newIdler(parker);
        for (int turn = 1; turn <= 1_000; turn++) {
            idler.idle(0);
        }
        assertEquals(1_000, parker.spinCalls, "every idle turn spins through the parker (it watches the ring)");
        assertEquals(Idler.SPINS_BETWEEN_TURNS, parker.lastSpins);
        assertEquals(0, parker.parks, "busySpin never parks");
        idler.idle(3);
        assertEquals(1_000, parker.spinCalls, "a turn with work does not spin");
    }

    @Test
    void aFastYieldKeepsYielding() {
        AtomicInteger yields = new AtomicInteger();
        CountingParker parker = new CountingParker();
        Idler idler = strategy(yields, FAST_YIELD).newIdler(parker);
        for (int turn = 1; turn <= 3; turn++) {
            idler.idle(0);
        }
        assertEquals(3, yields.get(), "three yield turns yield");
        assertEquals(0, parker.parks, "and do not park");
        assertEquals(0, idler.skipYields());
        idler.idle(0);
        assertEquals(1, parker.parks, "past the yields: park");
        assertEquals(TimeUnit.MICROSECONDS.toNanos(1), parker.lastNanos, "for the backoff's park time");
    }

    @Test
    void aLateYieldParksAtOnceAndSkipsYieldingForTheNextIdlePeriods() {
        AtomicInteger yields = new AtomicInteger();
        CountingParker parker = new CountingParker();
        Idler idler = strategy(yields, LATE_YIELD).newIdler(parker);
        idler.idle(0);
        assertEquals(1, yields.get());
        assertEquals(1, parker.parks, "a late yield parks in the same idle turn");
        assertEquals(Idler.SKIP_YIELDS_AFTER_LATE, idler.skipYields());

        // The next idle periods (each starts again at turn 1, after a turn with work) park without yielding.
        for (int period = 1; period <= Idler.SKIP_YIELDS_AFTER_LATE; period++) {
            idler.idle(1); // work: the idle count starts again
            idler.idle(0);
            assertEquals(1, yields.get(), "period " + period + " must not yield");
            assertEquals(1 + period, parker.parks, "period " + period + " parks");
        }
        assertEquals(0, idler.skipYields());
        idler.idle(1);
        idler.idle(0);
        assertEquals(2, yields.get(), "after the skipped periods it yields again");
    }

    @Test
    void workResetsTheIdleCount() {
        AtomicInteger yields = new AtomicInteger();
        CountingParker parker = new CountingParker();
        Idler idler = strategy(yields, FAST_YIELD).newIdler(parker);
        for (int i = 0; i < 3; i++) {
            idler.idle(0);
        }
        idler.idle(5); // a turn with work
        idler.idle(0);
        assertEquals(4, yields.get(), "the first idle turn after work yields again");
        assertEquals(0, parker.parks);
    }

    @Test
    void theDefaultStrategyYieldsWithTheRealClock() {
        CountingParker parker = new CountingParker();
        Idler idler = IdleStrategy.park().newIdler(parker); // the shared default: 100 spins, 10 yields
        for (int turn = 1; turn <= 111; turn++) {
            idler.idle(0); // real Thread.yield()s, timed: must not fail whatever they took
        }
        // a late yield parks at once and parks (without yielding) on every idle turn after it
        assertTrue(parker.parks >= 1 && parker.parks <= 11, "parks after 100 spins: " + parker.parks);
        assertEquals(0, parker.lastNanos, "park until woken");
    }

    /**
     * Parks by advancing a fake clock; counts parks. A wake-up {@code nanosPerPark} into a park ends it, and a timed
     * park ends at its timeout plus Linux's 50 µs timer slack if that comes first.
     */
    private static final class TimedParker implements Idler.Parker {
        final long[] clock;
        long nanosPerPark;
        int parks;

        TimedParker(long[] clock, long nanosPerPark) {
            this.clock = clock;
            this.nanosPerPark = nanosPerPark;
        }

        @Override
        public void parkUntilWoken(long nanos) {
            parks++;
            clock[0] += nanos > 0 ? Math.min(nanos + 50_000, nanosPerPark) : nanosPerPark;
        }
    }

    /** 2 spins, 1 yield, then park until woken; parks timed on {@code clock}. */
    private static Idler timedIdler(AtomicInteger yields, long[] clock, TimedParker parker) {
        return IdleStrategy.park(2, 1).withTiming(() -> {
            yields.incrementAndGet();
            return FAST_YIELD;
        }, () -> clock[0]).newIdler(parker);
    }

    /** One idle period: idle turns until the first park (at most spins + yields + 1), then a turn with work. */
    private static int idlePeriod(Idler idler, TimedParker parker) {
        int turns = 0;
        int parksBefore = parker.parks;
        while (parker.parks == parksBefore) {
            idler.idle(0);
            turns++;
            assertTrue(turns <= 4, "parks within spins + yields + 1 turns");
        }
        idler.idle(1); // the work that woke it
        return turns;
    }

    @Test
    void longParksInARowSkipTheSpinsAndYields() {
        AtomicInteger yields = new AtomicInteger();
        long[] clock = {0};
        TimedParker parker = new TimedParker(clock, 200_000); // every park lasts 200 µs: light load
        Idler idler = timedIdler(yields, clock, parker);
        for (int period = 1; period <= Idler.LONG_PARKS_BEFORE_PARKING_AT_ONCE; period++) {
            assertEquals(4, idlePeriod(idler, parker), "period " + period + ": 2 spins, 1 yield, then park");
        }
        assertEquals(Idler.LONG_PARKS_BEFORE_PARKING_AT_ONCE, yields.get());
        assertTrue(idler.parksAtOnce());
        for (int period = 1; period <= 20; period++) {
            assertEquals(1, idlePeriod(idler, parker), "after the long parks: park at the first idle turn");
        }
        assertEquals(Idler.LONG_PARKS_BEFORE_PARKING_AT_ONCE, yields.get(), "and without yielding");
    }

    @Test
    void aShortParkBringsTheSpinsBack() {
        AtomicInteger yields = new AtomicInteger();
        long[] clock = {0};
        TimedParker parker = new TimedParker(clock, 200_000);
        Idler idler = timedIdler(yields, clock, parker);
        for (int period = 1; period <= Idler.LONG_PARKS_BEFORE_PARKING_AT_ONCE; period++) {
            idlePeriod(idler, parker);
        }
        assertTrue(idler.parksAtOnce());
        parker.nanosPerPark = 10_000; // work came 10 µs after the park: spinning might have caught it
        assertEquals(1, idlePeriod(idler, parker));
        assertTrue(!idler.parksAtOnce(), "a short park ends parking at once");
        assertEquals(4, idlePeriod(idler, parker), "the next period spins and yields again");
    }

    @Test
    void workCaughtWhileSpinningResetsTheLongParks() {
        AtomicInteger yields = new AtomicInteger();
        long[] clock = {0};
        TimedParker parker = new TimedParker(clock, 200_000);
        Idler idler = timedIdler(yields, clock, parker);
        for (int round = 0; round < 3; round++) {
            for (int period = 1; period < Idler.LONG_PARKS_BEFORE_PARKING_AT_ONCE; period++) {
                idlePeriod(idler, parker); // one long park short of the threshold
            }
            idler.idle(0); // a spin...
            idler.idle(1); // ...that caught work: the spins paid
        }
        assertTrue(!idler.parksAtOnce(), "long parks interrupted by work caught spinning never reach the threshold");
        assertEquals(4, idlePeriod(idler, parker));
    }

    /** Idle turns until the first park, then a turn with work (the wake); any number of turns. */
    private static int turnsToPark(Idler idler, TimedParker parker) {
        return turnsToWork(idler, parker, 1);
    }

    /** Idle turns until the first park, then idle turns while it parks again, {@code parks} parks in all; then work. */
    private static int turnsToWork(Idler idler, TimedParker parker, int parks) {
        int turns = 0;
        final int parksBefore = parker.parks;
        while (parker.parks - parksBefore < parks) {
            idler.idle(0);
            turns++;
            assertTrue(turns <= 1_000, "parks within the window");
        }
        idler.idle(1);
        return turns;
    }

    @Test
    void spinsThatCatchNothingShrinkTheWindowUntilAParkEndsSoon() {
        long[] clock = {0};
        TimedParker parker = new TimedParker(clock, 20_000); // 20 µs parks: work comes, but not while spinning
        Idler idler = IdleStrategy.park(100, 10).withTiming(() -> FAST_YIELD, () -> clock[0]).newIdler(parker);
        assertEquals(111, turnsToPark(idler, parker), "the full window first: 100 spins, 10 yields, then park");
        assertEquals(111, turnsToPark(idler, parker), "still the full window (twice the catch bound of 50)");
        assertEquals(51, turnsToPark(idler, parker), "the window halves with every park: 50 spins, no yields");
        assertEquals(25, turnsToPark(idler, parker));
        assertEquals(13, turnsToPark(idler, parker));
        for (int period = 0; period < 5; period++) {
            assertEquals(Idler.MIN_ADAPTIVE_SPINS + 1, turnsToPark(idler, parker), "never fewer than the minimum");
        }
        // work caught at the third idle turn: a window of twice that is enough, the minimum stays
        idler.idle(0);
        idler.idle(0);
        idler.idle(0);
        idler.idle(1);
        assertEquals(Idler.MIN_ADAPTIVE_SPINS + 1, turnsToPark(idler, parker));
        // a park that ended within RESPIN_PARK_NANOS: a longer spin would have caught its work
        parker.nanosPerPark = 5_000;
        assertEquals(Idler.MIN_ADAPTIVE_SPINS + 1, turnsToPark(idler, parker));
        assertEquals(111, turnsToPark(idler, parker), "after a park that ended soon: the full window again");
    }

    @Test
    void parksThatRunToTheirTimeoutNeitherParkAtOnceNorShrinkTheWindow() {
        // An Exec whose poller cannot be woken by its source (Aeron's subscription) parks only on timeouts, and every
        // such park lasts at least the kernel's timer slack: its length says nothing about when work came. Measured
        // in ClusterHop (bench/RESULTS.md, "Cross-host hop"): judging them as long parks made the node's Exec park
        // at once, 1 µs asked for and ~55 µs slept, before every message.
        long[] clock = {0};
        TimedParker parker = new TimedParker(clock, Long.MAX_VALUE); // no wake-up: every park runs to its timeout
        Idler idler = IdleStrategy.backoff(100, 10, 1, 100, TimeUnit.MICROSECONDS)
            .withTiming(() -> FAST_YIELD, () -> clock[0]).newIdler(parker);
        for (int period = 1; period <= 4 * Idler.LONG_PARKS_BEFORE_PARKING_AT_ONCE; period++) {
            assertEquals(111 + 2, turnsToWork(idler, parker, 3),
                "period " + period + ": 100 spins, 10 yields, then 3 timed parks (1, 2, 4 µs asked) before the work");
            assertTrue(!idler.parksAtOnce(), "period " + period + ": parks that timed out are not long parks");
        }
        // a park that a wake-up ended (200 µs into a 1 ms park) still counts: such parks in a row do park at once
        Idler woken = IdleStrategy.backoff(2, 1, 1, 1, TimeUnit.MILLISECONDS)
            .withTiming(() -> FAST_YIELD, () -> clock[0]).newIdler(parker);
        parker.nanosPerPark = 200_000;
        for (int period = 1; period <= Idler.LONG_PARKS_BEFORE_PARKING_AT_ONCE; period++) {
            assertEquals(4, turnsToWork(woken, parker, 1), "period " + period + ": 2 spins, 1 yield, then park");
        }
        assertTrue(woken.parksAtOnce(), "woken long parks in a row: park at once");
        assertEquals(1, turnsToWork(woken, parker, 1));
    }

    @Test
    void busySpinNeverYieldsOrParks() {
        CountingParker parker = new CountingParker();
        Idler idler = IdleStrategy.busySpin().newIdler(parker);
        for (int turn = 1; turn <= 1_000; turn++) {
            idler.idle(0);
        }
        assertEquals(0, parker.parks);
    }
}
