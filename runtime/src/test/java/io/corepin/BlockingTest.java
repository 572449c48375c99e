package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exec.blocking: blocking work on the bounded pool, continuations back on the caller's Exec. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingTest {

    private static Exec.Builder small() {
        return Exec.builder().name("blocking-test").daemon(true);
    }

    @Test
    void blockingWorkRunsOffTheExecWhichKeepsWorkingAndTheContinuationResumesOnIt() throws Exception {
        try (Exec exec = small().build()) {
            CountDownLatch execWasFree = new CountDownLatch(1);
            AtomicReference<String> workThread = new AtomicReference<>();
            AtomicReference<Exec> resumedOn = new AtomicReference<>();
            CompletableFuture<Integer> result = exec.submit(() -> Exec.blocking(() -> {
                workThread.set(Thread.currentThread().getName());
                // blocks until a task runs on the Exec: only possible if the Exec is not blocked by this call
                assertTrue(execWasFree.await(10, TimeUnit.SECONDS), "the Exec stayed blocked");
                return 41;
            }).thenApply(v -> {
                resumedOn.set(Exec.current());
                return v + 1;
            })).get(10, TimeUnit.SECONDS);
            exec.execute(execWasFree::countDown);
            assertEquals(42, result.get(10, TimeUnit.SECONDS));
            assertTrue(workThread.get().startsWith("corepin-blocking-"), workThread.get());
            assertSame(exec, resumedOn.get());
            assertTrue(result instanceof Promise && ((Promise<?>) result).exec() == exec);
        }
    }

    @Test
    void aFailureCompletesThePromiseExceptionally() throws Exception {
        try (Exec exec = small().build()) {
            Promise<String> failed = Exec.blocking(exec, () -> {
                throw new IOException("disk gone");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException);
            assertEquals("disk gone", e.getCause().getMessage());
        }
    }

    @Test
    void callingFromANonExecThreadNeedsTheExecNamed() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Exec.blocking(() -> 1));
        assertTrue(e.getMessage().contains(Thread.currentThread().getName())
            && e.getMessage().contains("Exec.blocking(exec, work)"), e.getMessage());
        try (Exec exec = small().build()) {
            AtomicReference<Exec> on = new AtomicReference<>();
            assertEquals("ok", Exec.blocking(exec, () -> "ok").thenApply(v -> {
                on.set(Exec.current());
                return v;
            }).get(10, TimeUnit.SECONDS));
            assertSame(exec, on.get());
            assertThrows(NullPointerException.class, () -> Exec.blocking(exec, null));
        }
    }

    @Test
    void aSaturatedPoolRejectsAtOnceNamingItsSizes() throws Exception {
        BlockingPool pool = new BlockingPool("tiny-blocking", 1, 1);
        try (Exec exec = small().build()) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            Promise<Integer> first = pool.call(exec, () -> {
                running.countDown();
                release.await(10, TimeUnit.SECONDS);
                return 1;
            });
            assertTrue(running.await(10, TimeUnit.SECONDS));
            Promise<Integer> queued = pool.call(exec, () -> 2);
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class,
                () -> pool.call(exec, () -> 3));
            assertTrue(e.getMessage().contains("all 1 threads are busy")
                && e.getMessage().contains("1 calls are queued"), e.getMessage());
            release.countDown();
            assertEquals(1, first.get(10, TimeUnit.SECONDS));
            assertEquals(2, queued.get(10, TimeUnit.SECONDS));
        }
        assertThrows(IllegalArgumentException.class, () -> new BlockingPool("bad", 0, 1));
    }

    @Test
    void cancellingThePromiseInterruptsTheWork() throws Exception {
        try (Exec exec = small().build()) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            Promise<Void> call = Exec.blocking(exec, () -> {
                started.countDown();
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
                return null;
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertTrue(call.cancel(true));
            assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the blocking work was not interrupted");
            assertThrows(CancellationException.class, () -> call.get(10, TimeUnit.SECONDS));
            assertFalse(call.complete(null));
        }
    }
}
