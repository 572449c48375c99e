package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-Exec timers: deadlines, order, cancel, periodic timers, cross-thread scheduling, idle wake-ups, shutdown.
 *
 * <p>Most tests drive the Exec's time with a {@link ManualClock} ({@link Exec.Builder#clock}) instead of sleeping:
 * time passes only when the test moves it, so "not yet" and "exactly at the deadline" are checked exactly, and a
 * loaded machine cannot make a timer look late. A few tests keep the real clock (the default), so that path is
 * tested too; there, timing checks are one-sided (a timer never fires early) or generous sanity bounds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerTest {
    /** Sanity bound for "fires within a tick": a loaded, shared 2-core machine can deschedule a thread for a while. */
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ManualClock clock = new ManualClock();

    /** An Exec on the real clock. */
    private static Exec.Builder small() {
        return Exec.builder().name("timer-test").daemon(true);
    }

    /** An Exec on this test's {@link ManualClock}. */
    private Exec.Builder manual() {
        return small().clock(clock);
    }

    /** Runs {@code body} on the Exec and waits for its result. */
    private static <T> T onExec(Exec exec, java.util.concurrent.Callable<T> body) throws Exception {
        return exec.submit(body).get(10, TimeUnit.SECONDS);
    }

    /**
     * Waits until every timer of {@code exec} that is due now and was scheduled before this call has fired: a
     * barrier timer due now, scheduled from this thread (its arm message also wakes the Exec). Timers fire in
     * deadline then scheduling order, so when it fires the others have.
     */
    private static void settle(Exec exec) throws InterruptedException {
        CountDownLatch barrier = new CountDownLatch(1);
        exec.schedule(barrier::countDown, 0, TimeUnit.NANOSECONDS);
        assertTrue(barrier.await(10, TimeUnit.SECONDS), "the barrier timer never fired");
    }

    /** Moves the clock on by {@code nanos}, then {@link #settle}s. */
    private void advance(Exec exec, long nanos) throws InterruptedException {
        clock.advance(nanos, TimeUnit.NANOSECONDS);
        settle(exec);
    }

    /** Moves the clock on {@code stepNanos} at a time, settling after each step, until {@code done} (bounded). */
    private void driveUntil(Exec exec, long stepNanos, BooleanSupplier done) throws InterruptedException {
        for (int steps = 0; !done.getAsBoolean(); steps++) {
            assertTrue(steps < 100_000, "not done after " + steps + " steps of " + stepNanos + " ns");
            advance(exec, stepNanos);
        }
    }

    @Test
    void firesOnTheExecAtOrAfterItsDeadlineWithinATick() throws Exception {
        try (Exec exec = small().build()) {
            for (boolean fromOwner : new boolean[] {false, true}) {
                AtomicLong firedAt = new AtomicLong();
                AtomicReference<Exec> ranOn = new AtomicReference<>();
                CountDownLatch fired = new CountDownLatch(1);
                Runnable task = () -> {
                    firedAt.set(System.nanoTime());
                    ranOn.set(Exec.current());
                    fired.countDown();
                };
                Timer timer = fromOwner ? onExec(exec, () -> exec.schedule(task, 20, TimeUnit.MILLISECONDS))
                    : exec.schedule(task, 20, TimeUnit.MILLISECONDS);
                assertTrue(fired.await(10, TimeUnit.SECONDS));
                long late = firedAt.get() - timer.deadlineNanos();
                assertTrue(late >= 0, "fired " + -late + " ns before its deadline");
                assertTrue(late <= ExecTimers.TICK_NANOS + SLACK_NANOS, "fired " + late + " ns late");
                assertSame(exec, ranOn.get());
                onExec(exec, () -> null); // the execution has returned
                assertTrue(timer.isDone());
                assertFalse(timer.isCancelled());
                assertFalse(timer.cancel(), "a timer that ran cannot be cancelled");
            }
        }
    }

    @Test
    void firesOnTheExecExactlyAtItsDeadlineOnTheExecsClockNotBefore() throws Exception {
        try (Exec exec = manual().build()) {
            for (boolean fromOwner : new boolean[] {false, true}) {
                AtomicLong firedAt = new AtomicLong();
                AtomicReference<Exec> ranOn = new AtomicReference<>();
                CountDownLatch fired = new CountDownLatch(1);
                Runnable task = () -> {
                    firedAt.set(clock.nanoTime());
                    ranOn.set(Exec.current());
                    fired.countDown();
                };
                long scheduledAt = clock.nanoTime();
                Timer timer = fromOwner ? onExec(exec, () -> exec.schedule(task, 20, TimeUnit.MILLISECONDS))
                    : exec.schedule(task, 20, TimeUnit.MILLISECONDS);
                assertEquals(scheduledAt + 20 * MS, timer.deadlineNanos(), "the deadline is on the Exec's clock");
                assertEquals(20, timer.getDelay(TimeUnit.MILLISECONDS));
                advance(exec, 20 * MS - 1);
                assertEquals(1, fired.getCount(), "fired 1 ns before its deadline");
                advance(exec, 1);
                assertTrue(fired.await(10, TimeUnit.SECONDS));
                long late = firedAt.get() - timer.deadlineNanos();
                assertTrue(late >= 0, "fired " + -late + " ns before its deadline");
                assertTrue(late <= ExecTimers.TICK_NANOS, "fired " + late + " ns late");
                assertEquals(0, late, "the clock stood at the deadline");
                assertSame(exec, ranOn.get());
                onExec(exec, () -> null); // the execution has returned
                assertTrue(timer.isDone());
                assertFalse(timer.isCancelled());
                assertFalse(timer.cancel(), "a timer that ran cannot be cancelled");
            }
        }
    }

    @Test
    void anIdleParkedExecWakesUpForATimerItScheduledItself() throws Exception {
        // the timer is armed on the owner, so no producer will ever unpark the Exec: only the park bound wakes it
        try (Exec exec = small().idleStrategy(IdleStrategy.park()).build()) {
            CountDownLatch fired = new CountDownLatch(1);
            exec.execute(() -> exec.schedule(fired::countDown, 50, TimeUnit.MILLISECONDS));
            assertTrue(fired.await(10, TimeUnit.SECONDS), "the parked Exec slept through its timer");
            assertTrue(exec.parks() > 0, "the Exec parked while it waited");
        }
    }

    @Test
    void aParkBoundedByAFakeDeadlineStillEndsAndSeesTheClockMoved() throws Exception {
        // a fake clock moved on without waking the Exec: the park (bounded by the deadline, in real nanoseconds)
        // returns by itself and the next turn reads the new time; nobody unparks the Exec
        try (Exec exec = manual().idleStrategy(IdleStrategy.park()).build()) {
            CountDownLatch fired = new CountDownLatch(1);
            AtomicLong parksWhenArmed = new AtomicLong(-1);
            exec.execute(() -> {
                exec.schedule(fired::countDown, 20, TimeUnit.MILLISECONDS);
                parksWhenArmed.set(exec.parks()); // owner thread: any later park counts above this
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (parksWhenArmed.get() < 0 || exec.parks() <= parksWhenArmed.get()) { // bounded: until it parks
                assertTrue(System.nanoTime() < until, "the Exec never parked");
                Thread.onSpinWait();
            }
            assertEquals(1, fired.getCount(), "the clock has not moved: not due yet");
            clock.advance(20, TimeUnit.MILLISECONDS); // no wake
            assertTrue(fired.await(10, TimeUnit.SECONDS), "the parked Exec slept through its timer");
        }
    }

    @Test
    void aPollerParkIsBoundedByTheNextDeadline() throws Exception {
        List<Long> parks = Collections.synchronizedList(new ArrayList<>());
        Poller poller = new Poller() {
            private volatile Thread owner;

            @Override
            public int poll() {
                owner = Thread.currentThread();
                return 0;
            }

            @Override
            public void park(long nanos) {
                parks.add(nanos);
                if (nanos > 0) {
                    clock.advance(nanos, TimeUnit.NANOSECONDS); // a simulated sleep: the fake clock moves instead
                } else {
                    LockSupport.park(); // no deadline: a real park, until a producer wakes it
                }
            }

            @Override
            public void wakeup() {
                LockSupport.unpark(owner);
            }
        };
        try (Exec exec = manual().poller(() -> poller).build()) {
            CountDownLatch fired = new CountDownLatch(1);
            AtomicLong firedAt = new AtomicLong();
            Timer timer = onExec(exec, () -> exec.schedule(() -> {
                firedAt.set(clock.nanoTime());
                fired.countDown();
            }, 100, TimeUnit.MILLISECONDS));
            assertTrue(fired.await(10, TimeUnit.SECONDS), "the poller slept through the timer");
            synchronized (parks) {
                assertTrue(parks.stream().anyMatch(n -> n > 0 && n <= TimeUnit.MILLISECONDS.toNanos(100)),
                    "the poller was asked to park at most until the deadline: " + parks);
                assertTrue(parks.contains(TimeUnit.MILLISECONDS.toNanos(100)), "exactly until the deadline: " + parks);
            }
            assertEquals(timer.deadlineNanos(), firedAt.get(), "woke at the deadline, fired at once");
        }
    }

    @Test
    void timersDueInTheSameTickRunInDeadlineThenSchedulingOrder() throws Exception {
        try (Exec exec = manual().build()) {
            List<Integer> order = new ArrayList<>(); // Exec thread only
            long base = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
            long[] offsets = {300_000, 100_000, 200_000, 100_000, 0};
            Gate gate = new Gate();
            CompletableFuture<Void> all = onExec(exec, () -> {
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (int i = 0; i < offsets.length; i++) {
                    int id = i;
                    done.add(exec.sleepUntil(base + offsets[i]).thenRun(() -> order.add(id)));
                }
                exec.execute(gate); // hold the Exec until every deadline has passed: they fire in one poll
                return CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0]));
            });
            gate.awaitEntered();
            clock.advance(base + 2 * MS - clock.nanoTime(), TimeUnit.NANOSECONDS); // every deadline has passed
            gate.open();
            all.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(4, 1, 3, 2, 0), onExec(exec, () -> new ArrayList<>(order)));
        }
    }

    @Test
    void manyTimersAcrossMoreThanOneRevolutionFireOnceInDeadlineOrderNeverEarly() throws Exception {
        try (Exec exec = manual().build()) {
            int n = 5_000;
            Random random = new Random(42);
            List<long[]> fired = new ArrayList<>(); // {deadline, firedAt}; Exec thread only
            CountDownLatch done = new CountDownLatch(n);
            exec.execute(() -> {
                for (int i = 0; i < n; i++) {
                    // up to 1.2 s: more than one revolution of the wheel (512 x 1.05 ms), many timers per spoke
                    long delayMicros = random.nextInt(1_200_000);
                    Timer[] self = new Timer[1];
                    self[0] = exec.schedule(() -> {
                        fired.add(new long[] {self[0].deadlineNanos(), clock.nanoTime()});
                        done.countDown();
                    }, delayMicros, TimeUnit.MICROSECONDS);
                }
            });
            onExec(exec, () -> null); // all scheduled, at the same instant
            // the clock moves in uneven steps of up to 3 ms (several ticks at once, or none), waiting for the Exec
            // after each: tick by tick through the wheel's revolutions, as a running Exec sees it
            Random steps = new Random(7);
            while (done.getCount() > 0) {
                assertTrue(clock.nanoTime() - ManualClock.START_NANOS < 2_000 * MS, done.getCount() + " timers due");
                advance(exec, steps.nextInt(3_000_000));
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), done.getCount() + " timers never fired");
            List<long[]> result = onExec(exec, () -> new ArrayList<>(fired));
            assertEquals(n, result.size(), "each timer fires exactly once");
            for (int i = 0; i < result.size(); i++) {
                assertTrue(result.get(i)[1] >= result.get(i)[0], "timer " + i + " fired early");
                if (i > 0) {
                    assertTrue(result.get(i)[0] >= result.get(i - 1)[0], "out of deadline order at " + i);
                }
            }
        }
    }

    @Test
    void dueTimersCatchUpAfterTheExecWasHeldForMoreThanARevolution() throws Exception {
        try (Exec exec = manual().build()) {
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(3);
            Gate gate = new Gate();
            onExec(exec, () -> {
                exec.schedule(() -> {
                    order.add(2);
                    done.countDown();
                }, 650, TimeUnit.MILLISECONDS);
                exec.schedule(() -> {
                    order.add(1);
                    done.countDown();
                }, 5, TimeUnit.MILLISECONDS);
                exec.schedule(() -> {
                    order.add(3);
                    done.countDown();
                }, 2_000, TimeUnit.MILLISECONDS);
                exec.execute(gate);
                return null;
            });
            gate.awaitEntered();
            clock.advance(800, TimeUnit.MILLISECONDS); // longer than a revolution: the wheel must not skip the 650 ms timer
            gate.open();
            settle(exec);
            assertEquals(List.of(1, 2), order, "both due timers caught up, the 2 s one waits");
            advance(exec, 1200 * MS);
            assertTrue(done.await(20, TimeUnit.SECONDS));
            assertEquals(List.of(1, 2, 3), order);
        }
    }

    @Test
    void cancelPreventsFiringFromTheOwnerAndFromAnotherThread() throws Exception {
        try (Exec exec = manual().build()) {
            AtomicInteger ran = new AtomicInteger();
            Timer remote = exec.schedule(ran::incrementAndGet, 30, TimeUnit.MILLISECONDS);
            assertTrue(remote.cancel());
            assertFalse(remote.cancel(), "second cancel");
            assertTrue(remote.isCancelled() && remote.isDone());
            Timer local = onExec(exec, () -> {
                Timer t = exec.schedule(ran::incrementAndGet, 30, TimeUnit.MILLISECONDS);
                assertTrue(t.cancel());
                return t;
            });
            assertTrue(local.isCancelled());
            Timer armedThenCancelled = exec.schedule(ran::incrementAndGet, 40, TimeUnit.MILLISECONDS);
            onExec(exec, () -> null); // the arm message has been processed: the timer is in the wheel
            assertTrue(armedThenCancelled.cancel());
            // a later timer fires after the cancelled deadlines: had they fired, they would have run first
            CountDownLatch later = new CountDownLatch(1);
            exec.schedule(later::countDown, 80, TimeUnit.MILLISECONDS);
            advance(exec, 80 * MS);
            assertTrue(later.await(10, TimeUnit.SECONDS));
            assertEquals(0, ran.get());
            assertTrue(onExec(exec, () -> exec.timers().isEmpty()), "cancelled timers left the wheel");
        }
    }

    @Test
    void fixedRateRunsOncePerPeriodNeverAheadOfScheduleAndStopsWhenCancelled() throws Exception {
        try (Exec exec = manual().build()) {
            long period = TimeUnit.MILLISECONDS.toNanos(5);
            int target = 20;
            List<Long> times = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch reached = new CountDownLatch(target);
            Timer timer = exec.scheduleAtFixedRate(() -> {
                times.add(clock.nanoTime());
                reached.countDown();
            }, 5, 5, TimeUnit.MILLISECONDS);
            long first = timer.deadlineNanos();
            driveUntil(exec, MS, () -> reached.getCount() == 0);
            assertTrue(reached.await(20, TimeUnit.SECONDS));
            assertTrue(timer.cancel());
            int atCancel = times.size();
            CountDownLatch later = new CountDownLatch(1);
            exec.schedule(later::countDown, 30, TimeUnit.MILLISECONDS);
            driveUntil(exec, MS, () -> later.getCount() == 0); // six more periods
            assertTrue(later.await(10, TimeUnit.SECONDS));
            synchronized (times) {
                assertTrue(times.size() <= atCancel + 1, "ran on after cancel: " + times.size() + " > " + atCancel);
                for (int k = 0; k < times.size(); k++) {
                    // execution k is due at first + k * period: never before, and the count over any window is
                    // therefore at most window / period + 1
                    assertTrue(times.get(k) >= first + k * period, "execution " + k + " ran ahead of its deadline");
                }
                long window = times.get(times.size() - 1) - first;
                assertTrue(times.size() <= window / period + 1, times.size() + " runs in " + window + " ns");
            }
            assertTrue(timer.isCancelled() && timer.isPeriodic());
        }
    }

    @Test
    void fixedRateCatchesUpMissedPeriodsBackToBack() throws Exception {
        try (Exec exec = manual().build()) {
            List<Long> times = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch five = new CountDownLatch(5);
            Timer timer = exec.scheduleAtFixedRate(() -> {
                times.add(clock.nanoTime());
                five.countDown();
            }, 5, 5, TimeUnit.MILLISECONDS);
            long first = timer.deadlineNanos();
            onExec(exec, () -> null); // armed
            long now = clock.advance(25, TimeUnit.MILLISECONDS, exec); // five periods at once
            assertTrue(five.await(10, TimeUnit.SECONDS), "caught up " + times);
            settle(exec);
            assertEquals(List.of(now, now, now, now, now), times, "each missed period ran once, back to back");
            assertEquals(first + 5 * 5 * MS, timer.deadlineNanos(), "the next deadline stays on the fixed rate");
            assertTrue(timer.cancel());
        }
    }

    @Test
    void fixedDelayWaitsTheDelayAfterEachExecutionEnds() throws Exception {
        try (Exec exec = manual().build()) {
            long delay = TimeUnit.MILLISECONDS.toNanos(4);
            List<long[]> runs = Collections.synchronizedList(new ArrayList<>()); // {start, end}
            CountDownLatch reached = new CountDownLatch(5);
            Timer timer = exec.scheduleWithFixedDelay(() -> {
                long start = clock.nanoTime();
                clock.advance(2, TimeUnit.MILLISECONDS); // each execution takes a while (of the Exec's time)
                runs.add(new long[] {start, clock.nanoTime()});
                reached.countDown();
            }, 0, 4, TimeUnit.MILLISECONDS);
            driveUntil(exec, MS, () -> reached.getCount() == 0);
            assertTrue(reached.await(20, TimeUnit.SECONDS));
            timer.cancel();
            synchronized (runs) {
                for (int k = 1; k < runs.size(); k++) {
                    assertTrue(runs.get(k)[0] - runs.get(k - 1)[1] >= delay, "run " + k + " started too soon");
                    assertEquals(delay, runs.get(k)[0] - runs.get(k - 1)[1], "run " + k + ": the clock stepped 1 ms");
                }
            }
        }
    }

    @Test
    void aPeriodicTimerThatThrowsStopsAndTheErrorIsReported() throws Exception {
        AtomicReference<Throwable> reported = new AtomicReference<>();
        try (Exec exec = manual().errorHandler((e, task, error) -> reported.set(error)).build()) {
            AtomicInteger runs = new AtomicInteger();
            Timer timer = exec.scheduleAtFixedRate(() -> {
                if (runs.incrementAndGet() == 3) {
                    throw new IllegalStateException("third run fails");
                }
            }, 0, 2, TimeUnit.MILLISECONDS);
            driveUntil(exec, MS, timer::isDone);
            CountDownLatch later = new CountDownLatch(1);
            exec.schedule(later::countDown, 20, TimeUnit.MILLISECONDS);
            driveUntil(exec, MS, () -> later.getCount() == 0); // ten more periods
            assertTrue(later.await(10, TimeUnit.SECONDS));
            assertEquals(3, runs.get());
            assertFalse(timer.isCancelled());
            assertEquals("third run fails", reported.get().getMessage());
            assertEquals(1, exec.taskErrors());
        }
    }

    @Test
    void sleepCompletesOnTheExecAndCancellingItCancelsTheTimer() throws Exception {
        try (Exec exec = manual().build()) {
            long before = clock.nanoTime();
            AtomicReference<Exec> on = new AtomicReference<>();
            CompletableFuture<Void> slept = exec.sleep(Duration.ofMillis(15)).thenRun(() -> on.set(Exec.current()));
            advance(exec, 15 * MS - 1);
            assertFalse(slept.isDone(), "woke 1 ns early");
            clock.advance(1, TimeUnit.NANOSECONDS, exec);
            slept.get(10, TimeUnit.SECONDS);
            assertTrue(clock.nanoTime() - before >= TimeUnit.MILLISECONDS.toNanos(15));
            assertSame(exec, on.get());
            long deadline = clock.nanoTime() + 3 * MS;
            CompletableFuture<Void> until = exec.sleepUntil(deadline); // a value of the Exec's clock
            advance(exec, 3 * MS - 1);
            assertFalse(until.isDone(), "sleepUntil woke 1 ns early");
            advance(exec, 1);
            until.get(10, TimeUnit.SECONDS);

            Promise<Void> cancelled = exec.sleep(Duration.ofSeconds(30));
            onExec(exec, () -> null); // armed
            assertTrue(cancelled.cancel(false));
            assertThrows(CancellationException.class, cancelled::join);
            assertTrue(onExec(exec, () -> exec.timers().isEmpty()), "the cancelled sleep freed its slot");

            // a sleep inside a spawned body, and blockOn (the hosted Exec, on the real clock, parks until the deadline)
            CompletableFuture<String> spawned = exec.spawn(() -> Exec.current().sleep(Duration.ofMillis(5))
                .thenApply(v -> "slept"));
            driveUntil(exec, MS, spawned::isDone);
            assertEquals("slept", spawned.get(10, TimeUnit.SECONDS));
            int seven = Exec.<Integer>blockOn(() -> Exec.current().sleep(Duration.ofMillis(20)).thenApply(v -> 7));
            assertEquals(7, seven);
        }
    }

    @Test
    void timersFireOnAnExecWithLevelsFromTheOwnerAndAnotherThread() throws Exception {
        Lane high = Lane.fifo("high");
        Lane low = Lane.fifo("low");
        Levels levels = Levels.builder().level(high).level(low).defaultLane(low).build();
        try (Exec exec = manual().levels(levels).build()) {
            CountDownLatch fired = new CountDownLatch(3);
            exec.schedule(fired::countDown, 10, TimeUnit.MILLISECONDS); // cross-thread: the arm message is routed
            exec.execute(() -> exec.schedule(fired::countDown, 10, TimeUnit.MILLISECONDS));
            exec.sleep(Duration.ofMillis(10)).thenRun(fired::countDown);
            driveUntil(exec, MS, () -> fired.getCount() == 0);
            assertTrue(fired.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theExecsOfAGroupShareTheClockOfItsTemplate() throws Exception {
        try (ExecGroup group = ExecGroup.builder().execs(2).execSettings(manual()).build()) {
            CountDownLatch fired = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                Timer t = group.exec(i).schedule(fired::countDown, 1, TimeUnit.HOURS);
                assertEquals(clock.nanoTime() + TimeUnit.HOURS.toNanos(1), t.deadlineNanos());
            }
            clock.advance(1, TimeUnit.HOURS, group.exec(0));
            clock.advance(0, TimeUnit.HOURS, group.exec(1));
            assertTrue(fired.await(10, TimeUnit.SECONDS), "an hour of the group's clock passed");
        }
    }

    @Test
    void badDelaysAreRejectedNamingTheValue() throws Exception {
        try (Exec exec = small().build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> exec.schedule(() -> { }, -5, TimeUnit.MILLISECONDS));
            assertTrue(e.getMessage().contains("-5"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                () -> exec.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.MILLISECONDS));
            assertTrue(e.getMessage().contains("period") && e.getMessage().contains("0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                () -> exec.scheduleWithFixedDelay(() -> { }, -1, 5, TimeUnit.MILLISECONDS));
            assertTrue(e.getMessage().contains("initialDelay") && e.getMessage().contains("-1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> exec.sleep(Duration.ofMillis(-3)));
            assertTrue(e.getMessage().contains("PT-0.003S"), e.getMessage());
            assertThrows(NullPointerException.class, () -> exec.schedule(null, 1, TimeUnit.SECONDS));
            // a huge delay is capped, not overflowed: it must not fire now
            Timer far = exec.schedule(() -> { }, Long.MAX_VALUE, TimeUnit.DAYS);
            assertTrue(far.getDelay(TimeUnit.DAYS) > 365);
            assertTrue(far.cancel());
        }
    }

    @Test
    void gracefulShutdownRunsPendingOneShotTimersAndCancelsPeriodicOnes() throws Exception {
        Exec exec = manual().build();
        AtomicInteger oneShot = new AtomicInteger();
        AtomicInteger periodicRuns = new AtomicInteger();
        Timer periodic = exec.scheduleAtFixedRate(periodicRuns::incrementAndGet, 1, 1, TimeUnit.MILLISECONDS);
        Timer pending = exec.schedule(oneShot::incrementAndGet, 100, TimeUnit.MILLISECONDS);
        Promise<Void> sleep = exec.sleep(Duration.ofMillis(50));
        AtomicReference<Throwable> periodicDuringDrain = new AtomicReference<>();
        AtomicInteger scheduledDuringDrain = new AtomicInteger();
        sleep.thenRun(() -> {
            // the Exec is draining: its own tasks may still schedule one-shot timers, not periodic ones
            exec.schedule(scheduledDuringDrain::incrementAndGet, 10, TimeUnit.MILLISECONDS);
            try {
                exec.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                periodicDuringDrain.set(e);
            }
        });
        Gate gate = Gate.hold(exec); // behind the arm messages: every timer above is in the wheel
        exec.shutdown();
        gate.open();
        assertThrows(RejectedExecutionException.class, () -> exec.schedule(() -> { }, 1, TimeUnit.MILLISECONDS));
        assertEquals(0, oneShot.get(), "not due yet: the clock has not moved");
        for (int steps = 0; !exec.isTerminated(); steps++) { // it drains its timers as the clock moves on
            assertTrue(steps < 1_000, "still not terminated");
            clock.advance(5, TimeUnit.MILLISECONDS, exec); // the wake goes through even now: it never rejects
            exec.awaitTermination(1, TimeUnit.MILLISECONDS);
        }
        assertTrue(exec.awaitTermination(20, TimeUnit.SECONDS));
        assertEquals(1, oneShot.get(), "a one-shot timer accepted before shutdown still ran");
        assertTrue(pending.isDone() && !pending.isCancelled());
        assertTrue(sleep.isDone() && !sleep.isCompletedExceptionally());
        assertEquals(1, scheduledDuringDrain.get());
        assertTrue(periodicDuringDrain.get() instanceof RejectedExecutionException);
        assertTrue(periodic.isCancelled(), "a periodic timer is cancelled by shutdown");
        assertTrue(exec.shutdownNow().get(10, TimeUnit.SECONDS).isEmpty());
    }

    @Test
    void shutdownNowHandsBackPendingOneShotTasksAndCancelsTheRest() throws Exception {
        Exec exec = small().build();
        Runnable first = () -> { };
        Runnable second = () -> { };
        Timer late = exec.schedule(second, 20, TimeUnit.SECONDS);
        Timer early = exec.schedule(first, 10, TimeUnit.SECONDS);
        Timer periodic = exec.scheduleAtFixedRate(() -> { }, 10, 10, TimeUnit.SECONDS);
        Promise<Void> sleep = exec.sleep(Duration.ofSeconds(30));
        onExec(exec, () -> null); // all armed
        Gate gate = Gate.hold(exec);
        Runnable third = () -> { };
        Timer stillInTheRing = exec.schedule(third, 5, TimeUnit.SECONDS); // its arm message is queued behind the gate
        CompletableFuture<List<Runnable>> handedBack = exec.shutdownNow();
        gate.open();
        List<Runnable> tasks = handedBack.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(third, first, second), tasks, "one-shot tasks, in deadline order, and nothing else");
        for (Timer t : List.of(late, early, periodic, stillInTheRing)) {
            assertTrue(t.isCancelled(), t + " is cancelled");
        }
        CancellationException e = assertThrows(CancellationException.class, sleep::join);
        assertTrue(Causes.messages(e).contains("shut down"), Causes.messages(e));
        assertThrows(RejectedExecutionException.class, () -> exec.schedule(() -> { }, 1, TimeUnit.SECONDS));
        assertFalse(late.cancel());
    }
    /**
     * Deadlines far in the past (down to {@code Long.MIN_VALUE}) fire on the next turn: the cap on far deadlines
     * must not overflow into "146 years from now". Far-future deadlines and delays stay in the future.
     */
    @Test
    void deadlinesFarInThePastFireAndHugeDelaysStayInTheFuture() throws Exception {
        Exec exec = manual().build();
        try { // not close(): a graceful close would wait for a timer that overflowed into the far future
            for (long past : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, clock.nanoTime() - Long.MAX_VALUE,
                clock.nanoTime() - (1L << 62) - 1}) {
                exec.sleepUntil(past).get(10, TimeUnit.SECONDS); // TimeoutException if it overflowed
                onExec(exec, () -> Exec.current().sleepUntil(past)).get(10, TimeUnit.SECONDS); // owner path too
            }
            Timer far = exec.schedule(() -> { }, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            Timer farther = onExec(exec, () -> exec.schedule(() -> { }, Long.MAX_VALUE, TimeUnit.DAYS));
            Promise<Void> farSleep = exec.sleepUntil(Long.MAX_VALUE);
            Promise<Void> longSleep = exec.sleep(Duration.ofSeconds(Long.MAX_VALUE));
            onExec(exec, () -> null); // armed
            advance(exec, TimeUnit.DAYS.toNanos(365 * 10)); // ten years later, a few turns with the timers armed
            for (Timer t : List.of(far, farther)) {
                assertTrue(t.getDelay(TimeUnit.DAYS) > 365 * 100, t.toString()); // 146 years, less ten
                assertFalse(t.isDone(), t.toString());
                assertTrue(t.cancel());
            }
            assertFalse(farSleep.isDone());
            assertFalse(longSleep.isDone());
            assertTrue(farSleep.cancel(false) && longSleep.cancel(false));
        } finally {
            exec.shutdownNow().get(10, TimeUnit.SECONDS);
        }
    }
}
