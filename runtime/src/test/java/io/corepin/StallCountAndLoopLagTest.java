package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Exec#stalls()} counts the stall guard's reports; {@link Exec#loopLagNanos()} is how long the task running
 * now has held the Exec, as far as the guard has seen — 0 between tasks. Both on the Exec's {@link ManualClock}: a
 * task holds on a latch while the test moves the clock on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StallCountAndLoopLagTest {
    private final ManualClock clock = new ManualClock();

    /** Moves the clock on {@code step} ms at a time (waking {@code exec}) until {@code until} holds; 10 s real time. */
    private void driveUntil(Exec exec, long stepMillis, String what, java.util.function.BooleanSupplier until)
        throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!until.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within 10 s; " + exec);
            clock.advance(stepMillis, TimeUnit.MILLISECONDS, exec);
            Thread.sleep(5); // bounded: the guard's thread looks every threshold / 2 of real time
        }
    }

    private static void awaitValue(LongSupplier value, long expected, String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsLong() != expected) {
            assertTrue(System.nanoTime() < deadline, what + ": " + value.getAsLong() + ", expected " + expected);
            Thread.sleep(2);
        }
    }

    @Test
    void eachStallIsCountedOnceAndShortTasksAreNot() throws Exception {
        try (Exec exec = Exec.builder().name("stalls-count").clock(clock).daemon(true).build()) { // 10 ms threshold
            assertEquals(0, exec.stalls());
            for (int i = 0; i < 1000; i++) {
                exec.execute(() -> clock.advance(1, TimeUnit.MILLISECONDS)); // 1 ms each: not stalls
            }
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
            assertEquals(0, exec.stalls());
            for (int stall = 1; stall <= 2; stall++) {
                final StallGuardTest.Holder holder = new StallGuardTest.Holder();
                exec.execute(holder);
                assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
                final long expected = stall;
                try {
                    driveUntil(exec, 10, "stall " + stall + " counted", () -> exec.stalls() == expected);
                    for (int i = 0; i < 3; i++) { // the same stall goes on: it is not counted again
                        clock.advance(50, TimeUnit.MILLISECONDS, exec);
                        Thread.sleep(15);
                    }
                    assertEquals(stall, exec.stalls());
                } finally {
                    holder.hold.release(); // also when an assertion failed: the Exec must be able to close
                }
                assertTrue(holder.done.await(10, TimeUnit.SECONDS));
                exec.submit(() -> null).get(10, TimeUnit.SECONDS);
            }
            clock.advance(100, TimeUnit.MILLISECONDS, exec); // idle for ten thresholds: not a stall
            Thread.sleep(30);
            assertEquals(2, exec.stalls());
        }
    }

    @Test
    void loopLagIsTheRunningTasksHoldAsSeenByTheGuardAndZeroBetweenTasks() throws Exception {
        try (Exec exec = Exec.builder().name("loop-lag").clock(clock).daemon(true)
            .stallThreshold(20, TimeUnit.MILLISECONDS).build()) { // the guard looks every 10 ms of real time
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
            assertEquals(0, exec.loopLagNanos(), "idle");
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            exec.execute(holder);
            assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
            try {
                final long started = clock.nanoTime(); // the clock has not moved since the task began
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                long lag;
                while ((lag = exec.loopLagNanos()) == 0) { // until the guard has seen the task (and the clock moved)
                    assertTrue(System.nanoTime() < deadline, "no loop lag within 10 s while a task holds the Exec");
                    clock.advance(1, TimeUnit.MILLISECONDS);
                    Thread.sleep(2);
                }
                assertTrue(lag > 0 && lag <= clock.nanoTime() - started,
                    "lag " + lag + " ns, task held for " + (clock.nanoTime() - started) + " ns");
                clock.advance(50, TimeUnit.MILLISECONDS);
                assertEquals(lag + TimeUnit.MILLISECONDS.toNanos(50), exec.loopLagNanos(),
                    "the lag grows with the Exec's clock while the same task runs");
            } finally {
                holder.hold.release(); // also when an assertion failed: the Exec must be able to close
            }
            assertTrue(holder.done.await(10, TimeUnit.SECONDS));
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
            awaitValue(exec::loopLagNanos, 0, "loop lag once the task is done");
            clock.advance(100, TimeUnit.MILLISECONDS, exec);
            Thread.sleep(30);
            assertEquals(0, exec.loopLagNanos(), "an idle Exec has no lag, however long it idles");
        }
    }

    @Test
    void withoutTheGuardBothReadZero() throws Exception {
        try (Exec exec = Exec.builder().name("stalls-off").clock(clock).daemon(true)
            .stallThreshold(0, TimeUnit.MILLISECONDS).build()) {
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            exec.execute(holder);
            assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 5; i++) {
                clock.advance(50, TimeUnit.MILLISECONDS);
                Thread.sleep(5);
            }
            assertEquals(0, exec.stalls());
            assertEquals(0, exec.loopLagNanos());
            holder.hold.release();
            assertTrue(holder.done.await(10, TimeUnit.SECONDS));
        }
    }
}
