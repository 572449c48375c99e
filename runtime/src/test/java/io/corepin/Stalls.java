package io.corepin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

/** Shared by the stall tests: a key a group maps to a given Exec, and holding an Exec until the guard reports it. */
final class Stalls {
    private Stalls() {
    }

    /** A key {@code g} maps to the Exec at {@code index}. */
    static long keyOf(ExecGroup g, int index) {
        for (long k = 0; ; k++) {
            if (g.indexFor(k) == index) {
                return k;
            }
        }
    }

    /**
     * Waits until {@code exec} runs {@code holder}, then moves {@code clock} (the Exec's) on until the stall guard has
     * reported it; 10 s real time each. The test does not submit to the Exec meanwhile: its ring stays as filled.
     */
    static void awaitReported(ManualClock clock, Exec exec, StallGuardTest.Holder holder) throws InterruptedException {
        assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS), "the Exec never ran the holder");
        final long before = exec.stalls();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (exec.stalls() == before) {
            assertTrue(System.nanoTime() < deadline, "no stall reported within 10 s: " + exec);
            clock.advance(5, TimeUnit.MILLISECONDS);
            Thread.sleep(3); // bounded: the guard looks every 5 ms of real time
        }
    }

    /**
     * Moves {@code clock} on (when not null: the Execs' clock; null: real time passes by itself) until the stall guard
     * has every one of {@code execs} stalled now; 10 s real time.
     */
    static void awaitStalled(ManualClock clock, Exec... execs) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Exec e : execs) {
            while (!e.stalledNow()) {
                assertTrue(System.nanoTime() < deadline, "no stall reported within 10 s: " + e);
                if (clock != null) {
                    clock.advance(5, TimeUnit.MILLISECONDS);
                }
                Thread.sleep(3); // bounded: the guard looks every 5 ms of real time
            }
        }
    }
}
