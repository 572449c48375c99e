package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ScheduledExecutorService adapter, used the way standard code uses the interface. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecSchedulerTest {

    private static Exec.Builder small() {
        return Exec.builder().name("scheduler-test").daemon(true);
    }

    /** Standard code: a timeout built on any ScheduledExecutorService. */
    private static <T> CompletableFuture<T> withTimeout(CompletableFuture<T> f, long millis,
                                                        ScheduledExecutorService ses) {
        ScheduledFuture<?> timeout = ses.schedule(
            () -> f.completeExceptionally(new TimeoutException(millis + " ms")), millis, TimeUnit.MILLISECONDS);
        f.whenComplete((v, t) -> timeout.cancel(false));
        return f;
    }

    @Test
    void delayedCallableRunsOnTheExecAndDelivers() throws Exception {
        try (Exec exec = small().build()) {
            ScheduledExecutorService ses = ExecScheduler.of(exec);
            AtomicReference<Exec> on = new AtomicReference<>();
            ScheduledFuture<String> f = ses.schedule(() -> {
                on.set(Exec.current());
                return "done";
            }, 20, TimeUnit.MILLISECONDS);
            assertTrue(f.getDelay(TimeUnit.MILLISECONDS) <= 20);
            assertEquals("done", f.get(10, TimeUnit.SECONDS));
            assertSame(exec, on.get());
            assertTrue(f.getDelay(TimeUnit.NANOSECONDS) <= 0, "delay is negative once past");

            ScheduledFuture<?> sooner = ses.schedule(() -> { }, 1, TimeUnit.SECONDS);
            ScheduledFuture<?> later = ses.schedule(() -> { }, 2, TimeUnit.SECONDS);
            assertTrue(sooner.compareTo(later) < 0 && later.compareTo(sooner) > 0);
            sooner.cancel(false);
            later.cancel(false);

            // negative delay: "now", as the interface specifies
            assertEquals(5, ses.schedule(() -> 5, -10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
            assertThrows(IllegalArgumentException.class,
                () -> ses.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void standardTimeoutHelperWorksOnTheAdapter() throws Exception {
        try (Exec exec = small().build()) {
            ScheduledExecutorService ses = ExecScheduler.of(exec);
            CompletableFuture<String> never = withTimeout(new CompletableFuture<>(), 30, ses);
            ExecutionException e = assertThrows(ExecutionException.class, () -> never.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof TimeoutException);
            CompletableFuture<String> quick = withTimeout(CompletableFuture.supplyAsync(() -> "fast", ses), 5_000, ses);
            assertEquals("fast", quick.get(10, TimeUnit.SECONDS));
            // submit / invokeAll come from AbstractExecutorService over execute
            List<Callable<Integer>> calls = List.of(() -> 1, () -> 2, () -> 3);
            int sum = 0;
            for (Future<Integer> f : ses.invokeAll(calls)) {
                sum += f.get();
            }
            assertEquals(6, sum);
            assertEquals("x", ses.submit(() -> "x").get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void fixedRateAndFixedDelayRepeatUntilCancelled() throws Exception {
        try (Exec exec = small().build()) {
            ScheduledExecutorService ses = ExecScheduler.of(exec);
            for (boolean rate : new boolean[] {true, false}) {
                AtomicInteger runs = new AtomicInteger();
                CountDownLatch five = new CountDownLatch(5);
                Runnable body = () -> {
                    runs.incrementAndGet();
                    five.countDown();
                };
                ScheduledFuture<?> f = rate ? ses.scheduleAtFixedRate(body, 0, 2, TimeUnit.MILLISECONDS)
                    : ses.scheduleWithFixedDelay(body, 0, 2, TimeUnit.MILLISECONDS);
                assertTrue(five.await(10, TimeUnit.SECONDS));
                assertTrue(f.cancel(false));
                assertTrue(f.isCancelled() && f.isDone());
                assertThrows(CancellationException.class, () -> f.get(1, TimeUnit.SECONDS));
                int atCancel = runs.get();
                ses.schedule(() -> { }, 20, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
                assertTrue(runs.get() <= atCancel + 1, "kept running after cancel");
            }
        }
    }

    @Test
    void aPeriodicTaskThatThrowsStopsAndItsFutureFails() throws Exception {
        try (Exec exec = small().build()) {
            ScheduledExecutorService ses = ExecScheduler.of(exec);
            AtomicInteger runs = new AtomicInteger();
            ScheduledFuture<?> f = ses.scheduleAtFixedRate(() -> {
                if (runs.incrementAndGet() == 2) {
                    throw new IllegalStateException("boom");
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertEquals("boom", e.getCause().getMessage());
            ses.schedule(() -> { }, 20, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
            assertEquals(2, runs.get());
            assertEquals(0, exec.taskErrors(), "the failure went to the future, not the error handler");
        }
    }

    @Test
    void overAGroupTimersSpreadOverItsExecs() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .execSettings(small().name("sched-group")).build()) {
            ScheduledExecutorService ses = ExecScheduler.of(group);
            Set<Exec> seen = ConcurrentHashMap.newKeySet();
            List<ScheduledFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(ses.schedule(() -> seen.add(Exec.current()), 5, TimeUnit.MILLISECONDS));
            }
            for (ScheduledFuture<?> f : all) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertEquals(Set.of(group.exec(0), group.exec(1)), seen);
            ses.shutdown();
            assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
            assertTrue(ses.isShutdown() && ses.isTerminated());
        }
    }

    @Test
    void shutdownKeepsOneShotsCancelsPeriodicAndShutdownNowReturnsWhatNeverRan() throws Exception {
        Exec exec = small().build();
        ScheduledExecutorService ses = ExecScheduler.of(exec);
        ScheduledFuture<String> oneShot = ses.schedule(() -> "ran", 30, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> periodic = ses.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.MILLISECONDS);
        Gate.hold(exec).open(); // both timers armed
        ses.shutdown();
        assertThrows(RejectedExecutionException.class, () -> ses.schedule(() -> { }, 1, TimeUnit.MILLISECONDS));
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals("ran", oneShot.get(1, TimeUnit.SECONDS));
        assertTrue(periodic.isCancelled(), "shutdown cancels periodic tasks, as in ScheduledThreadPoolExecutor");

        Exec second = small().build();
        ScheduledExecutorService ses2 = ExecScheduler.of(second);
        ScheduledFuture<?> pending = ses2.schedule(() -> { }, 10, TimeUnit.SECONDS);
        Gate.hold(second).open();
        List<Runnable> never = ses2.shutdownNow();
        assertEquals(List.of(pending), never, "the pending task's future comes back as a Runnable");
        assertTrue(ses2.awaitTermination(10, TimeUnit.SECONDS));
    }
}
