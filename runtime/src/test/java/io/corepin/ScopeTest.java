package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.balance.LoadBalancer;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scopes: wait for all children, first failure with the rest suppressed, cancellation, happens-before. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScopeTest {
    /** Bound for every close in these tests (close() itself waits without one). */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static ExecGroup group() {
        return ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .execSettings(Exec.builder().name("scope").daemon(true)).build();
    }

    @Test
    void closeWaitsForEveryChildAndPublishesTheirPlainWrites() {
        try (ExecGroup group = group()) {
            for (int round = 0; round < 50; round++) {
                long[] slots = new long[1000]; // plain writes by children, read plainly after close
                try (Scope scope = group.scope()) {
                    for (int i = 0; i < slots.length; i++) {
                        int n = i;
                        scope.spawn(() -> slots[n] = n + 1L);
                    }
                }
                for (int i = 0; i < slots.length; i++) {
                    assertEquals(i + 1L, slots[i], "round " + round + " slot " + i);
                }
            }
        }
    }

    @Test
    void asyncChildrenAreWaitedForUntilTheirStagesComplete() {
        try (ExecGroup group = group()) {
            CompletableFuture<String> later = new CompletableFuture<>();
            AtomicInteger done = new AtomicInteger();
            Thread completer = new Thread(() -> {
                sleep(50);
                later.complete("x");
            });
            try (Scope scope = group.scope()) {
                scope.spawn(() -> later.thenApply(v -> done.incrementAndGet()));
                Promise<Integer> fast = scope.spawn(() -> CompletableFuture.completedFuture(7));
                completer.start();
                assertTrue(fast != null);
            }
            assertEquals(1, done.get(), "close returned only after the async child finished");
        }
    }

    @Test
    void firstFailureCancelsTheRestUnstartedChildrenAreSkippedAndAsyncChildrenCancelled() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(1))
            .execSettings(Exec.builder().name("scope1").daemon(true)).build()) {
            AtomicInteger ran = new AtomicInteger();
            Gate gate = Gate.hold(group.exec(0)); // children queue up behind the gate
            Scope scope = group.scope();
            CompletableFuture<String> never = new CompletableFuture<>();
            Promise<String> asyncChild = scope.spawn(() -> never);
            // (Runnable): a lambda that only throws would otherwise pick the async overload
            scope.spawn((Runnable) () -> {
                throw new IllegalStateException("first");
            });
            for (int i = 0; i < 10; i++) {
                scope.spawn(ran::incrementAndGet);
            }
            gate.open();
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> scope.close(PATIENCE));
            assertEquals("first", thrown.getMessage());
            assertEquals(0, ran.get(), "children queued after the failure were skipped");
            assertThrows(CancellationException.class, asyncChild::join, "async child cancelled");
            assertThrows(IllegalStateException.class, () -> scope.spawn(() -> { }), "closed scope");
        } // and the group closes: the cancelled async child no longer holds its Exec open
    }

    @Test
    void failuresOfChildrenThatAlreadyRanAreSuppressedIntoTheFirst() {
        try (ExecGroup group = group()) {
            CountDownLatch bothStarted = new CountDownLatch(2);
            Scope scope = group.scope();
            for (String name : new String[] {"a", "b"}) {
                scope.spawn((Runnable) () -> {
                    bothStarted.countDown();
                    AsyncTaskTest.await(bothStarted); // one child per Exec: both run before either fails
                    throw new IllegalStateException(name);
                });
            }
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> scope.close(PATIENCE));
            assertEquals(1, thrown.getSuppressed().length);
            assertEquals(java.util.Set.of("a", "b"),
                java.util.Set.of(thrown.getMessage(), thrown.getSuppressed()[0].getMessage()));
        }
    }

    @Test
    void aBoundedCloseTimesOutWithoutLosingTheChildAndCanWaitAgain() throws Exception {
        try (ExecGroup group = group()) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger finished = new AtomicInteger();
            Scope scope = group.scope();
            scope.spawn(() -> {
                AsyncTaskTest.await(release);
                finished.incrementAndGet();
            });
            TimeoutException timeout = assertThrows(TimeoutException.class, () -> scope.close(Duration.ofMillis(20)));
            assertTrue(timeout.getMessage().contains("1 scope children still unfinished"), timeout.getMessage());
            assertThrows(IllegalStateException.class, () -> scope.spawn(() -> { }), "closed to new children");
            release.countDown();
            scope.close(PATIENCE); // the child is still counted: this waits for it
            assertEquals(1, finished.get());
            assertThrows(NullPointerException.class, () -> scope.close(null));
        }
    }

    @Test
    void joinIsTheNonBlockingFormOnAnExecAndCloseThereIsRefused() throws Exception {
        try (ExecGroup group = group(); Exec driver = Exec.builder().name("driver").daemon(true).build()) {
            AtomicInteger sum = new AtomicInteger();
            Promise<Integer> result = driver.spawn(() -> {
                Scope scope = group.scope();
                for (int i = 1; i <= 100; i++) {
                    int n = i;
                    scope.spawn(() -> sum.addAndGet(n));
                }
                assertThrows(BlockingOperationException.class, scope::close);
                return scope.join().thenApply(v -> {
                    assertSame(driver, Exec.current(), "join's promise belongs to the calling Exec");
                    return sum.get();
                });
            });
            assertEquals(5050, result.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void globalGroupSpawnsAndScopesWork() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Corepin.spawn(ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertTrue(Corepin.global().size() >= 1);
        assertEquals(42, (int) Corepin.blockOn(() -> Corepin.spawn(() -> CompletableFuture.completedFuture(41))
            .thenApply(v -> v + 1)));
        AtomicInteger count = new AtomicInteger();
        try (Scope scope = Corepin.scope()) {
            for (int i = 0; i < 100; i++) {
                scope.spawn(count::incrementAndGet);
            }
        }
        assertEquals(100, count.get());
    }

    @Test
    void childrenMaySpawnGrandchildrenWhileTheScopeIsClosingAndCloseWaitsForThem() throws Exception {
        try (ExecGroup group = group()) {
            Scope scope = group.scope();
            AtomicInteger grandchildren = new AtomicInteger();
            CompletableFuture<String> later = new CompletableFuture<>();
            scope.spawn(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!scope.isClosed() && System.nanoTime() < deadline) {
                    sleep(1); // bounded: until the owner is inside close()
                }
                assertTrue(scope.isClosed(), "close() was called");
                scope.spawn(() -> {
                    sleep(20);
                    grandchildren.incrementAndGet();
                });
                scope.spawn(() -> later.thenApply(v -> grandchildren.incrementAndGet()));
                later.complete("x");
            });
            scope.close(PATIENCE);
            assertEquals(2, grandchildren.get(), "close returned only after the grandchildren finished");
            assertThrows(IllegalStateException.class, () -> scope.spawn(() -> { }), "closed once close returned");
        }
    }

    @Test
    void shutdownNowCancelsQueuedChildrenInsteadOfHandingThemBackSoTheScopeCloses() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(1))
            .execSettings(Exec.builder().name("scope-stop").daemon(true)).build()) {
            Gate gate = Gate.hold(group.exec(0));
            Scope scope = group.scope();
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < 3; i++) {
                scope.spawn(ran::incrementAndGet);
            }
            CompletableFuture<java.util.List<Runnable>> back = group.exec(0).shutdownNow();
            gate.open();
            assertEquals(java.util.List.of(), back.get(10, TimeUnit.SECONDS), "scope children handed back");
            CancellationException stopped = assertThrows(CancellationException.class, () -> scope.close(PATIENCE));
            assertTrue(Causes.messages(stopped).contains("scope-stop"), Causes.messages(stopped));
            assertEquals(0, ran.get());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void keyedChildrenRunOnTheExecThatOwnsTheirKeyAndTheBalancerSeesTheUsersTask() throws Exception {
        java.util.Set<Class<?>> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        LoadBalancer recording = (task, g) -> {
            seen.add(task.getClass());
            return 0;
        };
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).balancer(recording)
            .execSettings(Exec.builder().name("scope-key").daemon(true)).build()) {
            java.util.Map<Long, Exec> ranOn = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.Map<Long, Exec> asyncOn = new java.util.concurrent.ConcurrentHashMap<>();
            Runnable plain = () -> { };
            try (Scope scope = group.scope()) {
                for (long key = 0; key < 16; key++) {
                    long k = key;
                    scope.spawn(k, () -> ranOn.put(k, Exec.current()));
                    scope.spawn(k, () -> {
                        asyncOn.put(k, Exec.current());
                        return CompletableFuture.completedFuture(null);
                    });
                }
                scope.spawn(plain); // un-keyed: the balancer picks, and sees the child itself
            }
            for (long key = 0; key < 16; key++) {
                assertSame(group.execFor(key), ranOn.get(key), "Runnable child of key " + key);
                assertSame(group.execFor(key), asyncOn.get(key), "async child of key " + key);
            }
            assertTrue(seen.contains(plain.getClass()), "the balancer saw " + seen);
            assertTrue(seen.stream().noneMatch(c -> c.getName().startsWith("io.corepin.Scope$")),
                "the balancer saw a scope wrapper: " + seen);
        }
    }
}
