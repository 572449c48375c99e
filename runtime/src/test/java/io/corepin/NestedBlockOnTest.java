package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Exec#blockOn} on a thread that already runs an Exec (an Exec's own thread, a blockOn host): it nests a fresh
 * Exec on that thread for as long as that Exec has work to run (smolscale's spawn_executors_recursively runs each
 * level on a fresh executor driven by the caller), and fails at once instead of waiting for another thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NestedBlockOnTest {
    private static final CompletableFuture<Integer> ONE = CompletableFuture.completedFuture(1);

    private static Exec exec(String name) {
        return Exec.builder().name(name).daemon(true).build();
    }

    @Test
    void onAnExecsThreadBlockOnRunsANestedExecOnThatThreadAndComesBack() throws Exception {
        try (Exec outer = exec("nest-outer")) {
            AtomicReference<Exec> nested = new AtomicReference<>();
            AtomicReference<Thread> nestedThread = new AtomicReference<>();
            AtomicReference<Exec> afterwards = new AtomicReference<>();
            AtomicInteger localRan = new AtomicInteger();
            Promise<Integer> r = outer.submit(() -> {
                int v = Exec.blockOn(() -> {
                    Exec here = Exec.current();
                    nested.set(here);
                    nestedThread.set(Thread.currentThread());
                    here.execute(localRan::incrementAndGet); // local: runs on the nested Exec before the call returns
                    return here.submit(() -> 41).thenApply(x -> {
                        assertSame(here, Exec.current(), "the nested Exec's continuations run on it");
                        return x + 1;
                    });
                });
                afterwards.set(Exec.current());
                return v;
            });
            assertEquals(42, r.get(5, TimeUnit.SECONDS));
            assertNotNull(nested.get());
            assertNotSame(outer, nested.get(), "blockOn hosted a fresh Exec");
            assertTrue(nestedThread.get() instanceof ExecThread, "it ran on the outer Exec's own thread");
            assertSame(outer, afterwards.get(), "after the call the thread is the outer Exec's again");
            assertEquals(1, localRan.get());
            assertTrue(nested.get().isTerminated(), "the nested Exec terminated before blockOn returned");
            assertThrows(RejectedExecutionException.class, () -> nested.get().execute(() -> { }));
            assertEquals(7, outer.submit(() -> 7).get(5, TimeUnit.SECONDS), "the outer Exec goes on");
        }
    }

    /** smolscale's spawn_executors_recursively: each level runs the next on a fresh executor and waits for it. */
    private static CompletionStage<Integer> nest(int depth) {
        if (depth == 0) {
            return CompletableFuture.completedFuture(0);
        }
        int below = Exec.blockOn(() -> nest(depth - 1));
        return CompletableFuture.completedFuture(below + 1);
    }

    @Test
    void nestsThreeHundredDeepOnEveryExecOfAGroup() throws Exception {
        try (ExecGroup group = ExecGroup.builder().execs(2).affinity(AffinityPlan.unpinned(2))
            .execSettings(Exec.builder().name("nest-group").daemon(true)).build()) {
            List<Promise<Integer>> roots = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                roots.add(group.spawn(() -> nest(300)));
            }
            for (Promise<Integer> root : roots) {
                assertEquals(300, root.get(20, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void blockOnInsideBlockOnOnAPlainThreadNestsAndRestoresTheHost() {
        AtomicReference<Exec> host = new AtomicReference<>();
        AtomicReference<Exec> inner = new AtomicReference<>();
        int v = Exec.blockOn(() -> {
            host.set(Exec.current());
            int one = Exec.blockOn(() -> {
                inner.set(Exec.current());
                return ONE;
            });
            assertSame(host.get(), Exec.current(), "the outer blockOn's Exec is current again");
            return CompletableFuture.completedFuture(one + 1);
        });
        assertEquals(2, v);
        assertNotSame(host.get(), inner.get());
        assertTrue(inner.get().isTerminated());
        assertEquals(null, Exec.current(), "outside blockOn the thread is no Exec");
        assertEquals(301, (int) Exec.blockOn(() -> nest(301)));
    }

    @Test
    void aNestedBodyThatWouldWaitForAnotherThreadFailsAtOnce() throws Exception {
        try (Exec outer = exec("nest-waits"); Exec other = exec("nest-other")) {
            CountDownLatch release = new CountDownLatch(1);
            for (int round = 0; round < 2; round++) {
                boolean never = round == 0;
                long t0 = System.nanoTime();
                Throwable seen = outer.submit(() -> {
                    try {
                        Exec.blockOn(() -> never ? new CompletableFuture<Integer>()
                            : other.call(() -> release.await(5, TimeUnit.SECONDS) ? 1 : 0)); // needs another core
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                }).get(10, TimeUnit.SECONDS);
                assertTrue(seen instanceof BlockingOperationException, () -> "blockOn returned or threw " + seen);
                assertTrue(seen.getMessage().contains("blockOn"), seen::getMessage);
                assertTrue(seen.getMessage().contains("nest-waits"), seen::getMessage);
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4), "it did not fail at once");
            }
            release.countDown();
            assertEquals(7, outer.submit(() -> 7).get(5, TimeUnit.SECONDS), "the outer Exec goes on");
        }
    }
}
