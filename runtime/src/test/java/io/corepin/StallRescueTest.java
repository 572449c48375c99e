package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.balance.LoadBalancer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stall rescue ({@link ExecGroup.Builder#rescueStalled}): while the stall guard has a task reported as holding an
 * Exec past its threshold, the un-keyed group work already queued in that Exec's ring behind it moves to siblings,
 * each task exactly once — all but the entry right behind the stalled task, which the owner may already hold; keyed
 * work and work submitted to the Exec itself stay, in order.
 * The detour is off in these tests, so that only the rescue can move work.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StallRescueTest {
    private final ManualClock clock = new ManualClock();

    /** Every un-keyed submit to Exec 0: without a rescue, all of them would wait behind its stalled task. */
    private static final LoadBalancer ALWAYS_ZERO = (task, targets) -> 0;

    private ExecGroup group(String name, boolean rescue) {
        return ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).balancer(ALWAYS_ZERO)
            .detourStalled(false).rescueStalled(rescue)
            .execSettings(Exec.builder().name(name).clock(clock).daemon(true)) // 10 ms stall threshold
            .build();
    }



    private final List<StallGuard.Report> reports = Collections.synchronizedList(new ArrayList<>());
    private final java.util.function.Consumer<StallGuard.Report> listener = reports::add;

    @org.junit.jupiter.api.BeforeEach
    void listen() {
        StallGuard.LISTENERS.add(listener);
    }

    @org.junit.jupiter.api.AfterEach
    void stopListening() {
        StallGuard.LISTENERS.remove(listener);
    }

    /** The stall report for {@code exec} (listeners run after the count: waits up to 5 s). */
    private StallGuard.Report reportOf(Exec exec) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            synchronized (reports) {
                for (StallGuard.Report r : reports) {
                    if (r.exec.equals(exec.name())) {
                        return r;
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "no report for " + exec + ": " + reports);
            Thread.sleep(2);
        }
    }

    @Test
    void unkeyedWorkQueuedBehindAStalledTaskMovesToASiblingExactlyOnceAndTheRestStays() throws Exception {
        try (ExecGroup g = group("rescue", true)) {
            final int n = 40;
            final AtomicIntegerArray runs = new AtomicIntegerArray(n);
            final AtomicReferenceArray<Exec> ranOn = new AtomicReferenceArray<>(n);
            final CountDownLatch unkeyed = new CountDownLatch(n);
            final List<String> stayed = Collections.synchronizedList(new ArrayList<>());
            final CountDownLatch stays = new CountDownLatch(8); // 4 keyed, 4 direct
            final long key = Stalls.keyOf(g, 0);
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            g.exec(0).execute(holder);
            try {
                assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
                // queued while the holder runs: behind its burst, in Exec 0's ring
                for (int i = 0; i < n; i++) {
                    final int id = i;
                    g.execute(() -> {
                        runs.incrementAndGet(id);
                        ranOn.set(id, Exec.current());
                        unkeyed.countDown();
                    });
                    if (i % 10 == 0) {
                        final int k = i / 10;
                        g.execute(key, () -> {
                            stayed.add("keyed-" + k + "@" + Exec.current().name());
                            stays.countDown();
                        });
                        g.exec(0).execute(() -> {
                            stayed.add("direct-" + k + "@" + Exec.current().name());
                            stays.countDown();
                        });
                    }
                }
                assertEquals(0, g.exec(0).rescued());
                Stalls.awaitReported(clock, g.exec(0), holder);
                // all but task 0: the entry right behind the held one, which the owner may already hold, stays
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (unkeyed.getCount() > 1 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertEquals(1, unkeyed.getCount(), (n - unkeyed.getCount()) + " of " + n
                    + " queued un-keyed tasks ran while Exec 0 was held (all but one should have moved)");
                assertEquals(0, runs.get(0), "the entry right behind the held task ran (it cannot have moved)");
                for (int i = 1; i < n; i++) {
                    assertSame(g.exec(1), ranOn.get(i), "task " + i + " ran on " + ranOn.get(i));
                }
                assertEquals(n - 1, g.exec(0).rescued(), "tasks moved out of Exec 0");
                // the report: what was moved, and what still waits — the held task's burst (itself), task 0, 4 keyed
                // and 4 direct; the moved tasks' slots (tombstones until Exec 0 drains them) are not counted
                final StallGuard.Report r = reportOf(g.exec(0));
                assertEquals(n - 1, r.moved, r.toString());
                assertEquals(10, r.queued, r.toString());
                assertTrue(r.toString().contains("10 tasks in its ring wait behind it"), r.toString());
                assertTrue(r.toString().contains((n - 1) + " queued un-keyed tasks moved to siblings"), r.toString());
                assertEquals(0, g.exec(1).rescued());
                assertTrue(stayed.isEmpty(), "keyed or direct work left Exec 0 or overtook the held task: " + stayed);
            } finally {
                holder.hold.release(); // also when an assertion failed: the group must be able to close
            }
            assertTrue(stays.await(5, TimeUnit.SECONDS), "keyed and direct work after the held task: " + stayed);
            assertTrue(unkeyed.await(5, TimeUnit.SECONDS), "task 0 after the held task");
            assertSame(g.exec(0), ranOn.get(0), "task 0 stayed on Exec 0");
            final List<String> keyed = new ArrayList<>();
            final List<String> direct = new ArrayList<>();
            synchronized (stayed) {
                for (String s : stayed) {
                    assertTrue(s.endsWith("@" + g.exec(0).name()), s + " did not run on Exec 0");
                    (s.startsWith("keyed") ? keyed : direct).add(s.substring(0, s.indexOf('@')));
                }
            }
            assertEquals(List.of("keyed-0", "keyed-1", "keyed-2", "keyed-3"), keyed);
            assertEquals(List.of("direct-0", "direct-1", "direct-2", "direct-3"), direct);
            g.exec(0).submit(() -> null).get(5, TimeUnit.SECONDS); // Exec 0 has run its ring to the end
            g.exec(1).submit(() -> null).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), "task " + i + " ran " + runs.get(i) + " times");
            }
            awaitTasksRun(g, 1 + n + 8 + 2);
            assertEquals(1 + n + 8 + 2, g.exec(0).tasksRun() + g.exec(1).tasksRun(),
                "tasks run over the group (a moved slot is not counted on the Exec it left): holder, "
                    + n + " un-keyed, 8 stayed, 2 markers");
        }
    }

    /** Tasks-run counts are published at the end of each turn: waits (5 s) until the group's reach {@code n}. */
    private static void awaitTasksRun(ExecGroup g, long n) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (g.exec(0).tasksRun() + g.exec(1).tasksRun() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    /** With levels: un-keyed lane submits queued in the ring move (into the same lane there); keyed ones stay. */
    @Test
    void withLevelsQueuedUnkeyedLaneWorkMovesAndKeyedLaneWorkStays() throws Exception {
        final io.corepin.levels.Lane realtime = io.corepin.levels.Lane.fifo("realtime");
        final io.corepin.levels.Lane rest = io.corepin.levels.Lane.fifo("rest");
        final io.corepin.levels.Levels levels = io.corepin.levels.Levels.builder().level(realtime).level(rest)
            .defaultLane(rest).build();
        try (ExecGroup g = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).balancer(ALWAYS_ZERO)
            .detourStalled(false).execSettings(Exec.builder().name("rescue-levels").clock(clock).levels(levels)
                .daemon(true)).build()) {
            final int n = 20;
            final AtomicReferenceArray<Exec> ranOn = new AtomicReferenceArray<>(n);
            final CountDownLatch unkeyed = new CountDownLatch(n);
            final List<Integer> keyedOrder = Collections.synchronizedList(new ArrayList<>());
            final CountDownLatch keyed = new CountDownLatch(3);
            final long key = Stalls.keyOf(g, 0);
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            g.exec(0).execute(holder);
            try {
                assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
                for (int i = 0; i < n; i++) {
                    final int id = i;
                    g.execute(realtime, () -> {
                        ranOn.set(id, Exec.current());
                        unkeyed.countDown();
                    });
                    if (i % 7 == 0) {
                        final int k = i / 7;
                        g.execute(realtime, key, 0L, () -> {
                            keyedOrder.add(k);
                            assertSame(g.exec(0), Exec.current());
                            keyed.countDown();
                        });
                    }
                }
                Stalls.awaitReported(clock, g.exec(0), holder);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (unkeyed.getCount() > 1 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertEquals(1, unkeyed.getCount(), "un-keyed lane work left waiting: " + unkeyed.getCount());
                for (int i = 1; i < n; i++) {
                    assertSame(g.exec(1), ranOn.get(i), "task " + i + " ran on " + ranOn.get(i));
                }
                assertTrue(keyedOrder.isEmpty(), "keyed lane work overtook the held task: " + keyedOrder);
            } finally {
                holder.hold.release();
            }
            assertTrue(keyed.await(5, TimeUnit.SECONDS) && unkeyed.await(5, TimeUnit.SECONDS));
            assertEquals(List.of(0, 1, 2), keyedOrder);
            assertSame(g.exec(0), ranOn.get(0));
        }
    }

    /**
     * A stop after a rescue: Exec 0's hand-back holds exactly the tasks still in its ring (the one behind the held
     * task, the direct ones) — no tombstone, none of the moved tasks, which ran once on Exec 1.
     */
    @Test
    void shutdownNowAfterARescueHandsBackWhatStayedAndNothingThatMoved() throws Exception {
        final ExecGroup g = group("rescue-stop", true);
        final StallGuardTest.Holder holder = new StallGuardTest.Holder();
        final int n = 12;
        final AtomicIntegerArray runs = new AtomicIntegerArray(n);
        final CountDownLatch moved = new CountDownLatch(n - 1);
        final List<Runnable> tasks = new ArrayList<>();
        final List<Runnable> direct = new ArrayList<>();
        try {
            g.exec(0).execute(holder);
            assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < n; i++) {
                final int id = i;
                final Runnable task = () -> {
                    runs.incrementAndGet(id);
                    moved.countDown();
                };
                tasks.add(task);
                g.execute(task);
            }
            for (int i = 0; i < 3; i++) {
                final Runnable d = () -> { };
                direct.add(d);
                g.exec(0).execute(d);
            }
            Stalls.awaitReported(clock, g.exec(0), holder);
            assertTrue(moved.await(5, TimeUnit.SECONDS), "moved tasks did not run on Exec 1: " + moved.getCount());
            final java.util.concurrent.CompletableFuture<List<Runnable>> back = g.exec(0).shutdownNow();
            holder.hold.release(); // the held task returns; the stop takes what is left
            final List<Runnable> handedBack = back.get(10, TimeUnit.SECONDS);
            final List<Runnable> expected = new ArrayList<>();
            expected.add(tasks.get(0)); // the entry right behind the held task
            expected.addAll(direct);
            assertEquals(expected, handedBack, "Exec 0's hand-back after the rescue");
            for (int i = 1; i < n; i++) {
                assertEquals(1, runs.get(i), "task " + i + " ran " + runs.get(i) + " times");
            }
            assertEquals(0, runs.get(0), "the handed-back task also ran");
        } finally {
            holder.hold.release();
            g.shutdownNow().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGroupThatOptsOutLeavesQueuedWorkBehindTheStalledTask() throws Exception {
        try (ExecGroup g = group("no-rescue", false)) {
            final CountDownLatch done = new CountDownLatch(10);
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            g.exec(0).execute(holder);
            try {
                assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
                for (int i = 0; i < 10; i++) {
                    g.execute(done::countDown);
                }
                Stalls.awaitReported(clock, g.exec(0), holder);
                assertFalse(done.await(300, TimeUnit.MILLISECONDS), "queued work ran with the Exec held");
                assertEquals(10, done.getCount());
                assertEquals(0, g.exec(0).rescued());
            } finally {
                holder.hold.release();
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
        }
    }

    /**
     * The race the hand-over is for: tasks that hold Exec 0 past the threshold (1 ms) by 0 to 3 ms return while the
     * guard is moving work, again and again, with producers submitting all the time. Every task runs exactly once.
     */
    @Test
    void everyTaskRunsExactlyOnceWhileStallsComeAndGoUnderLoad() throws Exception {
        try (ExecGroup g = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).balancer(ALWAYS_ZERO)
            .detourStalled(false).execSettings(Exec.builder().name("rescue-race").daemon(true)
                .ringCapacity(1024).stallThreshold(1, TimeUnit.MILLISECONDS))
            .backpressure(Backpressure.block(java.time.Duration.ofSeconds(10))).build()) {
            final int n = 60_000;
            final AtomicIntegerArray runs = new AtomicIntegerArray(n);
            final CountDownLatch done = new CountDownLatch(n);
            final Thread[] producers = new Thread[2];
            for (int p = 0; p < producers.length; p++) {
                final int first = p;
                producers[p] = new Thread(() -> {
                    for (int i = first; i < n; i += producers.length) {
                        final int id = i;
                        g.execute(() -> {
                            if (id % 500 == 0) { // 1 to 4 ms: some return just as the guard moves work
                                final long until = System.nanoTime() + 1_000_000 + (id * 7919L) % 3_000_000;
                                while (System.nanoTime() < until) {
                                    Thread.onSpinWait(); // holds Exec 0 past its 1 ms threshold: a stall
                                }
                            }
                            runs.incrementAndGet(id);
                            done.countDown();
                        });
                    }
                }, "producer-" + p);
                producers[p].start();
            }
            for (Thread t : producers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertFalse(t.isAlive(), t.getName() + " still submitting after 30 s");
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), (n - done.getCount()) + " of " + n + " tasks ran");
            g.exec(0).submit(() -> null).get(5, TimeUnit.SECONDS);
            g.exec(1).submit(() -> null).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), "task " + i + " ran " + runs.get(i) + " times");
            }
            assertTrue(g.exec(0).stalls() > 0, "no stall was reported: the test did not test the hand-over");
            assertTrue(g.exec(0).rescued() > 0, "nothing was moved: the test did not test the hand-over");
        }
    }

    /**
     * The hand-over itself, with no stall to wait for: the owner drains a flood of short tasks (about 1 µs each, so
     * that its ring stays deep and its drains run whole bursts) while another thread moves what waits in its ring
     * again and again (the guard's own step, called directly; no stall guard on these Execs, so it is the only
     * caller). Every move races the owner's next read. Every task runs exactly once.
     */
    @Test
    void movesRacingAnOwnerThatDrainsAtFullSpeedRunEveryTaskExactlyOnce() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.corepin.affinity.Membarrier.isAvailable(),
            "needs membarrier(2): " + io.corepin.affinity.Membarrier.unavailableReason());
        try (ExecGroup g = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).balancer(ALWAYS_ZERO)
            .detourStalled(false).execSettings(Exec.builder().name("rescue-hand-over").daemon(true)
                .ringCapacity(256).stallThreshold(0, TimeUnit.MILLISECONDS))
            .backpressure(Backpressure.block(java.time.Duration.ofSeconds(10))).build()) {
            final int n = 50_000;
            final AtomicIntegerArray runs = new AtomicIntegerArray(n);
            final CountDownLatch done = new CountDownLatch(n);
            final Exec owner = g.exec(0);
            final java.util.concurrent.atomic.AtomicBoolean producing =
                new java.util.concurrent.atomic.AtomicBoolean(true);
            final long[] moved = new long[1];
            final Thread mover = new Thread(() -> {
                while (producing.get()) {
                    moved[0] += owner.rescue().moveQueued(owner, owner.inbound().ring());
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000); // bounded: 20 µs between moves
                }
            }, "mover");
            mover.start();
            final Thread producer = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    final int id = i;
                    g.execute(() -> {
                        final long until = System.nanoTime() + 1_000; // about 1 µs: the ring stays deep
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        runs.incrementAndGet(id);
                        done.countDown();
                    });
                }
            }, "producer");
            producer.start();
            producer.join(TimeUnit.SECONDS.toMillis(40));
            assertFalse(producer.isAlive(), "still submitting after 40 s");
            assertTrue(done.await(30, TimeUnit.SECONDS), (n - done.getCount()) + " of " + n + " tasks ran");
            producing.set(false);
            mover.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(mover.isAlive());
            owner.submit(() -> null).get(5, TimeUnit.SECONDS);
            g.exec(1).submit(() -> null).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), "task " + i + " ran " + runs.get(i) + " times");
            }
            assertTrue(moved[0] > 0, "nothing was moved: the test did not test the hand-over");
            assertEquals(moved[0], owner.rescued());
        }
    }
}
