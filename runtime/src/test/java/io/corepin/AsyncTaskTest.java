package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The low-level task model: polling, merged wakes, wakes from any thread, yield, fairness, close accounting. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AsyncTaskTest {

    private static Exec.Builder small() {
        return Exec.builder().name("async-test").daemon(true);
    }

    /** Finishes once {@code ready} is set; counts its polls and records the thread each ran on. */
    static final class WaitForFlag extends AsyncTask {
        final AtomicInteger polls = new AtomicInteger();
        final AtomicBoolean ready = new AtomicBoolean();
        final CountDownLatch finished = new CountDownLatch(1);
        final CountDownLatch firstPoll = new CountDownLatch(1);
        final CountDownLatch cancelled = new CountDownLatch(1);
        volatile Thread ranOn;

        @Override
        protected boolean poll() {
            ranOn = Thread.currentThread();
            polls.incrementAndGet();
            boolean done = ready.get();
            if (done) {
                finished.countDown();
            }
            firstPoll.countDown(); // after the decision: a test that sets `ready` now needs a wake
            return done;
        }

        @Override
        protected void onCancel() {
            cancelled.countDown();
        }
    }

    @Test
    void aTaskIsPolledOnItsExecAndFinishesWhenWokenAfterItsConditionHolds() throws Exception {
        try (Exec exec = small().build()) {
            WaitForFlag task = new WaitForFlag();
            exec.spawn(task);
            assertTrue(task.firstPoll.await(10, TimeUnit.SECONDS));
            assertSame(exec, task.exec());
            assertEquals(exec.threadId(), task.ranOn.getId());
            task.ready.set(true);
            task.wake(); // from the test thread: a cross-thread wake through the ring
            assertTrue(task.finished.await(10, TimeUnit.SECONDS));
            assertEquals(2, task.polls.get());
        }
    }

    @Test
    void manyCrossThreadWakesBeforeThePollAreMergedIntoOnePoll() throws Exception {
        try (Exec exec = small().build()) {
            WaitForFlag task = new WaitForFlag();
            exec.spawn(task);
            assertTrue(task.firstPoll.await(10, TimeUnit.SECONDS));
            Gate gate = Gate.hold(exec); // the Exec is busy: wakes pile up
            try {
                int depthBefore = exec.depth(); // the slots of the gate's burst, released when it ends
                task.ready.set(true);
                for (int i = 0; i < 1000; i++) {
                    task.wake();
                }
                assertEquals(depthBefore + 1, exec.depth(), "1000 wakes enqueued one ring entry");
            } finally {
                gate.open();
            }
            assertTrue(task.finished.await(10, TimeUnit.SECONDS));
            drain(exec);
            assertEquals(2, task.polls.get(), "spawn poll + one poll for 1000 wakes");
        }
    }

    @Test
    void ownerThreadWakesAreMergedToo() throws Exception {
        try (Exec exec = small().build()) {
            WaitForFlag task = new WaitForFlag();
            CountDownLatch woken = new CountDownLatch(1);
            exec.execute(() -> {
                exec.spawn(task);     // local: first poll queued
                task.wake();          // merged with the spawn's queued poll
                task.wake();
                woken.countDown();
            });
            assertTrue(woken.await(10, TimeUnit.SECONDS));
            assertTrue(task.firstPoll.await(10, TimeUnit.SECONDS));
            drain(exec);
            assertEquals(1, task.polls.get());
            exec.execute(() -> {
                task.ready.set(true);
                for (int i = 0; i < 10; i++) {
                    task.wake();
                }
            });
            assertTrue(task.finished.await(10, TimeUnit.SECONDS));
            drain(exec);
            assertEquals(2, task.polls.get());
        }
    }

    @Test
    void aWakeDuringThePollCausesOneMorePollSoNothingIsMissed() throws Exception {
        try (Exec exec = small().build()) {
            CountDownLatch inPoll = new CountDownLatch(1);
            CountDownLatch woke = new CountDownLatch(1);
            AtomicInteger polls = new AtomicInteger();
            CountDownLatch finished = new CountDownLatch(1);
            AsyncTask task = new AsyncTask() {
                @Override
                protected boolean poll() {
                    int n = polls.incrementAndGet();
                    if (n == 1) {
                        inPoll.countDown();
                        await(woke); // another thread wakes us while we are being polled
                        return false;
                    }
                    finished.countDown();
                    return true;
                }
            };
            exec.spawn(task);
            assertTrue(inPoll.await(10, TimeUnit.SECONDS));
            task.wake();
            woke.countDown();
            assertTrue(finished.await(10, TimeUnit.SECONDS), "the wake during the poll was not lost");
            assertEquals(2, polls.get());
        }
    }

    @Test
    void wakesAfterCompletionAreNoOps() throws Exception {
        try (Exec exec = small().build()) {
            WaitForFlag task = new WaitForFlag();
            task.ready.set(true);
            task.wake(); // before spawn: no-op
            exec.spawn(task);
            assertTrue(task.finished.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 100; i++) {
                task.wake();
            }
            exec.execute(task::wake); // and on the owner
            drain(exec);
            assertEquals(1, task.polls.get());
            assertTrue(task.isDone());
            assertThrows(IllegalStateException.class, () -> exec.spawn(task), "spawned twice");
        }
    }

    @Test
    void yieldingRequeuesBehindWorkAlreadyQueued() throws Exception {
        try (Exec exec = small().build()) {
            StringBuffer order = new StringBuffer();
            CountDownLatch done = new CountDownLatch(1);
            exec.execute(() -> {
                exec.spawn(new AsyncTask() {
                    int step;

                    @Override
                    protected boolean poll() {
                        order.append('T').append(step);
                        if (step++ < 2) {
                            wake(); // yield
                            return false;
                        }
                        done.countDown();
                        return true;
                    }
                });
                exec.execute(() -> order.append('a'));
                exec.execute(() -> order.append('b'));
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals("T0abT1T2", order.toString());
        }
    }

    @Test
    void ringWorkRunsWithinABoundedNumberOfLocalRunsWhileLocalTasksYieldForever() throws Exception {
        AtomicLong localRuns = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        try (Exec exec = small().turn(32, 64).build()) {
            exec.execute(() -> {
                for (int i = 0; i < 100; i++) {
                    exec.spawn(new AsyncTask() {
                        @Override
                        protected boolean poll() {
                            localRuns.lazySet(localRuns.get() + 1); // owner-only writer
                            if (stop.get()) {
                                return true;
                            }
                            wake(); // yield forever
                            return false;
                        }
                    });
                }
            });
            long worst = 0;
            for (int round = 0; round < 200; round++) {
                AtomicLong seenAt = new AtomicLong(-1);
                CountDownLatch ran = new CountDownLatch(1);
                exec.execute(() -> {
                    seenAt.set(localRuns.get());
                    ran.countDown();
                });
                long before = localRuns.get(); // read after the task is in the ring: only ever under-counts the wait
                assertTrue(ran.await(10, TimeUnit.SECONDS), "external task starved in round " + round);
                worst = Math.max(worst, seenAt.get() - before);
            }
            stop.set(true);
            // One turn runs at most 64 local tasks, and the ring is drained at the start of every turn; the
            // submit may land just after a turn's drain, so at most two turns' worth of local runs can pass.
            assertTrue(worst <= 2 * 64, "external task waited for " + worst + " local runs");
        }
    }

    @Test
    void shutdownNowCancelsSuspendedTasksAndHandsBackOnlyPlainRunnables() throws Exception {
        Exec exec = small().build();
        WaitForFlag suspended = new WaitForFlag();
        exec.spawn(suspended);
        assertTrue(suspended.firstPoll.await(10, TimeUnit.SECONDS));
        Gate gate = Gate.hold(exec);
        WaitForFlag neverPolled = new WaitForFlag();
        exec.spawn(neverPolled); // sits in the ring behind the gate
        Runnable plain = () -> { };
        exec.execute(plain);
        suspended.wake();        // a wake entry in the ring too
        var handedBack = exec.shutdownNow();
        gate.open();
        List<Runnable> back = handedBack.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(plain), back);
        assertTrue(suspended.cancelled.await(1, TimeUnit.SECONDS), "suspended task cancelled");
        assertTrue(neverPolled.cancelled.await(1, TimeUnit.SECONDS), "queued task cancelled");
        assertEquals(1, suspended.polls.get());
        assertEquals(0, neverPolled.polls.get());
        suspended.wake(); // after termination: no-op, no exception
        assertTrue(exec.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> exec.spawn(new WaitForFlag()));
    }

    @Test
    void gracefulShutdownWaitsForSuspendedTasksAndTheirWakesStillArrive() throws Exception {
        Exec exec = small().build();
        WaitForFlag task = new WaitForFlag();
        exec.spawn(task);
        assertTrue(task.firstPoll.await(10, TimeUnit.SECONDS));
        exec.shutdown(); // the ring is closed now
        assertFalse(exec.awaitTermination(100, TimeUnit.MILLISECONDS), "waits for the suspended task");
        task.ready.set(true);
        task.wake();     // the ring is closed: the wake goes through the overflow queue
        assertTrue(task.finished.await(10, TimeUnit.SECONDS));
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(0, task.cancelled.getCount() == 0 ? 1 : 0, "finished, not cancelled");
        assertEquals(List.of(), exec.shutdownNow().get(1, TimeUnit.SECONDS));
    }

    @Test
    void aPollThatThrowsEndsTheTaskAndIsCountedNotFatal() throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        try (Exec exec = small().errorHandler((e, task, error) -> seen.set(error)).build()) {
            AtomicInteger polls = new AtomicInteger();
            AsyncTask task = new AsyncTask() {
                @Override
                protected boolean poll() {
                    polls.incrementAndGet();
                    throw new IllegalStateException("boom");
                }
            };
            exec.spawn(task);
            drain(exec);
            task.wake();
            drain(exec);
            assertEquals(1, polls.get());
            assertTrue(task.isDone());
            assertEquals("boom", seen.get().getMessage());
            assertEquals(1, exec.taskErrors());
        }
    }

    @Test
    void crossThreadWakesFromManyThreadsNeverLoseTheLastWake() throws Exception {
        try (Exec exec = small().build()) {
            final int producers = 2;
            final int perProducer = 20_000;
            AtomicLong sent = new AtomicLong();
            CountDownLatch finished = new CountDownLatch(1);
            AsyncTask counter = new AsyncTask() {
                @Override
                protected boolean poll() {
                    if (sent.get() == (long) producers * perProducer) {
                        finished.countDown();
                        return true;
                    }
                    return false;
                }
            };
            exec.spawn(counter);
            Thread[] threads = new Thread[producers];
            for (int p = 0; p < producers; p++) {
                threads[p] = new Thread(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        sent.incrementAndGet();
                        counter.wake();
                    }
                });
                threads[p].start();
            }
            for (Thread t : threads) {
                t.join(20_000);
            }
            assertTrue(finished.await(10, TimeUnit.SECONDS), "the task saw every increment");
        }
    }

    /** Waits until everything queued on {@code exec} before this call has run. */
    static void drain(Exec exec) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        exec.execute(() -> exec.execute(done::countDown)); // behind the ring burst, then behind local work
        assertTrue(done.await(10, TimeUnit.SECONDS));
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
