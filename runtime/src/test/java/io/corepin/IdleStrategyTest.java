package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The idle path's late-yield rule, with scripted yield durations (no timing in the test). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleStrategyTest {
    private static final long FAST_YIELD = 1_000;   // a free core: sched_yield returns at once
    private static final long LATE_YIELD = 200_000; // the core was given away

    /** No spins, 3 yields, then 1 µs parks (so that a park on the test thread returns by itself). */
    private static IdleStrategy strategy(AtomicInteger yields, long nanosPerYield) {
        return IdleStrategy.backoff(0, 3, 1, 1, TimeUnit.MICROSECONDS).withTimedYield(() -> {
            yields.incrementAndGet();
            return nanosPerYield;
        });
    }

    @Test
    void aFastYieldKeepsYielding() {
        Exec exec = Exec.detachedForTest(Exec.builder().name("idle-fast"));
        AtomicInteger yields = new AtomicInteger();
        IdleStrategy idle = strategy(yields, FAST_YIELD);
        long parks = exec.parks();
        for (int turn = 1; turn <= 3; turn++) {
            idle.idle(exec, turn);
        }
        assertEquals(3, yields.get(), "three yield turns yield");
        assertEquals(parks, exec.parks(), "and do not park");
        assertEquals(0, exec.skipYields);
        idle.idle(exec, 4);
        assertEquals(parks + 1, exec.parks(), "past the yields: park");
    }

    @Test
    void aLateYieldParksAtOnceAndSkipsYieldingForTheNextIdlePeriods() {
        Exec exec = Exec.detachedForTest(Exec.builder().name("idle-late"));
        AtomicInteger yields = new AtomicInteger();
        IdleStrategy late = strategy(yields, LATE_YIELD);
        long parks = exec.parks();
        late.idle(exec, 1);
        assertEquals(1, yields.get());
        assertEquals(parks + 1, exec.parks(), "a late yield parks in the same idle turn");
        assertEquals(IdleStrategy.SKIP_YIELDS_AFTER_LATE, exec.skipYields);

        // The next idle periods (each starts again at turn 1) park without yielding, even with fast yields now.
        AtomicInteger fastYields = new AtomicInteger();
        IdleStrategy fast = strategy(fastYields, FAST_YIELD);
        for (int period = 1; period <= IdleStrategy.SKIP_YIELDS_AFTER_LATE; period++) {
            fast.idle(exec, 1);
            assertEquals(0, fastYields.get(), "period " + period + " must not yield");
            assertEquals(parks + 1 + period, exec.parks(), "period " + period + " parks");
        }
        assertEquals(0, exec.skipYields);
        fast.idle(exec, 1);
        assertEquals(1, fastYields.get(), "after the skipped periods it yields again");
    }

    @Test
    void theDefaultStrategyYieldsWithTheRealClock() {
        Exec exec = Exec.detachedForTest(Exec.builder().name("idle-default"));
        exec.execute(() -> { }); // queued work: should the yield be late, the park re-checks and returns at once
        IdleStrategy idle = IdleStrategy.park(); // the shared default: 100 spins, 10 yields
        idle.idle(exec, 101); // a real Thread.yield(), timed: must not fail whatever it took
        idle.idle(exec, 1);
    }

    @Test
    void busySpinNeverYieldsOrParks() {
        Exec exec = Exec.detachedForTest(Exec.builder().name("idle-spin"));
        long parks = exec.parks();
        IdleStrategy spin = IdleStrategy.busySpin();
        for (int turn = 1; turn <= 1_000; turn++) {
            spin.idle(exec, turn);
        }
        assertEquals(parks, exec.parks());
    }
}
