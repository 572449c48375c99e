package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Promises run their continuations on the owning Exec; spawn/submit/yieldNow/blockOn/runHere. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PromiseTest {

    private static Exec.Builder small() {
        return Exec.builder().name("promise-test").daemon(true);
    }

    @Test
    void completionFromAnotherThreadRunsContinuationsOnTheOwner() throws Exception {
        try (Exec exec = small().build()) {
            Promise<String> promise = new Promise<>(exec);
            AtomicReference<Exec> ranOn = new AtomicReference<>();
            CompletableFuture<String> next = promise.thenApply(v -> {
                ranOn.set(Exec.current());
                return v + "!";
            });
            assertTrue(next instanceof Promise, "dependents are promises of the same Exec");
            promise.complete("hi"); // test thread: hops to the owner
            assertEquals("hi!", next.get(10, TimeUnit.SECONDS));
            assertSame(exec, ranOn.get());
        }
    }

    @Test
    void continuationRegisteredOffThreadOnACompletedPromiseStillRunsOnTheOwner() throws Exception {
        try (Exec exec = small().build()) {
            Promise<Integer> promise = exec.submit(() -> 41);
            assertEquals(41, promise.get(10, TimeUnit.SECONDS));
            AtomicReference<Exec> ranOn = new AtomicReference<>();
            assertEquals(42, promise.thenApply(v -> {
                ranOn.set(Exec.current());
                return v + 1;
            }).get(10, TimeUnit.SECONDS));
            assertSame(exec, ranOn.get());
            AtomicReference<Exec> asyncOn = new AtomicReference<>();
            promise.thenRunAsync(() -> asyncOn.set(Exec.current())).get(10, TimeUnit.SECONDS);
            assertSame(exec, asyncOn.get(), "the default executor is the owner");
        }
    }

    @Test
    void spawnedBodyRunsOnTheExecAndItsStageCompletesThePromise() throws Exception {
        try (Exec exec = small().build(); Exec other = small().name("other").build()) {
            Promise<String> p = exec.spawn(() -> {
                assertSame(exec, Exec.current());
                // wait for work on another Exec: the body's stage completes there, the promise here
                return other.submit(() -> "from " + Exec.current().name());
            });
            assertEquals("from other", p.get(10, TimeUnit.SECONDS));
            Promise<String> failed = exec.submit(() -> {
                throw new IOException("disk");
            });
            CompletionException e = assertThrows(CompletionException.class, failed::join);
            assertTrue(e.getCause() instanceof IOException);
        }
    }

    @Test
    void spawnedBodyWhoseStageIsAlreadyCompleteCompletesThePromiseAsThatStageDid() throws Exception {
        try (Exec exec = small().build(); Exec other = small().name("other").build()) {
            assertEquals("now", exec.spawn(() -> CompletableFuture.completedFuture("now")).get(10, TimeUnit.SECONDS));
            assertEquals(null, exec.spawn(() -> CompletableFuture.<String>completedFuture(null))
                .get(10, TimeUnit.SECONDS), "a null value is a value");
            Promise<Integer> done = other.submit(() -> 7);
            assertEquals(7, done.get(10, TimeUnit.SECONDS));
            assertEquals(7, exec.spawn(() -> done).get(10, TimeUnit.SECONDS), "another Exec's completed promise");
            IOException disk = new IOException("disk");
            Promise<String> failed = exec.spawn(() -> CompletableFuture.failedFuture(disk));
            CompletionException e = assertThrows(CompletionException.class, failed::join);
            assertSame(disk, e.getCause(), "an already-failed stage fails the promise with its own exception");
            CompletableFuture<String> cancelled = new CompletableFuture<>();
            cancelled.cancel(false);
            assertThrows(CancellationException.class, () -> exec.spawn(() -> cancelled).join());
        }
    }

    @Test
    void aCancelFromAnotherThreadWakesThePromisesProducerTask() throws Exception {
        Exec exec = small().build();
        try {
            AtomicReference<Promise<String>> promise = new AtomicReference<>();
            CountDownLatch firstPoll = new CountDownLatch(1);
            CountDownLatch sawDone = new CountDownLatch(1);
            AtomicInteger polls = new AtomicInteger();
            AsyncTask producer = new AsyncTask() {
                @Override
                protected boolean poll() {
                    polls.incrementAndGet();
                    if (promise.get().isDone()) {
                        sawDone.countDown();
                        return true;
                    }
                    firstPoll.countDown();
                    return false; // arranges no wake: only the promise's outcome may poll it again
                }
            };
            exec.submit(() -> {
                promise.set(new Promise<>(exec, producer));
                exec.spawn(producer);
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertTrue(firstPoll.await(10, TimeUnit.SECONDS), "the producer was polled once and waits");
            assertTrue(promise.get().cancel(false)); // the test thread decides the outcome
            assertTrue(sawDone.await(10, TimeUnit.SECONDS), "the cancel woke the producer, which saw its promise done");
            assertEquals(2, polls.get());
            assertThrows(NullPointerException.class, () -> new Promise<String>(exec, null));
        } finally {
            exec.shutdownNow(); // bounded: a producer never woken would keep a graceful close waiting forever
            assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS), exec.name() + " did not terminate");
        }
    }

    @Test
    void yieldNowLetsQueuedWorkRunFirst() throws Exception {
        try (Exec exec = small().build()) {
            StringBuffer order = new StringBuffer();
            CountDownLatch done = new CountDownLatch(1);
            exec.execute(() -> {
                exec.execute(() -> order.append("queued "));
                Exec.yieldNow().thenRun(() -> {
                    order.append("resumed");
                    done.countDown();
                });
                order.append("yielded ");
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals("yielded queued resumed", order.toString());
            assertThrows(IllegalStateException.class, Exec::yieldNow, "not on an Exec");
        }
    }

    @Test
    void blockOnRunsTheBodyOnTheCallingThreadAndWaitsForCrossThreadWork() throws Exception {
        try (Exec worker = small().build()) {
            Thread caller = Thread.currentThread();
            for (int round = 0; round < 3; round++) { // each call hosts (and closes) an Exec of its own
                int r = round;
                String result = Exec.blockOn(() -> {
                    assertSame(caller, Thread.currentThread());
                    Exec host = Exec.current();
                    assertTrue(host != null && host != worker);
                    return worker.submit(() -> "w" + r).thenCompose(v -> {
                        assertSame(worker, Exec.current(), "continuations of worker's promise run on worker");
                        return Exec.yieldNow().thenApply(x -> v + "+");
                    });
                });
                assertEquals("w" + r + "+", result);
            }
            assertEquals(null, Exec.current(), "outside blockOn the thread is no Exec");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Exec.blockOn(() -> CompletableFuture.failedFuture(new IllegalArgumentException("bad"))));
            assertEquals("bad", e.getMessage());
            // blockOn on an Exec's own thread nests there, and fails rather than block its core on another thread
            Promise<Throwable> refused = worker.submit(() -> {
                try {
                    assertEquals(1, Exec.blockOn(() -> CompletableFuture.completedFuture(1)));
                    Exec.blockOn(() -> new CompletableFuture<Integer>());
                    return null;
                } catch (IllegalStateException expected) {
                    return expected;
                }
            });
            assertTrue(refused.get(10, TimeUnit.SECONDS) instanceof BlockingOperationException);
        }
    }

    @Test
    void runHereRunsAnExecOnTheCallersThreadUntilShutdown() throws Exception {
        Thread caller = Thread.currentThread();
        AtomicInteger ran = new AtomicInteger();
        AtomicReference<Exec> hosted = new AtomicReference<>();
        Thread helper = new Thread(() -> {
            Exec e;
            while ((e = hosted.get()) == null) {
                Thread.onSpinWait();
            }
            for (int i = 0; i < 100; i++) {
                e.execute(() -> {
                    assertSame(caller, Thread.currentThread());
                    ran.incrementAndGet();
                });
            }
            e.shutdown();
        });
        helper.setDaemon(true);
        helper.start();
        List<Runnable> unrun = Exec.builder().name("here").runHere(exec -> {
            assertSame(exec, Exec.current());
            hosted.set(exec);
        });
        assertEquals(List.of(), unrun);
        assertEquals(100, ran.get(), "graceful shutdown ran everything accepted");
        helper.join(10_000);
        assertEquals(null, Exec.current());
    }

    @Test
    void shutdownNowCancelsASpawnWhoseBodyHasNotRunAndDoesNotHandItBack() throws Exception {
        Exec exec = small().build();
        Gate gate = Gate.hold(exec);
        AtomicInteger bodies = new AtomicInteger();
        Promise<String> queued = exec.spawn(() -> { // sits in the ring behind the gate
            bodies.incrementAndGet();
            return CompletableFuture.completedFuture("ran");
        });
        Runnable plain = () -> { };
        exec.execute(plain);
        var handedBack = exec.shutdownNow();
        gate.open();
        assertEquals(List.of(plain), handedBack.get(10, TimeUnit.SECONDS), "only the plain Runnable comes back");
        assertThrows(CancellationException.class, queued::join);
        assertEquals(0, bodies.get(), "the body never ran");
    }

    @Test
    void shutdownNowCancelsPendingSpawnedPromises() throws Exception {
        Exec exec = small().build();
        CompletableFuture<String> never = new CompletableFuture<>();
        Promise<String> p = exec.spawn(() -> never);
        AsyncTaskTest.drain(exec);
        exec.shutdownNow().get(10, TimeUnit.SECONDS);
        assertThrows(CancellationException.class, p::join);
        never.complete("late"); // its wake after termination is a no-op
        assertTrue(p.isCompletedExceptionally());
    }

    @Test
    void shutdownNowCancelsAnOwnerQueuedAsyncContinuationInsteadOfHandingItBack() throws Exception {
        Exec exec = small().build();
        CountDownLatch queuedIt = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        AtomicReference<Promise<Void>> async = new AtomicReference<>();
        exec.execute(() -> {
            Promise<Integer> p = new Promise<>(exec);
            async.set(p.thenRunAsync(ran::incrementAndGet)); // the action waits in the local queue once p completes
            p.complete(1);
            queuedIt.countDown();
            try {
                release.await(10, TimeUnit.SECONDS); // shutdownNow's interrupt ends the wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(queuedIt.await(10, TimeUnit.SECONDS));
        Runnable plain = () -> { };
        exec.execute(plain);
        var handedBack = exec.shutdownNow();
        release.countDown();
        assertEquals(List.of(plain), handedBack.get(10, TimeUnit.SECONDS),
            "the continuation is corepin's, not the user's: it is not handed back");
        assertThrows(CancellationException.class, () -> async.get().get(10, TimeUnit.SECONDS));
        assertEquals(0, ran.get(), "a stopped Exec does not run it");
    }
}
