package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Work balancing: a skewed group spreads un-keyed work; keyed work never moves and keeps its order. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkBalancingTest {
    private static final int TASKS = 2_000;

    private static ExecGroup skewed(WorkBalancing balancing) {
        return ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .balancer((task, group) -> 0) // everything to Exec 0: the worst skew
            .backpressure(Backpressure.block(java.time.Duration.ofSeconds(10)))
            .workBalancing(balancing)
            .detourStalled(false) // the gate that builds the backlog is a stall (> 10 ms on a busy machine): the
            // stall detour would send the un-keyed work to the sibling before any donation; here donation is tested
            .rescueStalled(false) // and the stall rescue would move the queued work there (seen at load 10)
            .execSettings(Exec.builder().name("wb").ringCapacity(4096).daemon(true)).build();
    }

    private static void spin(long nanos) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            Thread.onSpinWait();
        }
    }

    /** Runs TASKS un-keyed tasks; returns how many ran on Exec 1, after checking each ran exactly once. */
    private static int runSkewed(ExecGroup group) throws InterruptedException {
        AtomicIntegerArray runs = new AtomicIntegerArray(TASKS);
        AtomicIntegerArray where = new AtomicIntegerArray(2);
        CountDownLatch done = new CountDownLatch(TASKS);
        Gate gate = Gate.hold(group.exec(0)); // let a backlog build up
        for (int i = 0; i < TASKS; i++) {
            int n = i;
            group.execute(() -> {
                spin(20_000);
                runs.incrementAndGet(n);
                where.incrementAndGet(Exec.current() == group.exec(0) ? 0 : 1);
                done.countDown();
            });
        }
        gate.open();
        assertTrue(done.await(30, TimeUnit.SECONDS));
        for (int i = 0; i < TASKS; i++) {
            assertEquals(1, runs.get(i), "task " + i + " ran exactly once");
        }
        return where.get(1);
    }

    @Test
    void anOverloadedExecPushesUnkeyedWorkToItsIdleSibling() throws Exception {
        try (ExecGroup group = skewed(WorkBalancing.donateAbove(64))) {
            int onSibling = runSkewed(group);
            assertTrue(onSibling >= TASKS / 5, "only " + onSibling + " of " + TASKS + " moved");
            // each task ends on Exec 1 iff it crossed 0→1 once more than 1→0 (a sibling may donate back)
            assertEquals(onSibling, group.exec(0).tasksDonated() - group.exec(1).tasksDonated());
        }
    }

    @Test
    void withoutBalancingWorkStaysWhereTheBalancerPutIt() throws Exception {
        try (ExecGroup group = skewed(WorkBalancing.off())) {
            assertEquals(0, runSkewed(group));
            assertEquals(0, group.exec(0).tasksDonated());
        }
    }

    @Test
    void keyedAndDirectWorkNeverMigratesAndKeepsItsOrder() throws Exception {
        try (ExecGroup group = skewed(WorkBalancing.donateAbove(16, 64))) {
            long key = 0;
            while (group.indexFor(key) != 0) {
                key++;
            }
            List<Integer> keyedOrder = new CopyOnWriteArrayList<>();
            AtomicIntegerArray keyedOn = new AtomicIntegerArray(2);
            CountDownLatch done = new CountDownLatch(2 * TASKS);
            Gate gate = Gate.hold(group.exec(0));
            for (int i = 0; i < TASKS; i++) {
                int n = i;
                group.execute(() -> {
                    spin(5_000);
                    done.countDown();
                });
                Runnable pinned = () -> {
                    keyedOrder.add(n);
                    keyedOn.incrementAndGet(Exec.current() == group.exec(0) ? 0 : 1);
                    done.countDown();
                };
                if (i % 2 == 0) {
                    group.execute(key, pinned);
                } else {
                    group.exec(0).execute(pinned); // direct submissions stay too
                }
            }
            gate.open();
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(0, keyedOn.get(1), "keyed/direct tasks ran on the sibling");
            for (int i = 0; i < TASKS; i++) {
                assertEquals(i, keyedOrder.get(i));
            }
            assertTrue(group.exec(0).tasksDonated() > 0, "the movable ones did move");
        }
    }

    @Test
    void badSettingsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkBalancing.donateAbove(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkBalancing.donateAbove(10, 0));
    }
}
