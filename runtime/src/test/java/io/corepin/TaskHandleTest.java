package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Handles of spawned AsyncTasks: join the end (normal, failed, cancelled), cancel from any thread on the task's Exec. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskHandleTest {

    private static Exec.Builder small() {
        return Exec.builder().name("handle-test").daemon(true);
    }

    /** Finishes when woken after {@code ready}; records where onCancel ran and how often. */
    static final class Flagged extends AsyncTask {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger cancels = new AtomicInteger();
        final AtomicInteger finishedOnItsOwn = new AtomicInteger();
        final CountDownLatch firstPoll = new CountDownLatch(1);
        volatile Thread cancelledOn;
        volatile RuntimeException toThrow;

        @Override
        protected boolean poll() {
            polls.incrementAndGet();
            if (toThrow != null) {
                throw toThrow;
            }
            boolean done = ready.get();
            if (done) {
                finishedOnItsOwn.incrementAndGet();
            }
            firstPoll.countDown();
            return done;
        }

        @Override
        protected void onCancel() {
            cancelledOn = Thread.currentThread();
            cancels.incrementAndGet();
        }
    }

    private static Thread threadOf(Exec exec) throws Exception {
        return exec.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
    }

    @Test
    void theHandleCompletesWhenTheTaskFinishesAndIsTheSamePromiseEveryTime() throws Exception {
        try (Exec exec = small().build()) {
            Flagged task = new Flagged();
            TaskHandle handle = exec.spawn(task);
            assertSame(exec, handle.exec());
            assertTrue(task.firstPoll.await(5, TimeUnit.SECONDS));
            Promise<Void> done = handle.done();
            assertSame(done, handle.done(), "one promise per handle");
            assertFalse(handle.isDone());
            assertThrows(TimeoutException.class, () -> done.get(50, TimeUnit.MILLISECONDS));
            Thread execThread = threadOf(exec);
            CompletableFuture<Thread> continuedOn = new CompletableFuture<>();
            done.thenRun(() -> continuedOn.complete(Thread.currentThread()));
            task.ready.set(true);
            task.wake();
            assertEquals(null, done.get(5, TimeUnit.SECONDS));
            assertTrue(handle.isDone());
            assertSame(execThread, continuedOn.get(5, TimeUnit.SECONDS), "the end's actions run on the task's Exec");
            assertFalse(handle.cancel(), "an ended task cannot be cancelled");
            assertEquals(0, task.cancels.get());
        }
    }

    @Test
    void askingForTheEndAfterTheTaskEndedStillCompletes() throws Exception {
        try (Exec exec = small().build()) {
            Flagged task = new Flagged();
            task.ready.set(true);
            TaskHandle handle = exec.spawn(task);
            AsyncTaskTest.drain(exec);
            assertTrue(handle.isDone(), "the end is visible without a promise");
            handle.done().get(5, TimeUnit.SECONDS);
        }
        Flagged late = new Flagged();
        late.ready.set(true);
        Exec exec = small().build();
        TaskHandle handle = exec.spawn(late);
        exec.close();
        handle.done().get(5, TimeUnit.SECONDS); // asked only after the Exec terminated: completed late
    }

    @Test
    void aPollThatThrowsFailsTheHandleAndStillReachesTheErrorHandler() throws Exception {
        CompletableFuture<Throwable> handled = new CompletableFuture<>();
        try (Exec exec = small().errorHandler((e, task, error) -> handled.complete(error)).build()) {
            Flagged task = new Flagged();
            IllegalStateException boom = new IllegalStateException("boom");
            task.toThrow = boom;
            TaskHandle handle = exec.spawn(task);
            ExecutionException failed = assertThrows(ExecutionException.class,
                () -> handle.done().get(5, TimeUnit.SECONDS));
            assertSame(boom, failed.getCause());
            assertSame(boom, handled.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void cancelFromAnotherThreadRunsOnCancelOnceOnTheTasksExecAndStopsPolling() throws Exception {
        try (Exec exec = small().build()) {
            Flagged task = new Flagged();
            TaskHandle handle = exec.spawn(task);
            assertTrue(task.firstPoll.await(5, TimeUnit.SECONDS));
            Thread execThread = threadOf(exec);
            assertTrue(handle.cancel(), "the first cancel decides");
            assertFalse(handle.cancel(), "and only the first");
            assertThrows(CancellationException.class, () -> handle.done().get(5, TimeUnit.SECONDS));
            AsyncTaskTest.drain(exec);
            assertEquals(1, task.cancels.get());
            assertSame(execThread, task.cancelledOn, "onCancel ran on the task's own Exec");
            int polls = task.polls.get();
            task.ready.set(true);
            task.wake();
            AsyncTaskTest.drain(exec);
            assertEquals(polls, task.polls.get(), "a cancelled task is never polled again");
            assertTrue(task.isDone());
        } // and the close does not wait for the cancelled task
    }

    @Test
    void aTaskCancelledBeforeItsFirstPollIsNeverPolled() throws Exception {
        try (Exec exec = small().build()) {
            Gate gate = Gate.hold(exec); // the spawn's entry waits behind the gate
            Flagged task = new Flagged();
            TaskHandle handle = exec.spawn(task);
            assertTrue(handle.cancel());
            gate.open();
            assertThrows(CancellationException.class, () -> handle.done().get(5, TimeUnit.SECONDS));
            AsyncTaskTest.drain(exec);
            assertEquals(0, task.polls.get(), "decided before its first poll began: never polled");
            assertEquals(1, task.cancels.get());
        }
    }

    @Test
    void cancelOnTheTasksOwnExecAndFromItsOwnPollTakesEffectAfterThePoll() throws Exception {
        try (Exec exec = small().build()) {
            AtomicInteger polls = new AtomicInteger();
            AtomicInteger cancels = new AtomicInteger();
            CompletableFuture<TaskHandle> self = new CompletableFuture<>();
            AsyncTask selfCancelling = new AsyncTask() {
                @Override
                protected boolean poll() {
                    polls.incrementAndGet();
                    assertTrue(self.join().cancel());
                    wake(); // would poll again: the cancel wins
                    return false;
                }

                @Override
                protected void onCancel() {
                    cancels.incrementAndGet();
                }
            };
            Promise<TaskHandle> spawned = exec.submit(() -> {
                TaskHandle h = exec.spawn(selfCancelling); // the owner's local spawn
                self.complete(h);
                return h;
            });
            TaskHandle handle = spawned.get(5, TimeUnit.SECONDS);
            assertThrows(CancellationException.class, () -> handle.done().get(5, TimeUnit.SECONDS));
            AsyncTaskTest.drain(exec);
            assertEquals(1, polls.get());
            assertEquals(1, cancels.get());
        }
    }

    @Test
    void shutdownNowCancelsTheTaskAndCompletesItsHandle() throws Exception {
        Exec exec = small().build();
        Flagged suspended = new Flagged();
        TaskHandle a = exec.spawn(suspended);
        assertTrue(suspended.firstPoll.await(5, TimeUnit.SECONDS));
        Promise<Void> aDone = a.done(); // asked for before the stop
        Gate gate = Gate.hold(exec);
        Flagged queued = new Flagged();
        TaskHandle b = exec.spawn(queued); // in the ring when the stop comes
        CompletableFuture<List<Runnable>> back = exec.shutdownNow();
        gate.open();
        back.get(5, TimeUnit.SECONDS);
        assertThrows(CancellationException.class, () -> aDone.get(5, TimeUnit.SECONDS));
        assertThrows(CancellationException.class, () -> b.done().get(5, TimeUnit.SECONDS), "asked after the stop");
        assertEquals(1, suspended.cancels.get());
        assertEquals(1, queued.cancels.get());
        assertEquals(0, queued.polls.get());
    }

    @Test
    void aTimeoutOnTheHandlesPromiseCancelsTheTask() throws Exception {
        try (Exec exec = small().build()) {
            Flagged task = new Flagged();
            TaskHandle handle = exec.spawn(task);
            assertTrue(task.firstPoll.await(5, TimeUnit.SECONDS));
            handle.done().orTimeout(20, TimeUnit.MILLISECONDS);
            ExecutionException failed = assertThrows(ExecutionException.class,
                () -> handle.done().get(5, TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof TimeoutException, String.valueOf(failed.getCause()));
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                 task.cancels.get() == 0 && System.nanoTime() < deadline; ) {
                Thread.sleep(1);
            }
            assertEquals(1, task.cancels.get(), "the decided timeout stopped the task on its Exec");
        }
    }

    @Test
    void groupSpawnsReturnHandlesAndAKeyedSpawnRunsOnTheKeysExecInKeyOrder() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .execSettings(small()).build()) {
            Flagged any = new Flagged();
            any.ready.set(true);
            group.spawn(any).done().get(5, TimeUnit.SECONDS);

            for (long key = 0; key < 8; key++) {
                Exec owner = group.execFor(key);
                Thread ownerThread = threadOf(owner);
                List<Integer> order = new ArrayList<>(); // touched only on the key's Exec
                CompletableFuture<Thread> polledOn = new CompletableFuture<>();
                group.execute(key, () -> order.add(1));
                TaskHandle h = group.spawn(key, new AsyncTask() {
                    @Override
                    protected boolean poll() {
                        polledOn.complete(Thread.currentThread());
                        order.add(2);
                        return true;
                    }
                });
                group.execute(key, () -> order.add(3));
                h.done().get(5, TimeUnit.SECONDS);
                assertSame(owner, h.exec());
                assertSame(ownerThread, polledOn.get(5, TimeUnit.SECONDS));
                assertEquals(List.of(1, 2, 3), owner.submit(() -> new ArrayList<>(order)).get(5, TimeUnit.SECONDS));
            }
            Flagged twice = new Flagged();
            TaskHandle first = group.spawn(3L, twice);
            assertThrows(IllegalStateException.class, () -> group.spawn(3L, twice));
            first.cancel(); // suspended for ever otherwise: the graceful close would wait for it
        }
    }

    /**
     * Cancel racing the task's own end, many times (bounded): exactly one of "ended on its own" and "onCancel ran",
     * never both or neither; the handle's outcome agrees with whoever won the promise's CAS; onCancel on the Exec.
     */
    @Test
    void cancelRacingCompletionDecidesOnceAndTheTaskEndsOnce() throws Exception {
        try (Exec exec = small().build()) {
            Thread execThread = threadOf(exec);
            CyclicBarrier start = new CyclicBarrier(2);
            int cancelWon = 0;
            int endWon = 0;
            for (int round = 0; round < 2_000; round++) {
                Flagged task = new Flagged();
                TaskHandle handle = exec.spawn(task);
                Promise<Void> done = round % 2 == 0 ? handle.done() : null; // half the rounds: promise made late
                assertTrue(task.firstPoll.await(5, TimeUnit.SECONDS));
                Thread finisher = new Thread(() -> {
                    await(start);
                    task.ready.set(true);
                    task.wake();
                });
                finisher.start();
                await(start);
                boolean cancelled = handle.cancel();
                finisher.join(5_000);
                Throwable outcome = null;
                try {
                    handle.done().get(5, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    outcome = e.getCause();
                } catch (CancellationException e) {
                    outcome = e;
                }
                AsyncTaskTest.drain(exec);
                assertEquals(1, task.cancels.get() + task.finishedOnItsOwn.get(),
                    "round " + round + ": ended once (cancels " + task.cancels.get() + ", own "
                        + task.finishedOnItsOwn.get() + ")");
                if (cancelled) {
                    cancelWon++;
                    assertTrue(outcome instanceof CancellationException, "round " + round + ": " + outcome);
                } else {
                    endWon++;
                    assertEquals(null, outcome, "round " + round);
                    assertEquals(1, task.finishedOnItsOwn.get(), "round " + round);
                }
                if (task.cancels.get() == 1) {
                    assertSame(execThread, task.cancelledOn);
                }
                assertTrue(done == null || done == handle.done());
            }
            assertEquals(2_000, cancelWon + endWon);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
