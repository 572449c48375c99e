package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stall detour ({@link ExecGroup.Builder#detourStalled}): while the stall guard has reported that the task now
 * running holds an Exec past its threshold, the group sends un-keyed work to a sibling; keyed work still goes to its
 * key's Exec and waits, in order. Time is the Execs' {@link ManualClock}; the stalled task holds on a latch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StallDetourTest {
    private final ManualClock clock = new ManualClock();

    private ExecGroup group(String name, boolean detour) {
        return ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).detourStalled(detour).rescueStalled(detour)
            .execSettings(Exec.builder().name(name).clock(clock).daemon(true)) // 10 ms stall threshold
            .build();
    }



    /** Un-keyed group submits of {@code n} tasks that record the Exec they ran on; waits up to 5 s for them. */
    private static List<Exec> runUnkeyed(ExecGroup g, int n) throws InterruptedException {
        final List<Exec> ranOn = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            g.execute(() -> {
                ranOn.add(Exec.current());
                done.countDown();
            });
        }
        assertTrue(done.await(5, TimeUnit.SECONDS), "only " + (n - done.getCount()) + " of " + n
            + " un-keyed tasks ran within 5 s; ran on " + ranOn);
        return ranOn;
    }

    @Test
    void unkeyedWorkGoesToASiblingWhileAnExecIsStalledAndBackOnceTheTaskReturns() throws Exception {
        try (ExecGroup g = group("detour", true)) {
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            g.exec(0).execute(holder);
            try {
                Stalls.awaitReported(clock, g.exec(0), holder);
                // (a) round robin would put every other task on Exec 0, behind the held task
                for (Exec e : runUnkeyed(g, 20)) {
                    assertSame(g.exec(1), e, "an un-keyed task ran on " + e);
                }
                // spawn/submit without a key take the same route
                assertSame(g.exec(1), g.submit(Exec::current).get(5, TimeUnit.SECONDS));
                assertSame(g.exec(1), g.submit(Exec::current).get(5, TimeUnit.SECONDS));
                assertTrue(g.trySubmit(() -> { }));
            } finally {
                holder.hold.release(); // also when an assertion failed: the group must be able to close
            }
            assertTrue(holder.done.await(10, TimeUnit.SECONDS));
            g.exec(0).submit(() -> null).get(5, TimeUnit.SECONDS); // the turn that ran the holder has ended
            // (d) the task returned: Exec 0 gets its share again, at once (the guard need not look first)
            final List<Exec> after = runUnkeyed(g, 20);
            assertTrue(after.contains(g.exec(0)) && after.contains(g.exec(1)), "after the stall: " + after);
        }
    }

    @Test
    void keyedWorkStillGoesToItsKeysExecAndRunsInOrderAfterTheStalledTask() throws Exception {
        final List<StallGuard.Report> reports = Collections.synchronizedList(new ArrayList<>());
        final Consumer<StallGuard.Report> listener = reports::add;
        StallGuard.LISTENERS.add(listener);
        try (ExecGroup g = group("detour-keyed", true)) {
            final long key = Stalls.keyOf(g, 0);
            final List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            final List<Exec> ranOn = Collections.synchronizedList(new ArrayList<>());
            final CountDownLatch done = new CountDownLatch(6);
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            g.execute(key, holder);
            try {
                assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
                for (int i = 0; i < 3; i++) { // queued before the stall is seen
                    final int n = i;
                    g.execute(key, () -> {
                        order.add(n);
                        ranOn.add(Exec.current());
                        done.countDown();
                    });
                }
                Stalls.awaitReported(clock, g.exec(0), holder);
                for (int i = 3; i < 6; i++) { // (b) submitted during the stall: still Exec 0's
                    final int n = i;
                    g.execute(key, () -> {
                        order.add(n);
                        ranOn.add(Exec.current());
                        done.countDown();
                    });
                }
                runUnkeyed(g, 10); // un-keyed work meanwhile runs on Exec 1
                assertTrue(order.isEmpty(), "keyed work overtook the stalled task: " + order);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (reports.stream().noneMatch(x -> x.exec.equals(g.exec(0).name()))) { // listeners run after
                    assertTrue(System.nanoTime() < deadline, "no report for " + g.exec(0) + ": " + reports);
                    Thread.sleep(2);
                }
                final StallGuard.Report r = reports.stream().filter(x -> x.exec.equals(g.exec(0).name()))
                    .findFirst().orElseThrow();
                // the ring when the stall was reported: the holder's burst (itself) and the 3 keyed tasks behind it
                assertEquals(4, r.queued, "ring depth when the stall was reported: " + r);
                assertTrue(r.toString().contains("4 tasks in its ring wait behind it"), r.toString());
            } finally {
                holder.hold.release();
            }
            assertTrue(done.await(5, TimeUnit.SECONDS), "keyed tasks run after the stalled one: " + order);
            assertEquals(List.of(0, 1, 2, 3, 4, 5), order);
            for (Exec e : ranOn) {
                assertSame(g.exec(0), e);
            }
        } finally {
            StallGuard.LISTENERS.remove(listener);
        }
    }

    @Test
    void aGroupThatOptsOutKeepsTheBalancersPick() throws Exception {
        try (ExecGroup g = group("no-detour", false)) {
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            g.exec(0).execute(holder);
            final CountDownLatch done = new CountDownLatch(10);
            final List<Exec> ranOn = Collections.synchronizedList(new ArrayList<>());
            try {
                Stalls.awaitReported(clock, g.exec(0), holder);
                for (int i = 0; i < 10; i++) {
                    g.execute(() -> {
                        ranOn.add(Exec.current());
                        done.countDown();
                    });
                }
                assertFalse(done.await(300, TimeUnit.MILLISECONDS), "every task ran with the Exec held");
                assertEquals(5, done.getCount(), "round robin: half of them wait on Exec 0; ran on " + ranOn);
            } finally {
                holder.hold.release();
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void withoutAStallGuardAnExecIsNeverStalled() throws Exception {
        try (ExecGroup g = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .execSettings(Exec.builder().name("unguarded").clock(clock).daemon(true)
                .stallThreshold(0, TimeUnit.MILLISECONDS)).build()) {
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            g.exec(0).execute(holder);
            final CountDownLatch done = new CountDownLatch(10);
            try {
                assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
                for (int i = 0; i < 10; i++) {
                    clock.advance(50, TimeUnit.MILLISECONDS);
                    g.execute(done::countDown);
                }
                assertFalse(done.await(100, TimeUnit.MILLISECONDS));
                assertEquals(5, done.getCount());
            } finally {
                holder.hold.release();
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void everyUnkeyedTaskSubmittedAcrossTheStallRunsExactlyOnce() throws Exception {
        final int n = 3000;
        final AtomicIntegerArray runs = new AtomicIntegerArray(n);
        final CountDownLatch all = new CountDownLatch(n);
        final java.util.Set<Integer> duringRanOnZero = ConcurrentHashMap.newKeySet();
        try (ExecGroup g = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .backpressure(Backpressure.block(java.time.Duration.ofSeconds(10)))
            .execSettings(Exec.builder().name("detour-once").clock(clock).daemon(true)).build()) {
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            g.exec(0).execute(holder);
            final CountDownLatch during = new CountDownLatch(n / 3);
            try {
                assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
                for (int i = 0; i < n / 3; i++) { // before the stall is seen: half of these wait on Exec 0
                    final int id = i;
                    g.execute(() -> {
                        runs.incrementAndGet(id);
                        all.countDown();
                    });
                }
                Stalls.awaitReported(clock, g.exec(0), holder);
                for (int i = n / 3; i < 2 * n / 3; i++) { // during: all on Exec 1
                    final int id = i;
                    g.execute(() -> {
                        runs.incrementAndGet(id);
                        if (Exec.current() == g.exec(0)) {
                            duringRanOnZero.add(id);
                        }
                        during.countDown();
                        all.countDown();
                    });
                }
                assertTrue(during.await(5, TimeUnit.SECONDS),
                    during.getCount() + " tasks submitted during the stall did not run while it lasted");
            } finally {
                holder.hold.release();
            }
            for (int i = 2 * n / 3; i < n; i++) { // after the task returned (or while it returns)
                final int id = i;
                g.execute(() -> {
                    runs.incrementAndGet(id);
                    all.countDown();
                });
            }
            assertTrue(all.await(10, TimeUnit.SECONDS), all.getCount() + " tasks never ran");
            g.exec(0).submit(() -> null).get(5, TimeUnit.SECONDS);
            g.exec(1).submit(() -> null).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), "task " + i + " ran " + runs.get(i) + " times");
            }
            assertTrue(duringRanOnZero.isEmpty(), "ran on the stalled Exec: " + duringRanOnZero.size());
        }
    }
}
