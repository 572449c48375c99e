package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.balance.LoadBalancer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ExecScheduler} against the {@code ExecutorService}, {@code ScheduledExecutorService} and {@code Future}
 * contracts as the JDK documents them, with {@code ScheduledThreadPoolExecutor}'s default policies; cases ported from
 * the JSR-166 TCK (ScheduledExecutorTest) where they apply to a one-thread executor.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecSchedulerContractTest {
    private static final Runnable NO_OP = () -> { };

    private static Exec.Builder small() {
        return Exec.builder().name("sched-contract").daemon(true);
    }

    /** A task that spins, ignoring interrupts, until released (or 10 s pass: never an unbounded spin). */
    private static Runnable spinner(CountDownLatch started, AtomicBoolean release) {
        return () -> {
            started.countDown();
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!release.get() && System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
        };
    }

    // ------------------------------------------------------------------------------------------------ shutdownNow

    @Test
    void shutdownNowDoesNotWaitForARunningTaskThatIgnoresInterrupts() throws Exception {
        Exec exec = small().build();
        ExecScheduler ses = ExecScheduler.of(exec);
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        try {
            ses.execute(spinner(started, release));
            Runnable queued = () -> { };
            ses.execute(queued);
            assertTrue(started.await(10, TimeUnit.SECONDS));
            CompletableFuture<List<Runnable>> call = CompletableFuture.supplyAsync(ses::shutdownNow);
            List<Runnable> back = call.get(2, TimeUnit.SECONDS); // the interface: it does not wait
            assertEquals(1, back.size(), "the queued task comes back, the running one does not: " + back);
            assertSame(queued, back.get(0));
            assertTrue(ses.isShutdown());
            assertFalse(ses.isTerminated(), "the spinner still holds the Exec");
        } finally {
            release.set(true);
            assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertTrue(ses.isTerminated());
    }

    /** TCK testShutdownNow, one thread: the running task is interrupted, the queued ones come back unrun. */
    @Test
    void shutdownNowInterruptsTheRunningTaskAndReturnsTheQueuedOnes() throws Exception {
        ExecScheduler ses = ExecScheduler.of(small().build());
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        Runnable waiter = () -> {
            started.countDown();
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException expected) {
                // shutdownNow interrupts
            }
            ran.incrementAndGet();
        };
        for (int i = 0; i < 5; i++) {
            ses.execute(waiter);
        }
        assertTrue(started.await(10, TimeUnit.SECONDS));
        List<Runnable> back = ses.shutdownNow();
        assertTrue(ses.isShutdown());
        assertEquals(4, back.size());
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(ses.isTerminated());
        assertEquals(1, ran.get());
    }

    /** TCK testShutdownNow_delayedTasks: one-shot and periodic tasks awaiting execution all come back, undone. */
    @Test
    void shutdownNowReturnsDelayedAndPeriodicTasksAwaitingExecutionNotCancelled() throws Exception {
        ExecScheduler ses = ExecScheduler.of(small().build());
        List<ScheduledFuture<?>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(ses.schedule(NO_OP, 9, TimeUnit.SECONDS));
            tasks.add(ses.scheduleAtFixedRate(NO_OP, 9, 9, TimeUnit.SECONDS));
            tasks.add(ses.scheduleWithFixedDelay(NO_OP, 9, 9, TimeUnit.SECONDS));
        }
        List<Runnable> back = ses.shutdownNow();
        assertTrue(ses.isShutdown());
        assertEquals(new HashSet<Object>(tasks), new HashSet<Object>(back));
        assertEquals(tasks.size(), back.size());
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(ses.isTerminated());
        for (ScheduledFuture<?> task : tasks) {
            assertFalse(task.isDone(), task + " was handed back: it is not done");
            assertFalse(task.isCancelled(), task + " was handed back: it is not cancelled");
        }
    }

    @Test
    void aHandedBackOneShotRunsWhenTheCallerRunsItAndAPeriodicOneIsCancelled() throws Exception {
        ExecScheduler ses = ExecScheduler.of(small().build());
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<Integer> oneShot = ses.schedule(runs::incrementAndGet, 1, TimeUnit.HOURS);
        ScheduledFuture<?> periodic = ses.scheduleAtFixedRate(runs::incrementAndGet, 1, 1, TimeUnit.HOURS);
        List<Runnable> back = ses.shutdownNow();
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(List.of(oneShot, periodic), back, "in the order they were accepted");
        back.get(0).run();
        assertEquals(1, oneShot.get(1, TimeUnit.SECONDS));
        back.get(1).run(); // no executor is left to repeat it: cancelled, as ScheduledThreadPoolExecutor does
        assertTrue(periodic.isCancelled() && periodic.isDone());
        back.get(0).run(); // exactly once
        assertEquals(1, runs.get());
    }

    @Test
    void shutdownNowFromTheExecsOwnThreadReturnsAtOnce() throws Exception {
        Exec exec = small().build();
        ExecScheduler ses = ExecScheduler.of(exec);
        CompletableFuture<List<Runnable>> result = new CompletableFuture<>();
        Runnable queued = () -> { };
        ses.execute(() -> {
            ses.execute(queued); // the local queue
            try {
                result.complete(ses.shutdownNow());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        assertEquals(List.of(queued), result.get(10, TimeUnit.SECONDS));
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void overAGroupShutdownNowDoesNotWaitForARunningTask() throws Exception {
        ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .execSettings(small().name("sched-contract-group")).build();
        ExecScheduler ses = ExecScheduler.of(group);
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        try {
            group.exec(0).execute(spinner(started, release));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            ScheduledFuture<?> pending = ses.schedule(NO_OP, 1, TimeUnit.HOURS);
            List<Runnable> back = CompletableFuture.supplyAsync(ses::shutdownNow).get(2, TimeUnit.SECONDS);
            assertEquals(List.of(pending), back);
        } finally {
            release.set(true);
            assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theExecsOwnShutdownNowHandsBackTheSchedulersTasksToRunOnceEach() throws Exception {
        Exec exec = small().build();
        ExecScheduler ses = ExecScheduler.of(exec);
        Gate gate = Gate.hold(exec);
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        ses.execute(a::incrementAndGet);
        Future<?> submitted = ses.submit(b::incrementAndGet);
        ScheduledFuture<String> later = ses.schedule(() -> "c", 1, TimeUnit.HOURS);
        ScheduledFuture<?> periodic = ses.scheduleAtFixedRate(a::incrementAndGet, 1, 1, TimeUnit.HOURS);
        CompletableFuture<List<Runnable>> direct = exec.shutdownNow();
        gate.open();
        List<Runnable> back = direct.get(10, TimeUnit.SECONDS);
        assertEquals(3, back.size(), "the two tasks and the one-shot timer: " + back);
        for (Runnable r : back) {
            r.run(); // Exec.finish stops the scheduler's entries (ExecEntry.onStop): the list holds what to run
        }
        assertEquals(1, a.get());
        assertEquals(1, b.get());
        assertTrue(submitted.isDone());
        assertEquals("c", later.get(1, TimeUnit.SECONDS));
        assertTrue(periodic.isCancelled(), "the Exec's own stop cancels periodic timers (ExecTimers)");
        assertEquals(List.of(), ses.shutdownNow(), "nothing is handed back twice");
    }

    @Test
    void onStopHandsTheUsersTaskToTheExecsListUnlessTheSchedulersShutdownNowCollects() throws Exception {
        Exec exec = small().build();
        ExecScheduler ses = ExecScheduler.of(exec);
        AtomicInteger runs = new AtomicInteger();
        Runnable user = runs::incrementAndGet;
        TrackedTask entry = new TrackedTask(ses, user, 0);
        assertSame(user, entry.onStop(), "the Exec's list gets the user's own task, in the entry's place");
        entry.run();
        assertEquals(0, runs.get(), "handed back: the entry no longer runs it");
        ses.shutdownNow();
        TrackedTask late = new TrackedTask(ses, user, 1);
        assertNull(late.onStop(), "during the scheduler's shutdownNow its own list takes the task");
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
    }

    // --------------------------------------------------------------------------------------------------- shutdown

    /** TCK testShutdown_cancellation, default policies: periodic tasks are cancelled by the time shutdown returns. */
    @Test
    void shutdownCancelsPeriodicTasksBeforeItReturnsAndKeepsDelayedOnes() throws Exception {
        Exec exec = small().build();
        ExecScheduler ses = ExecScheduler.of(exec);
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        Callable<Object> blocker = () -> {
            blocked.countDown();
            assertTrue(unblock.await(30, TimeUnit.SECONDS));
            return ran.incrementAndGet();
        };
        Future<?> blockerFuture = ses.submit(blocker);
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        List<Future<?>> periodics = List.of(
            ses.scheduleAtFixedRate(NO_OP, 1, 1, TimeUnit.MILLISECONDS),
            ses.scheduleWithFixedDelay(NO_OP, 1, 1, TimeUnit.MILLISECONDS));
        ScheduledFuture<?> delayed = ses.schedule(() -> {
            ran.incrementAndGet();
        }, 1, TimeUnit.MILLISECONDS);
        ses.shutdown();
        assertTrue(ses.isShutdown());
        assertFalse(ses.isTerminated());
        for (Future<?> periodic : periodics) {
            assertTrue(periodic.isCancelled(), "getContinueExistingPeriodicTasksAfterShutdownPolicy() is false");
            assertTrue(periodic.isDone());
        }
        assertFalse(delayed.isCancelled(), "getExecuteExistingDelayedTasksAfterShutdownPolicy() is true");
        assertFalse(delayed.isDone());
        unblock.countDown();
        assertNull(delayed.get(10, TimeUnit.SECONDS));
        assertEquals(1, blockerFuture.get(10, TimeUnit.SECONDS));
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(ses.isTerminated());
        assertEquals(2, ran.get());
    }

    @Test
    void everySubmissionAfterShutdownIsRejected() throws Exception {
        Exec exec = small().build();
        ExecScheduler ses = ExecScheduler.of(exec);
        ses.shutdown();
        assertRejectsEverything(ses);
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        assertRejectsEverything(ses);
    }

    @Test
    void afterShutdownATaskOnTheExecCannotSubmitThroughTheScheduler() throws Exception {
        Exec exec = small().build();
        ExecScheduler ses = ExecScheduler.of(exec);
        CountDownLatch shutDown = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        ses.execute(() -> {
            try {
                assertTrue(shutDown.await(10, TimeUnit.SECONDS));
                ses.execute(NO_OP);
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        ses.shutdown();
        shutDown.countDown();
        Throwable t = outcome.get(10, TimeUnit.SECONDS);
        assertTrue(t instanceof RejectedExecutionException, "accepted after shutdown(): " + t);
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static void assertRejectsEverything(ExecScheduler ses) {
        assertThrows(RejectedExecutionException.class, () -> ses.execute(NO_OP));
        assertThrows(RejectedExecutionException.class, () -> ses.submit(NO_OP));
        assertThrows(RejectedExecutionException.class, () -> ses.submit(() -> 1));
        assertThrows(RejectedExecutionException.class, () -> ses.schedule(NO_OP, 1, TimeUnit.MILLISECONDS));
        assertThrows(RejectedExecutionException.class, () -> ses.schedule(() -> 1, 1, TimeUnit.MILLISECONDS));
        assertThrows(RejectedExecutionException.class,
            () -> ses.scheduleAtFixedRate(NO_OP, 1, 1, TimeUnit.MILLISECONDS));
        assertThrows(RejectedExecutionException.class,
            () -> ses.scheduleWithFixedDelay(NO_OP, 1, 1, TimeUnit.MILLISECONDS));
        assertThrows(RejectedExecutionException.class, () -> ses.invokeAll(List.of(() -> 1)));
        assertEquals(List.of(), ses.shutdownNow(), "nothing rejected is handed back");
    }

    // ------------------------------------------------------------------------------- termination, blocking calls

    @Test
    void awaitTerminationAndIsTerminated() throws Exception {
        Exec exec = small().build();
        ExecScheduler ses = ExecScheduler.of(exec);
        assertFalse(ses.isShutdown());
        assertFalse(ses.isTerminated());
        assertFalse(ses.awaitTermination(10, TimeUnit.MILLISECONDS), "not shut down: never terminates");
        assertFalse(ses.awaitTermination(-1, TimeUnit.MILLISECONDS));
        CountDownLatch release = new CountDownLatch(1);
        ses.execute(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ses.shutdown();
        assertFalse(ses.isTerminated());
        assertFalse(ses.awaitTermination(0, TimeUnit.MILLISECONDS));
        release.countDown();
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(ses.isTerminated());
    }

    @Test
    void blockingCallsOnTheExecsOwnThreadFailAtOnceNamingTheExec() throws Exception {
        Exec exec = small().name("sched-own-thread").build();
        ExecScheduler ses = ExecScheduler.of(exec);
        try {
            CompletableFuture<List<Throwable>> outcome = new CompletableFuture<>();
            ses.execute(() -> {
                List<Throwable> errors = new ArrayList<>();
                ScheduledFuture<?> later = ses.schedule(NO_OP, 1, TimeUnit.HOURS);
                Future<?> submitted = ses.submit(NO_OP); // queued behind this task
                for (Callable<?> call : List.<Callable<?>>of(
                    () -> ses.awaitTermination(5, TimeUnit.SECONDS),
                    () -> ses.invokeAll(List.of(() -> 1)),
                    () -> ses.invokeAll(List.of(() -> 1), 5, TimeUnit.SECONDS),
                    () -> ses.invokeAny(List.of(() -> 1)),
                    () -> ses.invokeAny(List.of(() -> 1), 5, TimeUnit.SECONDS),
                    () -> later.get(5, TimeUnit.SECONDS),
                    later::get,
                    () -> ((CompletableFuture<?>) later).join(),
                    submitted::get,
                    () -> submitted.get(5, TimeUnit.SECONDS))) {
                    try {
                        call.call();
                        errors.add(null);
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }
                later.cancel(false);
                outcome.complete(errors);
            });
            List<Throwable> errors = outcome.get(20, TimeUnit.SECONDS);
            assertEquals(10, errors.size());
            for (Throwable t : errors) {
                assertTrue(t instanceof IllegalStateException, "expected IllegalStateException, got " + t);
                assertTrue(t.getMessage().contains("sched-own-thread"), t.getMessage());
            }
            assertFalse(ses.awaitTermination(0, TimeUnit.SECONDS), "a zero timeout does not wait: allowed anywhere");
            try (Exec other = small().name("sched-other-exec").build()) {
                ScheduledFuture<String> there = ses.schedule(() -> "x", 1, TimeUnit.HOURS);
                ScheduledFuture<String> done = ses.schedule(() -> "y", 0, TimeUnit.SECONDS);
                assertEquals("y", done.get(10, TimeUnit.SECONDS));
                CompletableFuture<Object> fromOther = new CompletableFuture<>();
                other.execute(() -> {
                    try {
                        assertEquals("y", done.get(), "a done future does not wait: allowed on an Exec");
                        fromOther.complete(there.get(5, TimeUnit.SECONDS));
                    } catch (Throwable t) {
                        fromOther.complete(t);
                    }
                });
                Object t = fromOther.get(20, TimeUnit.SECONDS);
                assertTrue(t instanceof IllegalStateException, "waiting on another Exec's thread parks it: " + t);
                assertTrue(((Throwable) t).getMessage().contains("sched-other-exec"), ((Throwable) t).getMessage());
                assertTrue(there.cancel(false));
            }
        } finally {
            exec.shutdownNow(); // interrupts a call that blocked the Exec after all
            assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    // ---------------------------------------------------------------------------------------- invokeAll/invokeAny

    @Test
    void invokeAllAndInvokeAny() throws Exception {
        try (Exec exec = small().build()) {
            ExecScheduler ses = ExecScheduler.of(exec);
            Callable<String> fails = () -> {
                throw new ArithmeticException("fails");
            };
            assertThrows(NullPointerException.class, () -> ses.invokeAll(null));
            assertThrows(NullPointerException.class, () -> ses.invokeAny(null));
            assertThrows(NullPointerException.class, () -> ses.invokeAll(Arrays.asList(() -> "a", null)));
            CountDownLatch latch = new CountDownLatch(1);
            Callable<String> waits = () -> {
                latch.await(10, TimeUnit.SECONDS); // keeps invokeAny from returning before it meets the null
                return "a";
            };
            assertThrows(NullPointerException.class, () -> ses.invokeAny(Arrays.asList(waits, null)));
            latch.countDown();
            assertThrows(NullPointerException.class, () -> ses.invokeAll(List.of(() -> "a"), 1, null));
            assertThrows(IllegalArgumentException.class, () -> ses.invokeAny(List.<Callable<String>>of()));
            assertEquals(List.of(), ses.invokeAll(List.<Callable<String>>of()));

            List<Future<String>> all = ses.invokeAll(List.of(() -> "a", fails, () -> "c"));
            assertEquals(3, all.size());
            assertEquals("a", all.get(0).get());
            ExecutionException e = assertThrows(ExecutionException.class, () -> all.get(1).get());
            assertTrue(e.getCause() instanceof ArithmeticException);
            assertEquals("c", all.get(2).get());
            for (Future<String> f : all) {
                assertTrue(f.isDone());
            }

            assertEquals("b", ses.invokeAny(List.of(fails, () -> "b")));
            ExecutionException none = assertThrows(ExecutionException.class, () -> ses.invokeAny(List.of(fails)));
            assertTrue(none.getCause() instanceof ArithmeticException);

            // timed invokeAll: what does not finish in time is cancelled
            CountDownLatch release = new CountDownLatch(1);
            List<Future<String>> timed = ses.invokeAll(List.of(() -> "quick", () -> {
                release.await(10, TimeUnit.SECONDS);
                return "slow";
            }, () -> "behind"), 50, TimeUnit.MILLISECONDS);
            release.countDown();
            assertEquals("quick", timed.get(0).get());
            assertTrue(timed.get(2).isCancelled(), "queued behind a task that did not finish in time");
            for (Future<String> f : timed) {
                assertTrue(f.isDone());
            }
        }
    }

    // ---------------------------------------------------------------------------------------- bad arguments

    @Test
    void nullArgumentsThrowNullPointerExceptionAndLeaveNothingBehind() throws Exception {
        ExecScheduler ses = ExecScheduler.of(small().build());
        Runnable nullRunnable = null;
        Callable<Object> nullCallable = null;
        assertThrows(NullPointerException.class, () -> ses.execute(null));
        assertThrows(NullPointerException.class, () -> ses.submit(nullRunnable));
        assertThrows(NullPointerException.class, () -> ses.submit(nullCallable));
        assertThrows(NullPointerException.class, () -> ses.schedule(nullRunnable, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> ses.schedule(nullCallable, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> ses.schedule(NO_OP, 1, null));
        assertThrows(NullPointerException.class, () -> ses.schedule(() -> 1, 1, null));
        assertThrows(NullPointerException.class, () -> ses.scheduleAtFixedRate(null, 1, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> ses.scheduleAtFixedRate(NO_OP, 1, 1, null));
        assertThrows(NullPointerException.class, () -> ses.scheduleWithFixedDelay(null, 1, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> ses.scheduleWithFixedDelay(NO_OP, 1, 1, null));
        assertThrows(NullPointerException.class, () -> ses.awaitTermination(1, null));
        assertEquals(List.of(), ses.shutdownNow(), "a refused argument leaves no task behind");
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void nonPositivePeriodsThrowIllegalArgumentExceptionNamingTheValue() throws Exception {
        ExecScheduler ses = ExecScheduler.of(small().build());
        for (long bad : new long[] {0, -1, Long.MIN_VALUE}) {
            IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> ses.scheduleAtFixedRate(NO_OP, 1, bad, TimeUnit.MILLISECONDS));
            assertTrue(rate.getMessage().contains(Long.toString(bad)), rate.getMessage());
            IllegalArgumentException delay = assertThrows(IllegalArgumentException.class,
                () -> ses.scheduleWithFixedDelay(NO_OP, 1, bad, TimeUnit.MILLISECONDS));
            assertTrue(delay.getMessage().contains(Long.toString(bad)), delay.getMessage());
        }
        assertEquals(List.of(), ses.shutdownNow(), "a refused argument leaves no task behind");
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void zeroNegativeAndHugeDelays() throws Exception {
        try (Exec exec = small().build()) {
            ExecScheduler ses = ExecScheduler.of(exec);
            assertEquals(1, ses.schedule(() -> 1, 0, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
            assertEquals(2, ses.schedule(() -> 2, -5, TimeUnit.DAYS).get(10, TimeUnit.SECONDS));
            assertEquals(3, ses.schedule(() -> 3, Long.MIN_VALUE, TimeUnit.NANOSECONDS).get(10, TimeUnit.SECONDS));
            CountDownLatch three = new CountDownLatch(3);
            ScheduledFuture<?> rate = ses.scheduleAtFixedRate(three::countDown, -1, 1, TimeUnit.MILLISECONDS);
            assertTrue(three.await(10, TimeUnit.SECONDS));
            assertTrue(rate.cancel(false));
            ScheduledFuture<?> far = ses.schedule(NO_OP, Long.MAX_VALUE, TimeUnit.DAYS);
            assertTrue(far.getDelay(TimeUnit.DAYS) > 365L * 100, "a far deadline does not overflow: "
                + far.getDelay(TimeUnit.DAYS));
            ScheduledFuture<?> farRate = ses.scheduleWithFixedDelay(NO_OP, Long.MAX_VALUE, Long.MAX_VALUE,
                TimeUnit.NANOSECONDS);
            assertTrue(farRate.getDelay(TimeUnit.NANOSECONDS) > 0);
            assertTrue(far.cancel(false) && farRate.cancel(false));
        }
    }

    // ------------------------------------------------------------------------------------- ScheduledFuture

    @Test
    void cancelIsCancelledIsDoneAndGet() throws Exception {
        try (Exec exec = small().build()) {
            ExecScheduler ses = ExecScheduler.of(exec);
            AtomicInteger ran = new AtomicInteger();
            for (boolean interrupt : new boolean[] {true, false}) {
                ScheduledFuture<Integer> f = ses.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
                assertFalse(f.isDone() || f.isCancelled());
                assertTrue(f.cancel(interrupt));
                assertTrue(f.isCancelled() && f.isDone());
                assertThrows(CancellationException.class, f::get);
                assertThrows(CancellationException.class, () -> f.get(1, TimeUnit.SECONDS));
                assertFalse(f.cancel(interrupt), "already cancelled");
                assertTrue(f.isCancelled() && f.isDone());
            }
            ScheduledFuture<Integer> done = ses.schedule(ran::incrementAndGet, 0, TimeUnit.SECONDS);
            assertEquals(1, done.get(10, TimeUnit.SECONDS));
            assertFalse(done.cancel(true), "already completed");
            assertFalse(done.isCancelled());
            assertTrue(done.isDone());
            assertEquals(1, ran.get(), "the cancelled tasks never ran");
            assertEquals(List.of(), exec.closeNow(), "a cancelled task is not handed back");
        }
    }

    @Test
    void cancelWhileRunningAndCancelOfAPeriodicTaskBetweenRuns() throws Exception {
        try (Exec exec = small().build()) {
            ExecScheduler ses = ExecScheduler.of(exec);
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ScheduledFuture<String> f = ses.schedule(() -> {
                running.countDown();
                release.await(10, TimeUnit.SECONDS);
                return "late";
            }, 0, TimeUnit.SECONDS);
            assertTrue(running.await(10, TimeUnit.SECONDS));
            assertTrue(f.cancel(false));
            release.countDown();
            assertTrue(f.isCancelled() && f.isDone());
            assertThrows(CancellationException.class, () -> f.get(10, TimeUnit.SECONDS));
            ses.submit(NO_OP).get(10, TimeUnit.SECONDS);
            assertTrue(f.isCancelled(), "the late result does not replace the cancellation");
        }
    }

    @Test
    void getDelayAndCompareTo() throws Exception {
        try (Exec exec = small().build()) {
            ExecScheduler ses = ExecScheduler.of(exec);
            ScheduledFuture<?> soon = ses.schedule(NO_OP, 1, TimeUnit.HOURS);
            ScheduledFuture<?> later = ses.schedule(NO_OP, 2, TimeUnit.HOURS);
            ScheduledFuture<?> rate = ses.scheduleAtFixedRate(NO_OP, 3, 1, TimeUnit.HOURS);
            long d = soon.getDelay(TimeUnit.MINUTES);
            assertTrue(d >= 58 && d <= 60, "about an hour: " + d);
            assertTrue(rate.getDelay(TimeUnit.MINUTES) > later.getDelay(TimeUnit.MINUTES));
            assertEquals(0, soon.compareTo(soon));
            assertTrue(soon.compareTo(later) < 0 && later.compareTo(soon) > 0);
            assertTrue(later.compareTo(rate) < 0 && rate.compareTo(soon) > 0);
            Delayed foreign = new Delayed() {
                @Override
                public long getDelay(TimeUnit unit) {
                    return unit.convert(90, TimeUnit.MINUTES);
                }

                @Override
                public int compareTo(Delayed o) {
                    return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
                }
            };
            assertTrue(soon.compareTo(foreign) < 0 && later.compareTo(foreign) > 0);
            assertTrue(soon.cancel(false) && later.cancel(false) && rate.cancel(false));
        }
    }

    // -------------------------------------------------------------------------------------------- placement

    @Test
    void firstSchedulesOfFreshSchedulersOverAGroupSpreadOverItsExecs() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .execSettings(small().name("sched-spread")).build()) {
            Set<Exec> seen = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 32; i++) { // all on one Exec by chance: 2^-31
                ExecScheduler ses = ExecScheduler.of(group);
                ses.schedule(() -> seen.add(Exec.current()), 0, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
            }
            assertEquals(Set.of(group.exec(0), group.exec(1)), seen);
        }
    }

    /** A task that carries its key, for a keyHash balancer. */
    private static final class Keyed implements Runnable {
        final long key;
        final CompletableFuture<Exec> ranOn = new CompletableFuture<>();

        Keyed(long key) {
            this.key = key;
        }

        @Override
        public void run() {
            ranOn.complete(Exec.current());
        }
    }

    @Test
    void theGroupsBalancerSeesTheUsersTaskNotTheSchedulersWrapper() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .balancer(LoadBalancer.keyHash(r -> ((Keyed) r).key))
            .execSettings(small().name("sched-keyed")).build()) {
            ExecScheduler ses = ExecScheduler.of(group);
            for (long key = 0; key < 8; key++) {
                Keyed task = new Keyed(key);
                ses.execute(task);
                assertSame(group.execFor(key), task.ranOn.get(10, TimeUnit.SECONDS), "key " + key);
            }
        }
    }

    @Test
    void aRejectedTaskIsNeitherRunNorHandedBack() throws Exception {
        Exec exec = small().build();
        ExecScheduler ses = ExecScheduler.of(exec);
        AtomicReference<Throwable> refused = new AtomicReference<>();
        exec.shutdown();
        try {
            ses.execute(NO_OP);
        } catch (RejectedExecutionException e) {
            refused.set(e);
        }
        assertTrue(refused.get() instanceof RejectedExecutionException, "the Exec was shut down directly");
        assertTrue(ses.isShutdown(), "an Exec shut down directly shuts the scheduler down");
        assertEquals(List.of(), ses.shutdownNow());
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
    }
}
