package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Promise-style work in a chosen lane (LevelsTest's style): {@code spawn(Lane, Supplier)}, {@code submit(Lane,
 * Callable)} on an Exec and a group, and {@code yieldNow(Lane)}; {@code yieldNow()} keeps its semantics.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LanePromiseTest {
    private final Lane high = Lane.fifo("high");
    private final Lane low = Lane.fifo("low");
    private final Levels levels = Levels.builder().level(high).level(low).defaultLane(low).build();

    private Exec.Builder withLevels(String name) {
        return Exec.builder().name(name).levels(levels).daemon(true);
    }

    /** Queues five low-lane tasks that record themselves; {@code done} counts them down. */
    private void queueLow(Exec exec, List<String> order, CountDownLatch done) {
        for (int i = 0; i < 5; i++) {
            int n = i;
            exec.execute(low, () -> {
                order.add("L" + n);
                done.countDown();
            });
        }
    }

    @Test
    void aSpawnedBodyAndASubmittedCallInTheHighLaneRunBeforeQueuedLowLaneWork() throws Exception {
        try (Exec exec = withLevels("lane-promises").build()) {
            // from another thread: the ring carries the lane; one burst is dispatched before anything runs
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch lowRan = new CountDownLatch(5);
            Gate gate = Gate.hold(exec);
            queueLow(exec, order, lowRan);
            Promise<String> body = exec.spawn(high, () -> {
                order.add("body");
                return CompletableFuture.completedFuture("spawned");
            });
            Promise<String> call = exec.submit(high, () -> {
                order.add("call");
                return "submitted";
            });
            gate.open();
            assertEquals("spawned", body.get(5, TimeUnit.SECONDS));
            assertEquals("submitted", call.get(5, TimeUnit.SECONDS));
            assertTrue(lowRan.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("body", "call", "L0", "L1", "L2", "L3", "L4"), order);

            // from the Exec's own thread: straight into the lanes
            order.clear();
            CountDownLatch lowRan2 = new CountDownLatch(5);
            exec.execute(() -> {
                queueLow(exec, order, lowRan2);
                exec.spawn(high, () -> {
                    order.add("body");
                    return CompletableFuture.completedFuture(null);
                });
                exec.submit(high, () -> order.add("call"));
            });
            assertTrue(lowRan2.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("body", "call", "L0", "L1", "L2", "L3", "L4"), order);
        }
    }

    @Test
    void aBodyThatWaitsFinishesInItsLaneAndYieldNowOfALaneResumesThere() throws Exception {
        try (Exec exec = withLevels("lane-yield").build()) {
            List<String> order = new CopyOnWriteArrayList<>();
            AtomicReference<Promise<String>> body = new AtomicReference<>();
            CountDownLatch lowRan = new CountDownLatch(5);
            Gate gate = Gate.hold(exec);
            exec.execute(low, () -> order.add("L-first sees the body " + (body.get().isDone() ? "done" : "pending")));
            queueLow(exec, order, lowRan);
            exec.execute(high, () -> body.set(exec.spawn(high, () -> {
                order.add("body");
                return Exec.yieldNow(high).thenApply(v -> { // resumes in `high`: ahead of the queued low work
                    order.add("resumed");
                    return "done";
                });
            })));
            gate.open();
            assertTrue(lowRan.await(5, TimeUnit.SECONDS));
            assertEquals("done", body.get().get(5, TimeUnit.SECONDS));
            assertEquals(List.of("body", "resumed", "L-first sees the body done", "L0", "L1", "L2", "L3", "L4"),
                order);
        }
    }

    @Test
    void yieldNowWithoutALaneStillGoesBehindTheWorkQueuedInTheDefaultLane() throws Exception {
        try (Exec exec = withLevels("lane-plain-yield").build()) {
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch lowRan = new CountDownLatch(5);
            Gate gate = Gate.hold(exec);
            queueLow(exec, order, lowRan);
            Promise<String> body = exec.spawn(high, () -> {
                order.add("body");
                return Exec.yieldNow().thenApply(v -> { // the default lane (low): behind L0..L4
                    order.add("resumed");
                    return "done";
                });
            });
            gate.open();
            assertEquals("done", body.get(5, TimeUnit.SECONDS));
            assertEquals(List.of("body", "L0", "L1", "L2", "L3", "L4", "resumed"), order);
        }
    }

    @Test
    void aGroupPlacesPromiseWorkInTheChosenLane() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(1))
            .execSettings(withLevels("lane-group")).build()) {
            Exec exec = group.exec(0);
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch lowRan = new CountDownLatch(5);
            Gate gate = Gate.hold(exec);
            queueLow(exec, order, lowRan);
            Promise<Integer> body = group.spawn(high, () -> {
                order.add("body");
                return CompletableFuture.completedFuture(1);
            });
            Promise<Integer> call = group.submit(high, () -> {
                order.add("call");
                return 2;
            });
            gate.open();
            assertEquals(1, body.get(5, TimeUnit.SECONDS));
            assertEquals(2, call.get(5, TimeUnit.SECONDS));
            assertTrue(lowRan.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("body", "call", "L0", "L1", "L2", "L3", "L4"), order);
        }
    }

    @Test
    void aSpawnInALaneThatDoesNotCompleteOnCloseFailsAtTheClose() throws Exception {
        Lane first = Lane.fifo("first");
        Lane backlog = Lane.fifo("backlog").completeOnClose(false);
        Levels withBacklog = Levels.builder().level(first).level(backlog).build();
        Exec exec = Exec.builder().name("lane-close").levels(withBacklog).daemon(true).build();
        Gate gate = Gate.hold(exec);
        Promise<String> dropped = exec.spawn(backlog, () -> CompletableFuture.completedFuture("ran"));
        Promise<String> kept = exec.spawn(first, () -> CompletableFuture.completedFuture("ran"));
        CompletableFuture<List<Runnable>> closed = exec.closeAsync();
        gate.open();
        closed.get(10, TimeUnit.SECONDS);
        assertEquals("ran", kept.get(5, TimeUnit.SECONDS));
        CancellationException e = assertThrows(CancellationException.class, () -> dropped.get(5, TimeUnit.SECONDS));
        assertTrue(Causes.messages(e).contains("backlog"), Causes.messages(e));
    }

    @Test
    void badLanesAndExecsWithoutLevelsAreRefused() throws Exception {
        try (Exec plain = Exec.builder().name("lane-none").daemon(true).build();
             Exec exec = withLevels("lane-bad").build()) {
            IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> plain.spawn(high, () -> CompletableFuture.completedFuture(1)));
            assertTrue(none.getMessage().contains("lane-none"), none.getMessage());
            assertThrows(IllegalStateException.class, () -> plain.submit(high, () -> 1));
            Lane stranger = Lane.fifo("stranger");
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> exec.spawn(stranger, () -> CompletableFuture.completedFuture(1)));
            assertTrue(unknown.getMessage().contains("stranger"), unknown.getMessage());
            assertThrows(IllegalArgumentException.class, () -> exec.submit(stranger, () -> 1));
            assertThrows(NullPointerException.class,
                () -> exec.spawn(high, (Supplier<CompletableFuture<Integer>>) null));
            assertThrows(NullPointerException.class, () -> exec.submit(high, (Callable<Integer>) null));
            IllegalStateException off = assertThrows(IllegalStateException.class, () -> Exec.yieldNow(high));
            assertTrue(off.getMessage().contains(Thread.currentThread().getName()), off.getMessage());
            CompletionException noLevels = assertThrows(CompletionException.class,
                () -> plain.submit(() -> Exec.yieldNow(high)).join()); // on an Exec without levels
            assertTrue(noLevels.getCause() instanceof IllegalStateException, noLevels.toString());
        }
    }
}
