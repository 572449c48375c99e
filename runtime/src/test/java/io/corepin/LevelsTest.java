package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Levels of lanes: highest first, round robin shares, SDF, followup, close policies, bad configuration. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LevelsTest {

    /**
     * Runs {@code body} on the Exec, then waits for a task queued after it in the default lane: a barrier for
     * work queued in that lane or higher.
     */
    private static void onExec(Exec exec, Runnable body) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        exec.execute(body);
        exec.execute(done::countDown);
        assertTrue(done.await(10, TimeUnit.SECONDS));
    }

    @Test
    void highestLevelFirstFifoWithinALaneFromOwnerAndOtherThreads() throws Exception {
        Lane high = Lane.fifo("high");
        Lane mid = Lane.fifo("mid");
        Lane low = Lane.fifo("low");
        Levels levels = Levels.builder().level(high).level(mid).level(low).defaultLane(mid).build();
        try (Exec exec = Exec.builder().name("levels").levels(levels).daemon(true).build()) {
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch ran = new CountDownLatch(9);
            onExec(exec, () -> {
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    exec.execute(low, () -> { order.add("L" + n); ran.countDown(); });
                    exec.execute(mid, () -> { order.add("M" + n); ran.countDown(); });
                    exec.execute(high, () -> { order.add("H" + n); ran.countDown(); });
                }
            });
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("H0", "H1", "H2", "M0", "M1", "M2", "L0", "L1", "L2"), order);

            // the same from another thread: the ring carries the lane; one burst is dispatched before running
            order.clear();
            CountDownLatch ran2 = new CountDownLatch(9);
            Gate gate = Gate.hold(exec);
            for (int i = 0; i < 3; i++) {
                int n = i;
                exec.execute(low, () -> { order.add("L" + n); ran2.countDown(); });
                exec.execute(mid, () -> { order.add("M" + n); ran2.countDown(); });
                exec.execute(high, () -> { order.add("H" + n); ran2.countDown(); });
            }
            gate.open();
            assertTrue(ran2.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("H0", "H1", "H2", "M0", "M1", "M2", "L0", "L1", "L2"), order);
        }
    }

    @Test
    void shortestDeadlineFirstRunsByDeadlineNotArrival() throws Exception {
        Lane sdf = Lane.deadlineFirst("sdf");
        Levels levels = Levels.builder().level(sdf).build();
        ManualClock clock = new ManualClock(); // deadlines are values of the Exec's clock
        try (Exec exec = Exec.builder().name("sdf").levels(levels).clock(clock).daemon(true).build()) {
            List<Integer> order = new CopyOnWriteArrayList<>();
            long base = clock.nanoTime();
            List<Integer> deadlines = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                deadlines.add(i);
            }
            Collections.shuffle(deadlines, new java.util.Random(7));
            onExec(exec, () -> {
                for (int d : deadlines) {
                    exec.execute(sdf, base + d * 1_000_000L, () -> order.add(d));
                }
                exec.execute(sdf, base - 1, () -> order.add(-1)); // already late: first
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (order.size() < 51 && System.nanoTime() < deadline) { // onExec's barrier has deadline 0: first
                Thread.sleep(1);
            }
            List<Integer> expected = new ArrayList<>();
            expected.add(-1);
            for (int i = 0; i < 50; i++) {
                expected.add(i);
            }
            assertEquals(expected, order);
        }
    }

    @Test
    void roundRobinGivesEachLevelItsConfiguredShareOfTime() throws Exception {
        Lane a = Lane.fifo("a");
        Lane b = Lane.fifo("b");
        Lane c = Lane.fifo("c");
        long[] slicesMicros = {4000, 2000, 1000};
        Levels levels = Levels.builder().level(a).level(b).level(c)
            .roundRobin(Duration.ofNanos(slicesMicros[0] * 1000), Duration.ofNanos(slicesMicros[1] * 1000),
                Duration.ofNanos(slicesMicros[2] * 1000))
            .build();
        // A fake clock that only the tasks advance (20 µs each): the shares depend on the scheduler alone, not on
        // how often this shared machine pre-empts the Exec's thread.
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        final long taskNanos = 20_000;
        final long runFor = 2_000_000_000L; // 2 s of fake time: ~285 round-robin cycles
        long[] ran = new long[3];
        CountDownLatch finished = new CountDownLatch(1);
        try (Exec exec = Exec.builder().name("rr").levels(levels).turn(32, 4).clock(clock::get).daemon(true).build()) {
            Lane[] lanes = {a, b, c};
            long end = clock.get() + runFor;
            onExec(exec, () -> {
                for (int l = 0; l < 3; l++) {
                    int level = l;
                    for (int k = 0; k < 4; k++) { // every level always has work
                        exec.execute(lanes[level], new Runnable() {
                            @Override
                            public void run() {
                                if (clock.get() >= end) {
                                    finished.countDown();
                                    return;
                                }
                                clock.addAndGet(taskNanos);
                                ran[level]++; // owner thread only
                                exec.execute(lanes[level], this);
                            }
                        });
                    }
                }
            });
            assertTrue(finished.await(30, TimeUnit.SECONDS));
        } // close: happens-before the reads below
        double total = ran[0] + ran[1] + ran[2];
        double sliceTotal = slicesMicros[0] + slicesMicros[1] + slicesMicros[2];
        for (int l = 0; l < 3; l++) {
            double share = ran[l] / total;
            double configured = slicesMicros[l] / sliceTotal;
            assertTrue(Math.abs(share - configured) <= 0.10 * configured,
                "level " + l + ": share " + share + " vs configured " + configured);
        }
    }

    /** Records its two polls, yielding between them. */
    static final class TwoSteps extends AsyncTask {
        private final List<String> order;
        private int step;

        TwoSteps(List<String> order) {
            this.order = order;
        }

        @Override
        protected boolean poll() {
            order.add("T" + (++step));
            if (step == 1) {
                wake(); // yield
                return false;
            }
            return true;
        }
    }

    @Test
    void aWokenTaskIsRequeuedInItsFollowupLane() throws Exception {
        for (boolean withFollowup : new boolean[] {false, true}) {
            Lane responsive = Lane.fifo("responsive");
            Lane backlog = Lane.fifo("backlog");
            Levels.Builder lb = Levels.builder().level(responsive).level(backlog);
            if (withFollowup) {
                lb.followup(backlog, responsive);
            }
            try (Exec exec = Exec.builder().name("followup").levels(lb.build()).daemon(true).build()) {
                List<String> order = new CopyOnWriteArrayList<>();
                onExec(exec, () -> {
                    exec.spawn(backlog, new TwoSteps(order));
                    for (int i = 0; i < 3; i++) {
                        int n = i;
                        exec.execute(backlog, () -> order.add("B" + n));
                    }
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (order.size() < 5 && System.nanoTime() < deadline) { // onExec's barrier runs in `responsive`
                    Thread.sleep(1);
                }
                assertEquals(withFollowup ? List.of("T1", "T2", "B0", "B1", "B2") : List.of("T1", "B0", "B1", "B2", "T2"),
                    order, withFollowup ? "followup backlog→responsive" : "default followup: same lane");
            }
        }
    }

    /** Waits for {@code ready}; counts cancels. */
    static final class Waiter extends AsyncTask {
        final AtomicBoolean ready = new AtomicBoolean();
        final CountDownLatch polled = new CountDownLatch(1);
        final CountDownLatch finished = new CountDownLatch(1);
        final CountDownLatch cancelled = new CountDownLatch(1);

        @Override
        protected boolean poll() {
            boolean done = ready.get();
            if (done) {
                finished.countDown();
            }
            polled.countDown();
            return done;
        }

        @Override
        protected void onCancel() {
            cancelled.countDown();
        }
    }

    @Test
    void closeRunsCompleteOnCloseLanesToTheEndAndHandsBackExactlyTheOthers() throws Exception {
        Lane keep = Lane.fifo("keep");
        Lane drop = Lane.fifo("drop").completeOnClose(false);
        Levels levels = Levels.builder().level(keep).level(drop).build();
        Exec exec = Exec.builder().name("close").levels(levels).daemon(true).build();
        Waiter keepWaiter = new Waiter();
        Waiter dropWaiter = new Waiter();
        exec.spawn(keep, keepWaiter);
        exec.spawn(drop, dropWaiter);
        assertTrue(keepWaiter.polled.await(10, TimeUnit.SECONDS));
        assertTrue(dropWaiter.polled.await(10, TimeUnit.SECONDS));
        List<String> ran = new CopyOnWriteArrayList<>();
        List<Runnable> dropped = new ArrayList<>();
        Gate gate = Gate.hold(exec);
        for (int i = 0; i < 3; i++) {
            int n = i;
            exec.execute(keep, () -> ran.add("K" + n));
            Runnable d = () -> ran.add("D" + n);
            dropped.add(d);
            exec.execute(drop, d);
        }
        CompletableFuture<List<Runnable>> closed = exec.closeAsync();
        assertThrows(RejectedExecutionException.class, () -> exec.execute(keep, () -> { }), "closed");
        gate.open();
        assertTrue(dropWaiter.cancelled.await(10, TimeUnit.SECONDS), "suspended drop-lane task cancelled");
        assertFalse(exec.awaitTermination(100, TimeUnit.MILLISECONDS), "waits for the suspended keep task");
        assertFalse(closed.isDone());
        keepWaiter.ready.set(true);
        keepWaiter.wake(); // through the overflow queue: the ring is closed
        assertEquals(dropped, closed.get(10, TimeUnit.SECONDS), "exactly the unrun drop-lane tasks");
        assertEquals(List.of("K0", "K1", "K2"), ran);
        assertTrue(keepWaiter.finished.await(1, TimeUnit.SECONDS), "suspended keep task driven to the end");
        assertEquals(1, keepWaiter.cancelled.getCount(), "and not cancelled");
    }

    @Test
    void shutdownNowHandsBackEveryLanesTasks() throws Exception {
        Lane keep = Lane.fifo("keep");
        Lane drop = Lane.fifo("drop").completeOnClose(false);
        Exec exec = Exec.builder().name("now").levels(Levels.builder().level(keep, drop).build()).daemon(true).build();
        Gate gate = Gate.hold(exec);
        List<Runnable> submitted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Runnable r = () -> { };
            submitted.add(r);
            exec.execute(i % 2 == 0 ? keep : drop, r);
        }
        var back = exec.shutdownNow();
        gate.open();
        List<Runnable> handed = back.get(10, TimeUnit.SECONDS);
        assertEquals(submitted.size(), handed.size());
        assertTrue(handed.containsAll(submitted));
    }

    @Test
    void aGroupSharesOneDeclarativeSetup() throws Exception {
        Lane urgent = Lane.fifo("urgent");
        Lane bulk = Lane.fifo("bulk").completeOnClose(false);
        Levels levels = Levels.builder().level(urgent).level(bulk).build();
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .execSettings(Exec.builder().name("g").levels(levels).daemon(true)).build()) {
            CountDownLatch ran = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                group.execute(i % 2 == 0 ? urgent : bulk, ran::countDown);
            }
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < group.size(); i++) {
                assertEquals(levels, group.exec(i).levels());
            }
            assertEquals(List.of(), group.closeAsync().get(10, TimeUnit.SECONDS));
        }
    }

    /** A keep-lane task that waits for {@code promise} (a continuation registered on its Exec wakes it). */
    static final class AwaitsPromise extends AsyncTask {
        final Promise<String> promise;
        final CountDownLatch polled = new CountDownLatch(1);
        final CountDownLatch finished = new CountDownLatch(1);
        final CountDownLatch cancelled = new CountDownLatch(1);
        private boolean registered;

        AwaitsPromise(Promise<String> promise) {
            this.promise = promise;
        }

        @Override
        protected boolean poll() {
            if (!registered) {
                registered = true;
                promise.whenComplete((v, t) -> wake());
            }
            polled.countDown();
            if (promise.isDone()) {
                finished.countDown();
                return true;
            }
            return false;
        }

        @Override
        protected void onCancel() {
            cancelled.countDown();
        }
    }

    @Test
    void aGracefulCloseWithADefaultLaneThatIsNotCompleteOnCloseStillDeliversPromiseCompletions() throws Exception {
        Lane keep = Lane.fifo("keep");
        Lane bulk = Lane.fifo("bulk").completeOnClose(false);
        Levels levels = Levels.builder().level(keep).level(bulk).defaultLane(bulk).build();
        Exec exec = Exec.builder().name("close-default").levels(levels).daemon(true).build();
        try {
            AwaitsPromise waiter = new AwaitsPromise(new Promise<>(exec));
            exec.spawn(keep, waiter);
            assertTrue(waiter.polled.await(10, TimeUnit.SECONDS));
            CompletableFuture<List<Runnable>> closed = exec.closeAsync();
            assertFalse(exec.awaitTermination(50, TimeUnit.MILLISECONDS), "waits for the suspended keep task");
            waiter.promise.complete("done"); // from this thread: the completion travels to the Exec
            try {
                assertEquals(List.of(), closed.get(10, TimeUnit.SECONDS), "nothing of the user's was left");
            } catch (java.util.concurrent.TimeoutException hang) {
                throw new AssertionError("graceful close hangs: the promise completion was dropped with the "
                    + "default lane, so the keep task it would wake never finishes", hang);
            }
            assertTrue(waiter.finished.await(1, TimeUnit.SECONDS), "the keep task ran to the end");
            assertEquals(1, waiter.cancelled.getCount(), "and was not cancelled");
        } finally {
            exec.shutdownNow();
        }
    }

    @Test
    void aYieldDuringAGracefulCloseIsRunNotHandedBackWhenTheDefaultLaneIsNotCompleteOnClose() throws Exception {
        Lane keep = Lane.fifo("keep");
        Lane bulk = Lane.fifo("bulk").completeOnClose(false);
        Levels levels = Levels.builder().level(keep).level(bulk).defaultLane(bulk).build();
        Exec exec = Exec.builder().name("close-yield").levels(levels).daemon(true).build();
        try {
            CountDownLatch resumed = new CountDownLatch(1);
            Gate gate = new Gate();
            exec.execute(keep, gate);
            gate.awaitEntered();
            exec.execute(keep, () -> Exec.yieldNow().thenRun(resumed::countDown));
            CompletableFuture<List<Runnable>> closed = exec.closeAsync();
            gate.open();
            assertEquals(List.of(), closed.get(10, TimeUnit.SECONDS), "the yield was handed back as a user task");
            assertTrue(resumed.await(1, TimeUnit.SECONDS), "the keep task's continuation after its yield ran");
        } finally {
            exec.shutdownNow();
        }
    }

    @Test
    void aSpawnDroppedByAGracefulCloseFailsAtOnceSoATaskWaitingForItFinishes() throws Exception {
        Lane keep = Lane.fifo("keep");
        Lane bulk = Lane.fifo("bulk").completeOnClose(false);
        Levels levels = Levels.builder().level(keep).level(bulk).defaultLane(bulk).build();
        Exec exec = Exec.builder().name("close-spawn").levels(levels).daemon(true).build();
        try {
            AwaitsPromise[] waiter = new AwaitsPromise[1];
            CountDownLatch started = new CountDownLatch(1);
            Gate gate = new Gate();
            exec.execute(keep, gate);
            gate.awaitEntered();
            exec.execute(keep, () -> { // runs while the Exec closes: its spawn lands in the dropped default lane
                waiter[0] = new AwaitsPromise(exec.spawn(() -> CompletableFuture.completedFuture("x")));
                exec.spawn(keep, waiter[0]);
                started.countDown();
            });
            CompletableFuture<List<Runnable>> closed = exec.closeAsync();
            gate.open();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            try {
                assertEquals(List.of(), closed.get(10, TimeUnit.SECONDS), "a spawn is not handed back");
            } catch (java.util.concurrent.TimeoutException hang) {
                throw new AssertionError("graceful close hangs: the dropped spawn's promise is only failed when "
                    + "the Exec finishes, and the keep task waiting for it keeps the Exec from finishing", hang);
            }
            assertTrue(waiter[0].promise.isCancelled() || waiter[0].promise.isCompletedExceptionally(),
                waiter[0].promise.toString());
            assertTrue(waiter[0].finished.await(1, TimeUnit.SECONDS), "the keep task ran to the end");
        } finally {
            exec.shutdownNow();
        }
    }

    @Test
    void theSixtyFourthLaneTheMasksTopBitRunsInPriorityOrder() throws Exception {
        Lane[] lanes = new Lane[64];
        Levels.Builder b = Levels.builder();
        for (int i = 0; i < 64; i++) {
            lanes[i] = Lane.fifo("lane" + i);
            b.level(lanes[i]); // lane 63 is the lowest level and bit 63, the sign bit of the mask
        }
        Levels levels = b.build();
        try (Exec exec = Exec.builder().name("64-lanes").levels(levels).daemon(true).build()) {
            List<Integer> order = new CopyOnWriteArrayList<>();
            CountDownLatch ran = new CountDownLatch(3);
            onExec(exec, () -> {
                for (int i : new int[] {63, 0, 62}) {
                    exec.execute(lanes[i], () -> { order.add(i); ran.countDown(); });
                }
            });
            assertTrue(ran.await(10, TimeUnit.SECONDS), "lane 63 never ran");
            assertEquals(List.of(0, 62, 63), order);
        }
    }

    @Test
    void badConfigurationAndBadLanesAreRefusedWithClearMessages() throws Exception {
        Lane a = Lane.fifo("a");
        Levels levels = Levels.builder().level(a).build();
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
            () -> Levels.builder().level(a).build());
        assertTrue(twice.getMessage().contains("'a'"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Levels.builder().build());
        assertThrows(IllegalArgumentException.class, () -> Levels.builder().level());
        Lane x = Lane.fifo("x");
        Lane y = Lane.fifo("y");
        IllegalArgumentException slices = assertThrows(IllegalArgumentException.class,
            () -> Levels.builder().level(x).level(y).roundRobin(Duration.ofMillis(1)).build());
        assertTrue(slices.getMessage().contains("2 levels, 1 slices"), slices.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> Levels.builder().level(Lane.fifo("z")).roundRobin(Duration.ZERO));
        Lane stranger = Lane.fifo("stranger");
        assertThrows(IllegalArgumentException.class,
            () -> Levels.builder().level(Lane.fifo("w")).followup(stranger, stranger).build());
        try (Exec exec = Exec.builder().name("bad").levels(levels).daemon(true).build();
             Exec plain = Exec.builder().name("plain").daemon(true).build()) {
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> exec.execute(stranger, () -> { }));
            assertTrue(foreign.getMessage().contains("stranger"), foreign.getMessage());
            IllegalStateException none = assertThrows(IllegalStateException.class, () -> plain.execute(a, () -> { }));
            assertTrue(none.getMessage().contains("without Levels"), none.getMessage());
            assertThrows(NullPointerException.class, () -> exec.execute(a, null));
        }
    }
}
