package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 2 and 3 of the soundness issue: call-and-come-back, and no wait that would block an Exec's thread — each fails
 * at once with a {@link BlockingOperationException} naming the Exec and the call, instead of hanging.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NoSilentBlockingTest {

    private static Exec exec(String name) {
        return Exec.builder().name(name).daemon(true).build();
    }

    /** What the task on the Exec saw when it tried {@code wait}: the exception, or null if it returned. */
    private static Throwable onExec(Exec exec, ThrowingRunnable wait) throws Exception {
        return exec.submit(() -> {
            try {
                wait.run();
                return null;
            } catch (Throwable t) {
                return t;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void assertRefused(Throwable seen, String call, String execName) {
        assertTrue(seen instanceof BlockingOperationException, () -> call + " returned or threw " + seen);
        assertTrue(seen.getMessage().contains(call), seen::getMessage);
        assertTrue(seen.getMessage().contains(execName), seen::getMessage);
    }

    @Test
    void joinAndGetOfAPromiseOfTheSameExecFailAtOnceInsteadOfHangingForever() throws Exception {
        try (Exec a = exec("block-a")) {
            for (String call : new String[] {"join()", "get()", "get(5 SECONDS)"}) {
                long t0 = System.nanoTime();
                Throwable seen = onExec(a, () -> {
                    Promise<Integer> needsThisCore = a.submit(() -> 1); // queued behind the waiting task
                    if (call.equals("join()")) {
                        needsThisCore.join();
                    } else if (call.equals("get()")) {
                        needsThisCore.get();
                    } else {
                        needsThisCore.get(5, TimeUnit.SECONDS); // today: burns the whole 5 s
                    }
                });
                assertRefused(seen, call, "block-a");
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4), call + " did not fail at once");
            }
        }
    }

    @Test
    void waitingOnAnotherExecsPromiseFromAnExecIsRefusedToo() throws Exception {
        try (Exec a = exec("block-a"); Exec b = exec("block-b")) {
            CountDownLatch never = new CountDownLatch(1);
            Promise<Integer> slow = b.submit(() -> {
                never.await(5, TimeUnit.SECONDS);
                return 1;
            });
            assertRefused(onExec(a, slow::join), "join()", "block-a");
            never.countDown();
            assertEquals(1, slow.get(10, TimeUnit.SECONDS));
            assertEquals(1, onExec(a, () -> assertEquals(1, slow.join())) == null ? 1 : 0,
                "a completed promise's join returns on an Exec");
        }
    }

    @Test
    void awaitTerminationAndCloseOnAnExecThreadAreRefused() throws Exception {
        try (Exec a = exec("block-a"); Exec b = exec("block-b")) {
            assertRefused(onExec(a, () -> a.awaitTermination(5, TimeUnit.SECONDS)), "awaitTermination", "block-a");
            assertRefused(onExec(a, () -> b.awaitTermination(5, TimeUnit.SECONDS)), "awaitTermination", "block-a");
            assertRefused(onExec(a, a::close), "close()", "block-a");
            assertRefused(onExec(a, b::close), "close()", "block-a");
            assertFalse(b.isShutdown(), "a refused close did not shut anything down");
            assertEquals(null, onExec(a, () -> assertFalse(b.awaitTermination(0, TimeUnit.SECONDS))),
                "a zero timeout only polls");
        }
    }

    @Test
    void callRunsTheWorkOnTheTargetAndContinuesOnTheCaller() throws Exception {
        try (Exec a = exec("call-a"); Exec b = exec("call-b")) {
            AtomicReference<Exec> workOn = new AtomicReference<>();
            AtomicReference<Exec> continuedOn = new AtomicReference<>();
            AtomicReference<Exec> owner = new AtomicReference<>();
            Promise<Integer> done = a.submit(() -> {
                Promise<Integer> p = b.call(() -> {
                    workOn.set(Exec.current());
                    return 41;
                });
                owner.set(p.exec());
                return p;
            }).get(10, TimeUnit.SECONDS);
            Promise<Integer> next = done.thenApply(v -> {
                continuedOn.set(Exec.current());
                return v + 1;
            });
            assertEquals(42, next.get(10, TimeUnit.SECONDS));
            assertSame(b, workOn.get());
            assertSame(a, owner.get(), "the promise belongs to the calling Exec");
            assertSame(a, continuedOn.get());
            // from a plain thread: owned by the target, like submit
            Promise<String> plain = b.call(() -> "x");
            assertSame(b, plain.exec());
            assertEquals("x", plain.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void callFailureAndCancellationArriveOnTheCaller() throws Exception {
        try (Exec a = exec("call-a"); Exec b = exec("call-b")) {
            AtomicReference<Exec> handledOn = new AtomicReference<>();
            Promise<String> failed = a.submit(() -> b.<String>call(() -> {
                throw new IllegalStateException("planned");
            }).handle((v, t) -> {
                handledOn.set(Exec.current());
                return t.getMessage(); // the source failed with the raw exception, as CompletableFuture passes it
            })).get(10, TimeUnit.SECONDS);
            assertEquals("planned", failed.get(10, TimeUnit.SECONDS));
            assertSame(a, handledOn.get());
            // cancelled before it ran on B: the work never runs
            CountDownLatch hold = new CountDownLatch(1);
            b.execute(() -> {
                try {
                    hold.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AtomicInteger ran = new AtomicInteger();
            Promise<Integer> p = a.submit(() -> b.call(ran::incrementAndGet)).get(10, TimeUnit.SECONDS);
            assertTrue(p.cancel(false));
            hold.countDown();
            b.submit(() -> 0).get(10, TimeUnit.SECONDS); // B ran everything queued before
            assertEquals(0, ran.get());
            assertThrows(CancellationException.class, () -> p.get(1, TimeUnit.SECONDS));
        }
    }

    /** Item 8: the Future contract for completions from threads that are not the owner's. */
    @Test
    void foreignCancelAndCompleteMeetTheFutureContract() throws Exception {
        try (Exec a = exec("contract-a")) {
            for (int i = 0; i < 200; i++) {
                Promise<Integer> p = new Promise<>(a);
                boolean cancelled = p.cancel(false);
                assertTrue(cancelled);
                assertTrue(p.isCancelled() && p.isDone(), "cancel returned true: cancelled and done from then on");
                assertFalse(p.complete(1), "a second completer cannot win");
                assertFalse(p.cancel(false), "nor a second cancel");
                assertThrows(CancellationException.class, p::join);
            }
            List<Boolean> wins = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Promise<Integer> p = new Promise<>(a);
                CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> p.complete(2));
                boolean mine = p.complete(1);
                boolean theirs = other.get(10, TimeUnit.SECONDS);
                assertTrue(mine ^ theirs, "exactly one completer wins");
                assertEquals(mine ? 1 : 2, p.get(1, TimeUnit.SECONDS));
                wins.add(mine);
            }
            Promise<Integer> failed = new Promise<>(a);
            assertTrue(failed.completeExceptionally(new IllegalStateException("x")));
            ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(1, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalStateException);
            assertThrows(UnsupportedOperationException.class, () -> failed.obtrudeValue(1));
        }
    }

    @Test
    void aLongChainCompletesWithoutGrowingTheStack() throws Exception {
        try (Exec a = exec("chain-a")) {
            Promise<Integer> head = new Promise<>(a);
            Promise<Integer> tail = a.submit(() -> {
                Promise<Integer> p = head;
                for (int i = 0; i < 100_000; i++) {
                    p = p.thenApply(v -> v + 1);
                }
                return p;
            }).get(10, TimeUnit.SECONDS);
            head.complete(0);
            assertEquals(100_000, tail.get(20, TimeUnit.SECONDS));
        }
    }
}
