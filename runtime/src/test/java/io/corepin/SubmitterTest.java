package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.balance.LoadBalancer;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ownership split: a Submitter routes like its group (or Exec) and cannot stop it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubmitterTest {
    private static final Set<String> STOPPING =
        Set.of("shutdown", "shutdownNow", "close", "closeNow", "closeAsync", "awaitTermination");

    private static Exec.Builder small() {
        return Exec.builder().name("submitter").daemon(true);
    }

    private static Thread threadOf(Exec exec) throws Exception {
        return exec.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aSubmitterHasNoWayToStopWhatItSubmitsTo() throws Exception {
        for (Method m : Submitter.class.getMethods()) {
            assertFalse(STOPPING.contains(m.getName()), "Submitter exposes " + m);
        }
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).execSettings(small()).build();
             Exec exec = small().build()) {
            for (Submitter s : List.of(group.submitter(), exec.submitter())) {
                assertFalse(s instanceof AutoCloseable, s + " is closeable");
                assertFalse(s instanceof ExecutorService, s + " is an ExecutorService");
                Object o = s; // (javac refuses the instanceof outright: both owners are final classes)
                assertFalse(o instanceof ExecGroup || o instanceof Exec, s + " is the owner itself");
                for (Method m : s.getClass().getMethods()) { // public methods of the implementation too
                    assertFalse(STOPPING.contains(m.getName()), s.getClass() + " exposes " + m);
                }
            }
        }
    }

    @Test
    void aGroupsSubmitterRoutesUnkeyedWorkThroughTheGroupsBalancer() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        LoadBalancer toSecond = (task, targets) -> {
            asked.incrementAndGet();
            return 1;
        };
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).balancer(toSecond)
            .execSettings(small()).build()) {
            Submitter s = group.submitter();
            Thread second = threadOf(group.exec(1));
            CompletableFuture<Thread> ran = new CompletableFuture<>();
            s.execute(() -> ran.complete(Thread.currentThread()));
            assertSame(second, ran.get(5, TimeUnit.SECONDS));
            assertSame(second, s.submit(Thread::currentThread).get(5, TimeUnit.SECONDS));
            assertSame(second, s.spawn(() -> CompletableFuture.completedFuture(Thread.currentThread()))
                .get(5, TimeUnit.SECONDS));
            CompletableFuture<Thread> polled = new CompletableFuture<>();
            TaskHandle h = s.spawn(new AsyncTask() {
                @Override
                protected boolean poll() {
                    polled.complete(Thread.currentThread());
                    return true;
                }
            });
            h.done().get(5, TimeUnit.SECONDS);
            assertSame(group.exec(1), h.exec());
            assertSame(second, polled.get(5, TimeUnit.SECONDS));
            CompletableFuture<Thread> tried = new CompletableFuture<>();
            assertTrue(s.trySubmit(() -> tried.complete(Thread.currentThread())));
            assertSame(second, tried.get(5, TimeUnit.SECONDS));
            assertEquals(5, asked.get(), "every un-keyed submission asked the group's balancer");
        }
    }

    @Test
    void aGroupsSubmitterRoutesKeysAsTheGroupDoesInPerKeyOrder() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).execSettings(small()).build()) {
            Submitter s = group.submitter();
            for (long key = 0; key < 16; key++) {
                Exec owner = group.execFor(key);
                Thread ownerThread = threadOf(owner);
                List<Integer> order = new ArrayList<>(); // touched only on the key's Exec
                s.execute(key, () -> order.add(1));
                group.execute(key, () -> order.add(2)); // the owner's handle and the submitter share the key's order
                Promise<Thread> submitted = s.submit(key, () -> {
                    order.add(3);
                    return Thread.currentThread();
                });
                Promise<Thread> spawned = s.spawn(key, () -> {
                    order.add(4);
                    return CompletableFuture.completedFuture(Thread.currentThread());
                });
                TaskHandle task = s.spawn(key, new AsyncTask() {
                    @Override
                    protected boolean poll() {
                        order.add(5);
                        return true;
                    }
                });
                assertSame(ownerThread, submitted.get(5, TimeUnit.SECONDS), "key " + key);
                assertSame(ownerThread, spawned.get(5, TimeUnit.SECONDS), "key " + key);
                task.done().get(5, TimeUnit.SECONDS);
                assertSame(owner, task.exec());
                assertEquals(List.of(1, 2, 3, 4, 5), owner.submit(() -> new ArrayList<>(order))
                    .get(5, TimeUnit.SECONDS), "key " + key);
            }
        }
    }

    @Test
    void callComesBackToTheCallingExec() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).execSettings(small()).build();
             Exec caller = small().name("caller").build()) {
            Thread callerThread = threadOf(caller);
            for (Submitter s : List.of(group.submitter(), group.exec(0).submitter())) {
                CompletableFuture<Thread> continuedOn = new CompletableFuture<>();
                CompletableFuture<Thread> ranOn = new CompletableFuture<>();
                Promise<Promise<Integer>> started = caller.submit(() -> {
                    Promise<Integer> p = s.call(() -> {
                        ranOn.complete(Thread.currentThread());
                        return 42;
                    });
                    p.thenAccept(v -> continuedOn.complete(Thread.currentThread()));
                    return p;
                });
                Promise<Integer> p = started.get(5, TimeUnit.SECONDS);
                assertEquals(42, p.get(5, TimeUnit.SECONDS));
                assertSame(caller, p.exec(), s + ": the promise belongs to the caller");
                assertSame(callerThread, continuedOn.get(5, TimeUnit.SECONDS), s.toString());
                assertFalse(ranOn.get(5, TimeUnit.SECONDS) == callerThread, "the work ran on the target");
            }
        }
    }

    @Test
    void anExecsSubmitterKeepsPerKeyOrderFromTheExecsOwnThreadAndIsRefusedOnceTheOwnerCloses() throws Exception {
        Exec exec = small().build();
        Submitter s = exec.submitter();
        Promise<List<Integer>> order = exec.submit(() -> {
            List<Integer> seen = new ArrayList<>();
            s.execute(7L, () -> seen.add(1)); // from the owner: the ring (order-keeping), not the local queue
            s.submit(7L, () -> seen.add(2));
            return seen;
        });
        List<Integer> seen = order.get(5, TimeUnit.SECONDS);
        AsyncTaskTest.drain(exec);
        assertEquals(List.of(1, 2), exec.submit(() -> new ArrayList<>(seen)).get(5, TimeUnit.SECONDS));
        AtomicInteger ran = new AtomicInteger();
        assertTrue(s.trySubmit(ran::incrementAndGet));
        exec.close(); // the owner closes; the submitter could not have
        assertEquals(1, ran.get());
        assertThrows(RejectedExecutionException.class, () -> s.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> s.execute(1L, () -> { }));
        assertThrows(RejectedExecutionException.class, () -> s.trySubmit(() -> { }));
        AsyncTask unspawned = new AsyncTask() {
            @Override
            protected boolean poll() {
                return true;
            }
        };
        assertThrows(RejectedExecutionException.class, () -> s.spawn(1L, unspawned));
        assertEquals(null, unspawned.exec(), "a refused keyed spawn leaves the task unspawned");
    }
}
