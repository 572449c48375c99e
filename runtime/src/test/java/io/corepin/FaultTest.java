package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tasks that misbehave: the Exec survives each fault, counts it ({@link Exec#taskErrors()}), hands the throwable to
 * its {@link TaskErrorHandler}, and keeps running the tasks behind it in order.
 *
 * <p>{@link OutOfMemoryError} policy (see {@link Exec}): treated like any other throwable — counted, handed to the
 * handler, and the Exec goes on; the task that hit it is lost, as any failed allocation is. A service that prefers to
 * die on OOM runs with {@code -XX:+ExitOnOutOfMemoryError}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultTest {

    /** Records what the handler saw, on the Exec's thread. */
    private static final class Recorder implements TaskErrorHandler {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<Runnable> tasks = new CopyOnWriteArrayList<>();

        @Override
        public void onError(Exec exec, Runnable task, Throwable error) {
            assertSame(exec, Exec.current(), "the handler runs on the failed task's Exec");
            tasks.add(task);
            errors.add(error);
        }
    }

    private static Exec.Builder exec(TaskErrorHandler handler) {
        return Exec.builder().name("fault").daemon(true).errorHandler(handler);
    }

    /** Submits {@code faulty}, then 100 counted tasks, and checks the Exec ran them all in order after the fault. */
    private static void survives(Exec exec, Runnable faulty) throws InterruptedException {
        List<Integer> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(100);
        exec.execute(faulty);
        for (int i = 0; i < 100; i++) {
            final int n = i;
            exec.execute(() -> {
                order.add(n);
                done.countDown();
            });
        }
        assertTrue(done.await(10, TimeUnit.SECONDS), "the Exec kept running after " + faulty);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, order.get(i));
        }
    }

    private static int recurse(int depth) {
        return depth == Integer.MAX_VALUE ? depth : recurse(depth + 1) + 1;
    }

    @Test
    void runtimeExceptionIsCountedAndHandled() throws Exception {
        Recorder recorder = new Recorder();
        try (Exec exec = exec(recorder).build()) {
            Runnable boom = () -> {
                throw new IllegalStateException("boom");
            };
            survives(exec, boom);
            assertEquals(1, exec.taskErrors());
            assertSame(boom, recorder.tasks.get(0));
            assertEquals("boom", recorder.errors.get(0).getMessage());
        }
    }

    @Test
    void realStackOverflowIsCountedAndHandled() throws Exception {
        Recorder recorder = new Recorder();
        try (Exec exec = exec(recorder).build()) {
            survives(exec, () -> recurse(0));
            survives(exec, () -> recurse(0)); // and again: the thread's stack is usable after the first one
            assertEquals(2, exec.taskErrors());
            assertTrue(recorder.errors.get(0) instanceof StackOverflowError, recorder.errors.toString());
            assertTrue(recorder.errors.get(1) instanceof StackOverflowError, recorder.errors.toString());
        }
    }

    /** A real OutOfMemoryError (an array larger than the VM allows) is handled like any other error. */
    @Test
    void outOfMemoryErrorIsCountedHandledAndTheExecGoesOn() throws Exception {
        Recorder recorder = new Recorder();
        try (Exec exec = exec(recorder).build()) {
            survives(exec, () -> {
                long[] huge = new long[Integer.MAX_VALUE]; // "Requested array size exceeds VM limit" or "Java heap space"
                huge[0] = 1;
            });
            assertEquals(1, exec.taskErrors());
            assertTrue(recorder.errors.get(0) instanceof OutOfMemoryError, recorder.errors.toString());
        }
    }

    /** An interrupt a task leaves on its thread is not an error; later tasks run, and the Exec does not spin. */
    @Test
    void interruptLeftByATaskIsNotAnErrorAndTheExecGoesOn() throws Exception {
        Recorder recorder = new Recorder();
        try (Exec exec = exec(recorder).build()) {
            survives(exec, () -> Thread.currentThread().interrupt());
            assertEquals(0, exec.taskErrors());
            assertTrue(recorder.errors.isEmpty());
            Thread.sleep(100); // the Exec goes idle with the interrupt left on it
            long parks = exec.parks();
            Thread.sleep(200);
            assertTrue(exec.parks() - parks <= 2, "the stale interrupt was cleared before parking");
        }
    }

    @Test
    void errorHandlerThatThrowsIsCountedAndTheExecGoesOn() throws Exception {
        try (Exec exec = exec((e, task, error) -> {
            throw new IllegalStateException("handler broke");
        }).build()) {
            survives(exec, () -> {
                throw new StackOverflowError("task broke");
            });
            assertEquals(2, exec.taskErrors(), "the task's error and the handler's");
        }
    }

    /**
     * A task blocked forever (in an interruptible wait): close with a timeout — {@code shutdown},
     * {@code awaitTermination} runs out, {@code shutdownNow} — interrupts it and returns every task that did not
     * run, in order.
     */
    @Test
    void closeWithATimeoutInterruptsABlockedTaskAndReturnsTheUnrunTasks() throws Exception {
        Exec exec = exec(TaskErrorHandler.logging()).build();
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        exec.execute(() -> {
            blocked.countDown();
            try {
                new CountDownLatch(1).await(); // forever, unless interrupted
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        AtomicInteger ran = new AtomicInteger();
        List<Runnable> queued = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Runnable r = ran::incrementAndGet;
            queued.add(r);
            exec.execute(r);
        }
        exec.shutdown();
        assertFalse(exec.awaitTermination(200, TimeUnit.MILLISECONDS), "the blocked task holds the Exec");
        List<Runnable> unrun = exec.shutdownNow().get(10, TimeUnit.SECONDS);
        assertTrue(interrupted.get(), "shutdownNow interrupted the blocked task");
        assertEquals(queued, unrun);
        assertEquals(0, ran.get());
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));
    }

    /**
     * A task that ignores interrupts (here: a busy loop) cannot be taken off its thread: the hand-back completes
     * only when it returns, so the caller bounds its wait on the future. Nothing is lost either way.
     */
    @Test
    void anUninterruptibleTaskDelaysTheHandBackUntilItReturns() throws Exception {
        Exec exec = exec(TaskErrorHandler.logging()).build();
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch spinning = new CountDownLatch(1);
        exec.execute(() -> {
            spinning.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!release.get() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        });
        assertTrue(spinning.await(10, TimeUnit.SECONDS));
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            exec.execute(ran::incrementAndGet);
        }
        CompletableFuture<List<Runnable>> back = exec.shutdownNow();
        Thread.sleep(200);
        assertFalse(back.isDone(), "the hand-back waits for the running task");
        release.set(true);
        assertEquals(10, back.get(10, TimeUnit.SECONDS).size());
        assertEquals(0, ran.get());
    }
    /** A poller for the poller tests: {@code poll()} throws {@code failures} times, then counts quiet polls. */
    private static final class FailingPoller implements Poller {
        final AtomicInteger failuresLeft;
        final AtomicInteger quietPolls = new AtomicInteger();
        final RuntimeException failure = new IllegalStateException("poller broke");

        FailingPoller(int failures) {
            this.failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public int poll() {
            if (failuresLeft.getAndDecrement() > 0) {
                throw failure;
            }
            quietPolls.incrementAndGet();
            return 0;
        }

        @Override
        public void park(long nanos) {
            java.util.concurrent.locks.LockSupport.parkNanos(nanos <= 0 ? TimeUnit.MILLISECONDS.toNanos(1) : nanos);
        }

        @Override
        public void wakeup() {
        }
    }

    /** A throwing {@code Poller.poll()} is a counted, handled failure; the Exec keeps running and polling. */
    @Test
    void aPollerThatThrowsIsCountedHandledAndTheExecGoesOn() throws Exception {
        Recorder recorder = new Recorder();
        FailingPoller poller = new FailingPoller(3);
        try (Exec exec = exec(recorder).poller(() -> poller).build()) {
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (poller.quietPolls.get() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(poller.quietPolls.get() >= 5, "the Exec polls its poller again after it threw");
            assertFalse(exec.isShutdown());
            assertEquals(3, exec.taskErrors());
            assertEquals(List.of(poller.failure, poller.failure, poller.failure), recorder.errors);
            assertTrue(recorder.tasks.get(0).toString().contains("poll"), recorder.tasks.get(0).toString());
            survives(exec, () -> { });
        }
    }

    /**
     * {@code offerBurst} on the owner thread while the Exec finishes (here from an async task's {@code onCancel}
     * during {@code shutdownNow}) is refused like {@code offer}: no task accepted that would be neither run nor handed
     * back.
     */
    @Test
    void offerBurstFromTheOwnerWhileFinishingIsRefused() throws Exception {
        Exec exec = exec(TaskErrorHandler.logging()).build();
        AtomicInteger burstResult = new AtomicInteger(Integer.MIN_VALUE);
        AtomicInteger offerResult = new AtomicInteger(Integer.MIN_VALUE);
        AtomicInteger ran = new AtomicInteger();
        Runnable late = ran::incrementAndGet;
        exec.spawn(new AsyncTask() {
            @Override
            protected boolean poll() {
                return false; // suspended, never woken: shutdownNow cancels it
            }

            @Override
            protected void onCancel() {
                offerResult.set(exec.offer(late));
                burstResult.set(exec.offerBurst(new Runnable[] {late, late}, 0, 2));
            }
        });
        exec.submit(() -> null).get(10, TimeUnit.SECONDS); // polled once: live, suspended
        List<Runnable> back = exec.shutdownNow().get(10, TimeUnit.SECONDS);
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(Exec.CLOSED, offerResult.get());
        assertEquals(Exec.CLOSED, burstResult.get(), "offerBurst while finishing");
        assertEquals(List.of(), back);
        assertEquals(0, ran.get());
    }

    /**
     * {@code shutdownNow} with a {@code yieldNow} pending: the yield's promise completes (cancelled, as a spawn's body
     * is) instead of its internal entry being handed back as if it were the user's task.
     */
    @Test
    void shutdownNowCancelsAPendingYieldInsteadOfHandingItBack() throws Exception {
        Exec exec = exec(TaskErrorHandler.logging()).build();
        AtomicReference<Promise<Void>> yielded = new AtomicReference<>();
        CountDownLatch holding = new CountDownLatch(1);
        Runnable queued = () -> { };
        exec.execute(() -> {
            yielded.set(Exec.yieldNow());
            holding.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS); // until shutdownNow interrupts it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        exec.execute(queued);
        List<Runnable> back = exec.shutdownNow().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(queued), back, "only the user's task comes back");
        CancellationException e = assertThrows(CancellationException.class,
            () -> yielded.get().get(10, TimeUnit.SECONDS));
        assertTrue(Causes.messages(e).contains("fault"), Causes.messages(e));
    }

    /** {@code yieldNow} called while the Exec finishes (from {@code onCancel}) completes at once, cancelled. */
    @Test
    void yieldNowWhileFinishingCompletesAtOnce() throws Exception {
        Exec exec = exec(TaskErrorHandler.logging()).build();
        AtomicReference<Promise<Void>> yielded = new AtomicReference<>();
        exec.spawn(new AsyncTask() {
            @Override
            protected boolean poll() {
                return false;
            }

            @Override
            protected void onCancel() {
                yielded.set(Exec.yieldNow());
            }
        });
        exec.submit(() -> null).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), exec.shutdownNow().get(10, TimeUnit.SECONDS));
        assertThrows(CancellationException.class, () -> yielded.get().get(10, TimeUnit.SECONDS));
    }
    /**
     * Injected at a point that allocates in finish(): an entry of corepin's whose stop throws an OutOfMemoryError, and
     * an error handler that throws too. The Exec still terminates, counts both, and hands back the user's task.
     */
    @Test
    void aFailureWhileFinishingIsCountedAndTheExecStillTerminatesAndHandsBack() throws Exception {
        Exec exec = exec((e, task, error) -> {
            throw new OutOfMemoryError("handler cannot allocate");
        }).build();
        CountDownLatch holding = new CountDownLatch(1);
        Runnable user = () -> { };
        AtomicInteger stops = new AtomicInteger();
        exec.execute(() -> {
            exec.execute(new ExecEntry() { // owner thread: the local queue
                @Override
                public void run() {
                }

                @Override
                public Runnable onStop() {
                    stops.incrementAndGet();
                    throw new OutOfMemoryError("injected");
                }
            });
            exec.execute(user);
            holding.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(user), exec.shutdownNow().get(10, TimeUnit.SECONDS));
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(exec.isTerminated());
        assertEquals(1, stops.get());
        assertEquals(2, exec.taskErrors(), "the stop's error and the handler's");
    }
}
