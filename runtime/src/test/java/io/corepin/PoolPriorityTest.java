package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pool-wide priority: levels and work balancing together. A busy Exec donates its highest-level un-keyed work to a
 * less-loaded sibling, into the same lane there; keyed and pinned work never moves; every task runs exactly once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolPriorityTest {
    private final Lane realtime = Lane.fifo("realtime");
    private final Lane responsive = Lane.fifo("responsive");
    private final Lane deadlines = Lane.deadlineFirst("deadlines");
    private final Lane backlog = Lane.fifo("backlog");
    /** The deadline lane first in its level: a donation takes from it before the backlog lane. */
    private final Levels levels = Levels.builder().level(realtime).level(responsive).level(deadlines, backlog)
        .defaultLane(backlog).build();

    /** Two Execs with levels; every un-keyed submit goes to Exec 0 (the worst skew). */
    private ExecGroup skewed(WorkBalancing balancing) {
        return ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .balancer((task, group) -> 0)
            .backpressure(Backpressure.block(Duration.ofSeconds(10)))
            .workBalancing(balancing)
            .detourStalled(false) // the gate building the backlog is a stall: donation is tested, not the detour
            .rescueStalled(false) // nor the stall rescue
            .execSettings(Exec.builder().name("pp").ringCapacity(4096).levels(levels).daemon(true)).build();
    }

    private static void spin(long nanos) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            Thread.onSpinWait();
        }
    }

    private static int on(ExecGroup group) {
        return Exec.current() == group.exec(0) ? 0 : Exec.current() == group.exec(1) ? 1 : -1;
    }

    /** (a) levels + balancing: balancing is not silently off — the sibling runs donated lane work. */
    @Test
    void levelsAndBalancingTogetherDonateUnkeyedWork() throws Exception {
        try (ExecGroup group = skewed(WorkBalancing.donateAbove(64))) {
            final int n = 2_000;
            AtomicIntegerArray where = new AtomicIntegerArray(2);
            CountDownLatch done = new CountDownLatch(n);
            Gate gate = Gate.hold(group.exec(0));
            for (int i = 0; i < n; i++) {
                Runnable task = () -> {
                    spin(20_000);
                    where.incrementAndGet(on(group));
                    done.countDown();
                };
                if (i % 4 == 0) {
                    group.execute(task); // plain: the default lane
                } else {
                    group.execute(backlog, task);
                }
            }
            gate.open();
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertTrue(group.exec(0).tasksDonated() > 0, "Exec 0 donated nothing: balancing is off with levels");
            assertTrue(where.get(1) >= n / 5, "only " + where.get(1) + " of " + n + " ran on the sibling");
        }
    }

    /** (b) a realtime task behind a flood of backlog work on Exec 0 runs long before the flood drains. */
    @Test
    void realtimeWorkBehindAFloodDoesNotWaitForIt() throws Exception {
        try (ExecGroup group = skewed(WorkBalancing.donateAbove(64))) {
            final int n = 2_000;
            AtomicInteger lowsDone = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(n);
            Gate gate = Gate.hold(group.exec(0));
            for (int i = 0; i < n; i++) {
                group.execute(backlog, () -> {
                    spin(20_000);
                    lowsDone.incrementAndGet();
                    done.countDown();
                });
            }
            AtomicInteger lowsBeforeRealtime = new AtomicInteger(-1);
            CountDownLatch rt = new CountDownLatch(1);
            group.execute(realtime, () -> {
                lowsBeforeRealtime.set(lowsDone.get());
                rt.countDown();
            });
            gate.open();
            assertTrue(rt.await(10, TimeUnit.SECONDS), "the realtime task never ran");
            assertTrue(lowsBeforeRealtime.get() < n / 4, lowsBeforeRealtime.get() + " of " + n
                + " backlog tasks ran before the realtime task queued behind them");
            assertTrue(done.await(30, TimeUnit.SECONDS));
        }
    }

    /** (c) keyed lane work, direct work and promise work stay on their Exec, in order, while the rest moves. */
    @Test
    void keyedAndPinnedWorkNeverMoves() throws Exception {
        try (ExecGroup group = skewed(WorkBalancing.donateAbove(16, 64))) {
            long key = 0;
            while (group.indexFor(key) != 0) {
                key++;
            }
            final int n = 1_000;
            List<Integer> keyedOrder = new CopyOnWriteArrayList<>();
            List<Integer> directOrder = new CopyOnWriteArrayList<>();
            AtomicIntegerArray pinnedOn = new AtomicIntegerArray(2);
            CountDownLatch done = new CountDownLatch(3 * n);
            List<Promise<Exec>> promises = new ArrayList<>();
            Gate gate = Gate.hold(group.exec(0));
            for (int i = 0; i < n; i++) {
                int k = i;
                group.execute(i % 2 == 0 ? backlog : realtime, () -> {
                    spin(5_000);
                    done.countDown();
                });
                group.execute(realtime, key, 0L, () -> {
                    keyedOrder.add(k);
                    pinnedOn.incrementAndGet(on(group));
                    done.countDown();
                });
                group.exec(0).execute(backlog, () -> {
                    directOrder.add(k);
                    pinnedOn.incrementAndGet(on(group));
                    done.countDown();
                });
                if (i % 100 == 0) {
                    promises.add(group.submit(backlog, Exec::current));
                }
            }
            gate.open();
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(0, pinnedOn.get(1), "keyed or direct tasks ran on the sibling");
            for (int i = 0; i < n; i++) {
                assertEquals(i, keyedOrder.get(i), "keyed order");
                assertEquals(i, directOrder.get(i), "direct order");
            }
            for (Promise<Exec> p : promises) {
                assertSame(group.exec(0), p.get(5, TimeUnit.SECONDS), "a promise task moved");
            }
            assertTrue(group.exec(0).tasksDonated() > 0, "the movable ones did move");
        }
    }

    /** (d) a donated task keeps its lane (and its deadline) on the receiver. */
    @Test
    void aDonatedTaskLandsInItsOwnLevelOnTheReceiver() throws Exception {
        try (ExecGroup group = skewed(WorkBalancing.donateAbove(64, 16))) {
            Exec receiver = group.exec(1);
            List<String> onReceiver = new CopyOnWriteArrayList<>();
            Gate held = Gate.hold(receiver);
            for (int i = 0; i < 10; i++) {
                int k = i;
                receiver.execute(backlog, () -> onReceiver.add("low" + k)); // queued there first, lowest level
            }
            receiver.execute(deadlines, 50, () -> onReceiver.add("d50"));
            Gate gate = Gate.hold(group.exec(0));
            AtomicInteger left = new AtomicInteger();
            Runnable record = () -> {
                if (Exec.current() == receiver) {
                    onReceiver.add("x");
                }
                left.decrementAndGet();
            };
            final int lows = 80; // Exec 0 above the threshold for one donation, the receiver stays below it
            left.set(lows + 20 + 2);
            for (int i = 0; i < lows; i++) {
                group.execute(backlog, () -> {
                    spin(2_000);
                    left.decrementAndGet();
                });
            }
            for (int i = 0; i < 20; i++) {
                int k = i;
                group.execute(responsive, () -> {
                    if (Exec.current() == receiver) {
                        onReceiver.add("resp" + k);
                    }
                    left.decrementAndGet();
                });
            }
            group.execute(deadlines, 100, () -> {
                if (Exec.current() == receiver) {
                    onReceiver.add("d100");
                }
                left.decrementAndGet();
            });
            group.execute(deadlines, 900, record);
            gate.open();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            try {
                while (group.exec(0).tasksDonated() == 0 || group.exec(0).depth() > 0) { // Exec 0 sorted it all
                    assertTrue(System.nanoTime() < until, "Exec 0 never donated");
                    Thread.sleep(1);
                }
            } finally {
                held.open();
            }
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (left.get() > 0 || onReceiver.stream().filter(s -> s.startsWith("low")).count() < 10) {
                assertTrue(System.nanoTime() < until, "tasks left: " + left.get());
                Thread.sleep(1);
            }
            List<String> seen = new ArrayList<>(onReceiver);
            int firstLow = seen.indexOf("low0");
            int lastResp = -1;
            for (int i = 0; i < seen.size(); i++) {
                if (seen.get(i).startsWith("resp")) {
                    lastResp = i;
                }
            }
            assertTrue(lastResp >= 0, "no responsive task was donated: " + seen);
            assertTrue(lastResp < firstLow, "a donated responsive task ran below its level: " + seen);
            int d50 = seen.indexOf("d50");
            int d100 = seen.indexOf("d100");
            assertTrue(d100 >= 0, "the deadline-100 task was not donated: " + seen);
            assertTrue(d50 < d100, "the donated deadline-100 task lost its deadline: " + seen);
        }
    }

    /** (e) exactly once: tasks across every lane, under balancing, with a graceful close while some are queued. */
    @Test
    void everyTaskRunsExactlyOnceUnderBalancing() throws Exception {
        final int n = 20_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        AtomicIntegerArray where = new AtomicIntegerArray(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Lane[] lanes = {realtime, responsive, deadlines, backlog};
        ExecGroup group = skewed(WorkBalancing.donateAbove(32, 64));
        try {
            Thread[] producers = new Thread[2];
            for (int p = 0; p < producers.length; p++) {
                int from = p * (n / 2);
                producers[p] = new Thread(() -> {
                    try {
                        for (int i = from; i < from + n / 2; i++) {
                            int k = i;
                            Runnable task = () -> {
                                spin(1_000);
                                runs.incrementAndGet(k);
                                where.incrementAndGet(on(group));
                            };
                            Lane lane = lanes[i % lanes.length];
                            if (i % 7 == 0) {
                                group.execute(task);
                            } else {
                                group.execute(lane, (i * 31L) % 1000, task);
                            }
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                });
                producers[p].start();
            }
            for (Thread t : producers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertTrue(!t.isAlive(), "producer stuck");
            }
            assertEquals(null, failure.get());
        } finally {
            List<Runnable> notRun = group.closeAsync().get(30, TimeUnit.SECONDS); // every lane completes on close
            assertEquals(List.of(), notRun);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, runs.get(i), "task " + i + " ran exactly once");
        }
        assertNotNull(group.exec(0));
        assertTrue(group.exec(0).tasksDonated() > 0, "nothing was donated");
        assertTrue(where.get(1) > 0, "nothing ran on the sibling");
    }
}
