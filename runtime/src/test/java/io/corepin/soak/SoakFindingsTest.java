package io.corepin.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.Exec;
import io.corepin.Promise;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the feature soaks found, each as a small deterministic reproduction (the soak's failure message names the
 * same invariant at random moments; these pin it down).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SoakFindingsTest {

    /**
     * Found by {@link PromiseSoak} (placement): built on X, {@code thenCompose} to Y then {@code thenApply} runs the
     * {@code thenApply} on Y's thread — the JDK's relay completes X's dependent stage there.
     */
    @Test
    void aContinuationAfterAThenComposeToAnotherExecRunsOnTheOwner() throws Exception {
        try (Exec x = Exec.builder().name("finding-x").daemon(true).build();
             Exec y = Exec.builder().name("finding-y").daemon(true).build()) {
            AtomicReference<CompletableFuture<Exec>> where = new AtomicReference<>();
            CountDownLatch built = new CountDownLatch(1);
            x.execute(() -> { // composed on X, as code running on an Exec does
                where.set(x.submit(() -> 1).thenCompose(v -> y.submit(() -> {
                    Thread.sleep(50); // Y completes after X has registered the relay (as a remote call does)
                    return v + 1;
                })).thenApply(v -> Exec.current()));
                built.countDown();
            });
            assertTrue(built.await(10, TimeUnit.SECONDS), "the chain was never built on " + x.name());
            Exec ranOn = where.get().get(10, TimeUnit.SECONDS);
            assertSame(x, ranOn, "thenApply of a promise owned by " + x.name() + " ran on "
                + (ranOn == null ? "a plain thread" : ranOn.name()));
        }
    }

    /**
     * Found by {@link TimerSoak} and {@link PromiseSoak} (hand-back, exactly-once): a continuation registered from
     * another thread ({@code whenComplete} → {@code whenCompleteAsync} on the owner) that is queued on the Exec when
     * {@code shutdownNow} stops it is handed back to the user as a {@code CompletableFuture$UniWhenComplete}, and the
     * stage it would complete never completes.
     */
    @Test
    void shutdownNowHandsBackNoInternalContinuationAndCompletesItsStage() throws Exception {
        Exec x = Exec.builder().name("finding-now").daemon(true).build();
        try {
            Promise<Integer> p = new Promise<>(x);
            CompletableFuture<Integer> after = p.whenComplete((v, e) -> { }); // registered off the owner
            CountDownLatch completed = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            x.execute(() -> {
                p.complete(1);         // on the owner: the continuation is queued behind this task
                completed.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // hold the Exec until shutdownNow (it interrupts us)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(completed.await(10, TimeUnit.SECONDS), "the completing task never ran");
            CompletableFuture<List<Runnable>> back = x.shutdownNow();
            release.countDown();
            List<Runnable> handed = back.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(), handed.stream().map(r -> r.getClass().getName()).toList(),
                "shutdownNow handed back internal entries (no user task was queued)");
            try {
                after.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | java.util.concurrent.CancellationException expected) {
                // completed (run or cancelled by the stop): either keeps the promise
            } catch (TimeoutException e) {
                throw new AssertionError("the whenComplete stage never completed after shutdownNow", e);
            }
        } finally {
            x.shutdownNow();
            assertTrue(x.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
