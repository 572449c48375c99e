package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.CpuLayout;
import io.corepin.balance.LoadBalancer;
import io.corepin.ring.MpscRing;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input and configuration, one test per case: each is refused with an exception that names the bad value, and
 * work already accepted by a running group is neither lost nor run twice because of it.
 *
 * <p>Every test runs against a {@link Loaded} group: two Execs, each held by a {@link Gate}, with 200 counted tasks
 * already accepted (100 through the balancer, 100 keyed). After the bad call the gates open, the group closes
 * gracefully, and exactly 200 tasks must have run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {

    /** A running two-Exec group with 200 accepted tasks queued behind gates. */
    private static final class Loaded implements AutoCloseable {
        final AtomicInteger ran = new AtomicInteger();
        /** What the balancer answers: -100 means "behave" (round robin); anything else is returned as is. */
        final AtomicInteger balancerAnswer = new AtomicInteger(-100);
        final ExecGroup group;
        private final Gate[] gates;
        private int accepted;

        Loaded() throws InterruptedException {
            LoadBalancer roundRobin = LoadBalancer.roundRobin();
            group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
                .balancer((task, g) -> balancerAnswer.get() == -100 ? roundRobin.select(task, g) : balancerAnswer.get())
                .execSettings(Exec.builder().name("bad-input").daemon(true).ringCapacity(256)).build();
            gates = new Gate[] {Gate.hold(group.exec(0)), Gate.hold(group.exec(1))};
            for (int i = 0; i < 100; i++) {
                group.execute(ran::incrementAndGet);
                group.execute(i, ran::incrementAndGet);
                accepted += 2;
            }
        }

        /** Counts one more accepted task (for tests that submit more on purpose). */
        void accepted(int n) {
            accepted += n;
        }

        /** Opens the gates, closes the group gracefully and checks every accepted task ran exactly once. */
        void assertNothingLost() {
            open();
            group.close();
            assertEquals(accepted, ran.get(), "accepted tasks that ran exactly once");
        }

        private void open() {
            for (Gate gate : gates) {
                gate.open();
            }
        }

        @Override
        public void close() {
            open();
            group.shutdownNow();
        }
    }

    /** Runs {@code bad}, expects {@code type} with a message mentioning every one of {@code mentions}. */
    private static <X extends Throwable> X refused(Class<X> type, Executable bad, String... mentions) {
        X e = assertThrows(type, bad);
        for (String m : mentions) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(m),
                "message should mention \"" + m + "\": " + e.getMessage());
        }
        return e;
    }

    /** A CPU id this process may not run on (one past the highest allowed CPU). */
    private static int disallowedCpu() {
        int[] allowed = CpuLayout.detect().allowedCpus();
        return Arrays.stream(allowed).max().orElse(0) + 1;
    }

    @Test
    void ringCapacityNotAPowerOfTwoIsRefused() throws Exception {
        try (Loaded l = new Loaded()) {
            refused(IllegalArgumentException.class, () -> Exec.builder().ringCapacity(1000), "power of two", "1000");
            refused(IllegalArgumentException.class, () -> new MpscRing<Runnable>(3), "got 3");
            l.assertNothingLost();
        }
    }

    @Test
    void ringCapacityZeroOrNegativeIsRefused() throws Exception {
        try (Loaded l = new Loaded()) {
            refused(IllegalArgumentException.class, () -> Exec.builder().ringCapacity(0), "got 0");
            refused(IllegalArgumentException.class, () -> Exec.builder().ringCapacity(-8), "got -8");
            l.assertNothingLost();
        }
    }

    @Test
    void ringCapacityTooLargeIsRefused() throws Exception {
        try (Loaded l = new Loaded()) {
            // 2^31 overflows to Integer.MIN_VALUE, which has a single bit set: it must still be refused.
            refused(IllegalArgumentException.class, () -> Exec.builder().ringCapacity(1 << 31),
                "1073741824", String.valueOf(1 << 31));
            refused(IllegalArgumentException.class, () -> Exec.builder().ringCapacity(Integer.MAX_VALUE),
                String.valueOf(Integer.MAX_VALUE));
            l.assertNothingLost();
        }
    }

    @Test
    void cpuOutsideTheAllowedCpusetIsRefused() throws Exception {
        int cpu = disallowedCpu();
        String allowed = CpuLayout.detect().allowedList();
        try (Loaded l = new Loaded()) {
            refused(IllegalArgumentException.class, () -> AffinityPlan.of(cpu), "CPU " + cpu, "allowed CPUs are " + allowed);
            refused(IllegalArgumentException.class, () -> Exec.builder().cpu(cpu), "CPU " + cpu);
            refused(IllegalArgumentException.class, () -> AffinityPlan.of(-3), "-3");
            refused(IllegalArgumentException.class, () -> Exec.builder().cpu(-2), "-2");
            l.assertNothingLost();
        }
    }

    @Test
    void duplicateCpusAreRefused() throws Exception {
        int cpu = CpuLayout.detect().allowedCpus()[0];
        try (Loaded l = new Loaded()) {
            refused(IllegalArgumentException.class, () -> AffinityPlan.of(cpu, cpu), "CPU " + cpu, "twice");
            l.assertNothingLost();
        }
    }

    @Test
    void zeroExecsAreRefused() throws Exception {
        try (Loaded l = new Loaded()) {
            refused(IllegalArgumentException.class, () -> ExecGroup.builder().execs(0), "got 0");
            refused(IllegalArgumentException.class, () -> ExecGroup.builder().execs(-1), "got -1");
            refused(IllegalArgumentException.class, () -> AffinityPlan.unpinned(0), "execs=0");
            refused(IllegalArgumentException.class, () -> AffinityPlan.auto(0), "execs=0");
            refused(IllegalArgumentException.class, () -> AffinityPlan.of(new int[0]), "empty");
            refused(IllegalArgumentException.class,
                () -> ExecGroup.builder().execs(3).affinity(AffinityPlan.unpinned(2)).build(), "execs(3)", "2");
            l.assertNothingLost();
        }
    }

    @Test
    void nullTasksAreRefusedAndNothingIsEnqueued() throws Exception {
        try (Loaded l = new Loaded()) {
            ExecGroup g = l.group;
            int depth = g.depth(0) + g.depth(1);
            refused(NullPointerException.class, () -> g.execute(null), "task");
            refused(NullPointerException.class, () -> g.execute(42L, null), "task");
            refused(NullPointerException.class, () -> g.trySubmit(null), "task");
            refused(NullPointerException.class, () -> g.exec(0).execute(null), "task");
            refused(NullPointerException.class, () -> g.exec(0).offer(null), "task");
            Runnable ok = l.ran::incrementAndGet;
            refused(NullPointerException.class,
                () -> g.exec(1).offerBurst(new Runnable[] {ok, ok, null, ok}, 0, 4), "index 2");
            refused(NullPointerException.class, () -> g.exec(1).offerBurst(null, 0, 1), "tasks");
            assertEquals(depth, g.depth(0) + g.depth(1), "a refused burst enqueued nothing");
            l.assertNothingLost();
        }
    }

    @Test
    void negativeTimeoutsAndDelaysAreRefused() throws Exception {
        try (Loaded l = new Loaded()) {
            refused(IllegalArgumentException.class, () -> Backpressure.block(Duration.ofMillis(-5)), "-0.005");
            refused(NullPointerException.class, () -> Backpressure.block(null), "timeout");
            refused(IllegalArgumentException.class,
                () -> IdleStrategy.backoff(10, 1, -5, 100, TimeUnit.MICROSECONDS), "-5..100");
            refused(IllegalArgumentException.class,
                () -> IdleStrategy.backoff(10, 1, 100, 5, TimeUnit.MICROSECONDS), "100..5");
            refused(IllegalArgumentException.class, () -> IdleStrategy.backoff(-1, 1, 1, 5), "-1");
            refused(IllegalArgumentException.class, () -> IdleStrategy.park(0, -7), "-7");
            l.assertNothingLost();
        }
    }

    /**
     * {@code awaitTermination} follows {@link java.util.concurrent.ExecutorService}: a timeout of zero or less means
     * "do not wait" (so {@code deadline - now} can be passed as is), not an error.
     */
    @Test
    void negativeAwaitTimeoutMeansDoNotWait() throws Exception {
        try (Loaded l = new Loaded()) {
            assertFalse(l.group.exec(0).awaitTermination(-1, TimeUnit.SECONDS));
            assertFalse(l.group.awaitTermination(Long.MIN_VALUE, TimeUnit.NANOSECONDS));
            refused(NullPointerException.class, () -> l.group.awaitTermination(1, null));
            l.assertNothingLost();
        }
    }

    @Test
    void submittingToAClosedGroupIsRejectedAndWhatWasAcceptedStillRuns() throws Exception {
        try (Loaded l = new Loaded()) {
            ExecGroup g = l.group;
            g.shutdown(); // graceful: the 200 queued tasks must still run
            Runnable more = l.ran::incrementAndGet;
            refused(RejectedExecutionException.class, () -> g.execute(more), "bad-input-", "shut down");
            refused(RejectedExecutionException.class, () -> g.execute(7L, more), "bad-input-", "shut down");
            refused(RejectedExecutionException.class, () -> g.trySubmit(more), "shut down");
            refused(RejectedExecutionException.class, () -> g.exec(1).execute(more), "bad-input-1", "shut down");
            assertEquals(Exec.CLOSED, g.exec(0).offer(more));
            l.assertNothingLost();
        }
    }

    @Test
    void closedGroupRejectsUnderEveryBackpressurePolicyAndNeverRunsOnTheCaller() throws Exception {
        for (Backpressure policy : new Backpressure[] {
            Backpressure.reject(), Backpressure.callerRuns(), Backpressure.block(Duration.ofSeconds(5))}) {
            ExecGroup g = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).backpressure(policy)
                .execSettings(Exec.builder().name("closed").daemon(true)).build();
            g.close();
            AtomicInteger ran = new AtomicInteger();
            refused(RejectedExecutionException.class, () -> g.execute(ran::incrementAndGet), "shut down");
            refused(RejectedExecutionException.class, () -> g.execute(3L, ran::incrementAndGet), "shut down");
            assertEquals(0, ran.get(), policy + ": a rejected task ran on the caller");
        }
    }

    @Test
    void balancerOutOfRangeIsRefusedAndNothingIsEnqueued() throws Exception {
        try (Loaded l = new Loaded()) {
            ExecGroup g = l.group;
            int depth = g.depth(0) + g.depth(1);
            AtomicInteger extra = new AtomicInteger();
            for (int bad : new int[] {2, 7, -2, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                l.balancerAnswer.set(bad);
                refused(IllegalStateException.class, () -> g.execute(extra::incrementAndGet),
                    "returned " + bad, "group of 2");
                refused(IllegalStateException.class, () -> g.trySubmit(extra::incrementAndGet), "returned " + bad);
            }
            assertEquals(depth, g.depth(0) + g.depth(1), "nothing enqueued by a bad answer");
            l.balancerAnswer.set(-100);
            g.execute(l.ran::incrementAndGet); // the group still works once the balancer behaves
            l.accepted(1);
            l.assertNothingLost();
            assertEquals(0, extra.get());
        }
    }
}
