package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nursery semantics (smolscale): the body's exception cancels the children, each on its own Exec, and is the scope's
 * failure; per child, {@link Scope.Failure#PROPAGATE} (the default) or {@link Scope.Failure#IGNORE}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScopeNurseryTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static ExecGroup group(TaskErrorHandler handler) {
        return ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .execSettings(Exec.builder().name("nursery").daemon(true).errorHandler(handler)).build();
    }

    private static ExecGroup group() {
        return group(TaskErrorHandler.logging());
    }

    /** A key owned by the Exec at {@code index}. */
    private static long keyOf(ExecGroup group, int index) {
        for (long key = 0; ; key++) {
            if (group.indexFor(key) == index) {
                return key;
            }
        }
    }

    private static Thread threadOf(Exec exec) throws Exception {
        return exec.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
    }

    /** Waits (bounded) until {@code condition} holds, on a thread of its own, then runs {@code then}. */
    private static Thread when(BooleanSupplier condition, Runnable then) {
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
            then.run();
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Suspends after its first poll until cancelled (or woken after {@code ready}). */
    static final class Waiting extends AsyncTask {
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger cancels = new AtomicInteger();
        final CompletableFuture<Void> firstPoll = new CompletableFuture<>();
        volatile Thread polledOn;
        volatile Thread cancelledOn;
        volatile RuntimeException toThrow;

        @Override
        protected boolean poll() {
            polledOn = Thread.currentThread();
            polls.incrementAndGet();
            firstPoll.complete(null);
            if (toThrow != null) {
                throw toThrow;
            }
            return false;
        }

        @Override
        protected void onCancel() {
            cancelledOn = Thread.currentThread();
            cancels.incrementAndGet();
        }
    }

    @Test
    void theBodysExceptionCancelsEveryKindOfChildOnItsOwnExecAndIsWhatTheScopeThrows() throws Exception {
        try (ExecGroup group = group()) {
            long held = keyOf(group, 0);   // its Exec is held by a gate: children there have not run
            long running = keyOf(group, 1);
            Thread heldThread = threadOf(group.exec(0));
            Thread runningThread = threadOf(group.exec(1));
            Gate gate = Gate.hold(group.exec(0));
            AtomicInteger ran = new AtomicInteger();
            Waiting queuedTask = new Waiting();
            Waiting runningTask = new Waiting();
            List<Promise<String>> asyncChildren = new ArrayList<>();
            CompletableFuture<Thread> cancellationSeenOn = new CompletableFuture<>();
            IllegalStateException bodyFailure = new IllegalStateException("body");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> group.scope(scope -> {
                scope.spawn(running, runningTask);
                runningTask.firstPoll.get(5, TimeUnit.SECONDS); // running (suspended) on Exec 1
                for (int i = 0; i < 5; i++) {
                    scope.spawn(held, ran::incrementAndGet); // queued behind the gate
                }
                TaskHandle queuedHandle = scope.spawn(held, queuedTask);
                Promise<String> queuedBody = scope.spawn(held, () -> {
                    ran.incrementAndGet();
                    return CompletableFuture.completedFuture("ran");
                });
                Promise<String> waitingBody = scope.spawn(running, () -> new CompletableFuture<String>());
                waitingBody.whenComplete((v, t) -> cancellationSeenOn.complete(Thread.currentThread()));
                asyncChildren.add(queuedBody);
                asyncChildren.add(waitingBody);
                // open the gate once the cancellation was decided for both held async children: the scope
                // cancels its children one by one in a set's order, so one done child says nothing of the other
                when(() -> queuedBody.isDone() && queuedHandle.done().isDone(), gate::open);
                throw bodyFailure;
            }));
            assertSame(bodyFailure, thrown, "the scope fails with the body's exception");
            assertEquals(0, ran.get(), "children that had not run never run");
            for (Promise<String> child : asyncChildren) {
                assertThrows(CancellationException.class, child::join);
            }
            assertSame(runningThread, cancellationSeenOn.get(5, TimeUnit.SECONDS),
                "a promise child's cancellation reaches its actions on its own Exec");
            assertEquals(0, queuedTask.polls.get(), "an AsyncTask child cancelled before its first poll: never polled");
            assertEquals(1, queuedTask.cancels.get());
            assertSame(heldThread, queuedTask.cancelledOn);
            assertEquals(1, runningTask.cancels.get(), "a running AsyncTask child is cancelled");
            assertSame(runningThread, runningTask.cancelledOn, "on its own Exec");
        } // and the group closes: no cancelled child holds an Exec open
    }

    @Test
    void failInATryWithResourcesBlockDoesWhatTheBodyFormDoes() throws Exception {
        try (ExecGroup group = group()) {
            Waiting task = new Waiting();
            IllegalArgumentException cause = new IllegalArgumentException("validation");
            Scope scope = group.scope();
            TaskHandle handle = scope.spawn(task);
            task.firstPoll.get(5, TimeUnit.SECONDS);
            scope.fail(cause);
            assertThrows(CancellationException.class, () -> handle.done().get(5, TimeUnit.SECONDS));
            assertSame(cause, assertThrows(IllegalArgumentException.class, () -> scope.close(PATIENCE)));
            assertEquals(1, task.cancels.get());
            scope.fail(new IllegalStateException("late")); // the scope has finished: nothing changes
            assertSame(cause, assertThrows(IllegalArgumentException.class, () -> scope.close(PATIENCE)));
        }
    }

    @Test
    void theBodysExceptionIsThrownWithChildFailuresSuppressedIntoIt() throws Exception {
        try (ExecGroup group = group()) {
            CompletableFuture<Void> childFailed = new CompletableFuture<>();
            Exception checked = new Exception("checked, from the body");
            Exception thrown = assertThrows(Exception.class, () -> group.scope(scope -> {
                scope.spawn((Runnable) () -> {
                    childFailed.complete(null);
                    throw new IllegalStateException("child");
                });
                childFailed.get(5, TimeUnit.SECONDS);
                for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                     scope.pending() > 0 && System.nanoTime() < deadline; ) {
                    Thread.sleep(1); // the child's failure is recorded once it is no longer pending
                }
                throw checked;
            }));
            assertSame(checked, thrown, "the body's exception, not the earlier child failure");
            assertEquals(1, thrown.getSuppressed().length);
            assertEquals("child", thrown.getSuppressed()[0].getMessage());
        }
    }

    @Test
    void aBodyThatThrowsNothingIsAPlainScopeAndTheBodyFormIsRefusedOnAnExec() throws Exception {
        try (ExecGroup group = group()) {
            AtomicInteger ran = new AtomicInteger();
            group.scope(scope -> {
                for (int i = 0; i < 100; i++) {
                    scope.spawn(ran::incrementAndGet);
                }
            });
            assertEquals(100, ran.get());
            AtomicInteger bodies = new AtomicInteger();
            Promise<Throwable> onExec = group.exec(0).submit(() -> {
                try {
                    group.scope(scope -> bodies.incrementAndGet());
                    return null;
                } catch (BlockingOperationException refused) {
                    return refused;
                }
            });
            assertTrue(onExec.get(5, TimeUnit.SECONDS) instanceof BlockingOperationException);
            assertEquals(0, bodies.get(), "refused before the body ran");
        }
    }

    @Test
    void aPropagatingAsyncTaskFailureFailsTheScopeAndCancelsARunningSiblingOnItsExec() throws Exception {
        try (ExecGroup group = group()) {
            Waiting sibling = new Waiting();
            Waiting failing = new Waiting();
            IllegalStateException boom = new IllegalStateException("poll failed");
            failing.toThrow = boom;
            Scope scope = group.scope();
            scope.spawn(keyOf(group, 1), sibling);
            sibling.firstPoll.get(5, TimeUnit.SECONDS);
            Thread siblingThread = threadOf(group.exec(1));
            TaskHandle failed = scope.spawn(Scope.Failure.PROPAGATE, keyOf(group, 0), failing);
            assertSame(boom, assertThrows(IllegalStateException.class, () -> scope.close(PATIENCE)));
            assertSame(boom, assertThrows(ExecutionException.class,
                () -> failed.done().get(5, TimeUnit.SECONDS)).getCause());
            assertEquals(1, sibling.cancels.get());
            assertSame(siblingThread, sibling.cancelledOn);
        }
    }

    @Test
    void ignoredFailuresGoWhereTheyWouldWithoutAScopeAndTheScopeGoesOn() throws Exception {
        List<Throwable> handled = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecGroup group = group((exec, task, error) -> handled.add(error))) {
            AtomicInteger siblingsRan = new AtomicInteger();
            IllegalStateException runnableFailure = new IllegalStateException("runnable");
            IllegalStateException bodyFailure = new IllegalStateException("async body");
            IllegalStateException pollFailure = new IllegalStateException("poll");
            Waiting failingTask = new Waiting();
            failingTask.toThrow = pollFailure;
            long errorsBefore = group.exec(0).taskErrors() + group.exec(1).taskErrors();
            Promise<String> body;
            TaskHandle task;
            try (Scope scope = group.scope()) {
                scope.spawn(Scope.Failure.IGNORE, (Runnable) () -> {
                    throw runnableFailure;
                });
                body = scope.spawn(Scope.Failure.IGNORE, () -> CompletableFuture.<String>failedFuture(bodyFailure));
                task = scope.spawn(Scope.Failure.IGNORE, failingTask);
                for (int i = 0; i < 50; i++) {
                    scope.spawn(siblingsRan::incrementAndGet); // not cancelled: nothing propagated
                }
            } // close returns normally
            assertEquals(50, siblingsRan.get());
            assertSame(bodyFailure, assertThrows(ExecutionException.class, () -> body.get(5, TimeUnit.SECONDS))
                .getCause(), "an ignored async child's failure is its promise's");
            assertSame(pollFailure, assertThrows(ExecutionException.class,
                () -> task.done().get(5, TimeUnit.SECONDS)).getCause(), "an ignored task's failure is its handle's");
            assertTrue(handled.contains(runnableFailure), "an ignored Runnable's failure went to the error handler "
                + "before the scope finished: " + handled);
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                 !handled.contains(pollFailure) && System.nanoTime() < deadline; ) {
                Thread.sleep(1); // the failed poll reaches the handler just after its handle
            }
            assertTrue(handled.contains(pollFailure), "a failed poll reaches the error handler as ever");
            assertFalse(handled.contains(bodyFailure), "a failed promise is not a failed task");
            long errorsAfter = group.exec(0).taskErrors() + group.exec(1).taskErrors();
            assertEquals(2, errorsAfter - errorsBefore, "the Runnable's and the poll's failures are counted");
        }
    }

    @Test
    void ignoringChildrenAreStillCancelledWhenTheScopeFails() throws Exception {
        try (ExecGroup group = group()) {
            Waiting ignoring = new Waiting();
            Scope scope = group.scope();
            TaskHandle handle = scope.spawn(Scope.Failure.IGNORE, ignoring);
            Promise<String> ignoringBody = scope.spawn(Scope.Failure.IGNORE, () -> new CompletableFuture<String>());
            ignoring.firstPoll.get(5, TimeUnit.SECONDS);
            scope.spawn((Runnable) () -> {
                throw new IllegalStateException("propagated");
            });
            assertEquals("propagated",
                assertThrows(IllegalStateException.class, () -> scope.close(PATIENCE)).getMessage());
            assertThrows(CancellationException.class, ignoringBody::join);
            assertThrows(CancellationException.class, () -> handle.done().get(5, TimeUnit.SECONDS));
            assertEquals(1, ignoring.cancels.get());
        }
    }

    @Test
    void aFailurePolicyIsRequired() throws Exception {
        try (ExecGroup group = group()) {
            Scope scope = group.scope();
            NullPointerException npe = assertThrows(NullPointerException.class,
                () -> scope.spawn((Scope.Failure) null, () -> { }));
            assertTrue(npe.getMessage().contains("onFailure"), npe.getMessage());
            assertEquals(0, scope.pending(), "nothing was counted");
            scope.close(PATIENCE);
        }
    }
}
