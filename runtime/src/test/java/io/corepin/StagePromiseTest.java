package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code spawn(body)} whose body returns a pending {@link Promise} of the same Exec: the spawn's promise waits as an
 * action attached to that promise and as the entry of its waiting task (see {@link StagePromise}); it behaves as
 * every other pending stage does — outcome, failure, graceful close waiting for it, shutdownNow cancelling it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StagePromiseTest {

    private static Exec.Builder small() {
        return Exec.builder().name("stage-promise-test").daemon(true);
    }

    /** The pending promise of {@code exec} that bodies return, made on the Exec. */
    private static Promise<String> gateOn(Exec exec) throws Exception {
        return exec.submit(() -> new Promise<String>(exec)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSameExecPendingPromisesValueAndFailureReachTheSpawnsPromise() throws Exception {
        try (Exec exec = small().build()) {
            Promise<String> gate = gateOn(exec);
            Promise<String> value = exec.spawn(() -> gate);
            Promise<Integer> derived = exec.spawn(() -> gate.thenApply(String::length));
            AsyncTaskTest.drain(exec);
            assertFalse(value.isDone(), "waits for the gate");
            gate.complete("four"); // from the test thread: the gate fires on the owner
            assertEquals("four", value.get(10, TimeUnit.SECONDS));
            assertEquals(4, derived.get(10, TimeUnit.SECONDS));

            Promise<String> failing = gateOn(exec);
            Promise<String> failed = exec.spawn(() -> failing);
            AsyncTaskTest.drain(exec);
            IOException disk = new IOException("disk");
            failing.completeExceptionally(disk);
            CompletionException e = assertThrows(CompletionException.class, failed::join);
            assertSame(disk, e.getCause());

            // pending when the body returns, complete (fired) when the waiting task attaches in its first poll
            Promise<String> soon = exec.spawn(() -> {
                Promise<String> q = new Promise<>(exec);
                exec.execute(() -> q.complete("soon")); // queued before the waiting task's first poll
                return q;
            });
            assertEquals("soon", soon.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aGracefulCloseWaitsForTheStageAndShutdownNowCancelsTheSpawn() throws Exception {
        Exec exec = small().build();
        Promise<String> gate = gateOn(exec);
        Promise<String> p = exec.spawn(() -> gate);
        AsyncTaskTest.drain(exec);
        exec.shutdown();
        assertFalse(exec.awaitTermination(100, TimeUnit.MILLISECONDS), "the waiting spawn is unfinished work");
        gate.complete("late");
        assertEquals("late", p.get(10, TimeUnit.SECONDS));
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));

        Exec now = small().build();
        Promise<String> never = gateOn(now);
        Promise<String> cancelled = now.spawn(() -> never);
        AsyncTaskTest.drain(now);
        now.shutdownNow().get(10, TimeUnit.SECONDS);
        assertThrows(CancellationException.class, cancelled::join);
        assertTrue(now.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void cancellingTheSpawnsPromiseEndsTheWaitAndALaterGateIsHarmless() throws Exception {
        Exec exec = small().build();
        Promise<String> gate = gateOn(exec);
        Promise<String> p = exec.spawn(() -> gate);
        AsyncTaskTest.drain(exec);
        assertTrue(p.cancel(false)); // wakes its waiting task, which sees it done and ends
        exec.shutdown();
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS), "nothing waits for the gate any more");
        assertThrows(CancellationException.class, p::join);
        assertFalse(gate.isDone());
    }
}
