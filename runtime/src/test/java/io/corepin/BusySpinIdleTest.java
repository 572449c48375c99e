package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A busy-spin Exec between turns: it spins on its ring's next slot and goes back to a turn once work is there. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BusySpinIdleTest {

    @Test
    void theSpinBetweenTurnsEndsAsSoonAsTheRingHasAnEntry() {
        Exec exec = Driven.exec(Exec.builder().name("spin").idleStrategy(IdleStrategy.busySpin()));
        try {
            AtomicInteger ran = new AtomicInteger();
            exec.execute(ran::incrementAndGet); // from this thread (not the owner): through the ring
            // 2^31 spins would take far longer than the timeout: the spin must see the entry and return at once
            exec.loop().spinUntilWork(Integer.MAX_VALUE);
            assertEquals(1, Driven.turn(exec), "the next turn runs it");
            assertEquals(1, ran.get());
            long t0 = System.nanoTime();
            exec.loop().spinUntilWork(1_000); // nothing there: spins them all, then returns (bounded)
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        } finally {
            Driven.finish(exec);
        }
    }

    @Test
    void aBusySpinExecRunsWhatArrivesWhileItSpins() throws Exception {
        try (Exec exec = Exec.builder().name("spinner").idleStrategy(IdleStrategy.busySpin()).build()) {
            for (int i = 0; i < 1_000; i++) {
                Promise<Integer> p = exec.submit(() -> 42);
                assertEquals(42, p.get(5, TimeUnit.SECONDS));
            }
        }
    }
}
