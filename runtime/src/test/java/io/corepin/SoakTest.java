package io.corepin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.balance.LoadBalancer;
import io.corepin.soak.AsyncTaskSoak;
import io.corepin.soak.ChannelSoak;
import io.corepin.soak.LevelsSoak;
import io.corepin.soak.PromiseSoak;
import io.corepin.soak.Soak;
import io.corepin.soak.TimerSoak;
import io.corepin.soak.WorkBalancingSoak;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Load and faults. By default a short version (10^6 tasks) that runs with the unit tests; {@code mvn -Psoak}
 * (see the runtime POM) runs the long one: 10^8 tasks, more close rounds, longer pressure, within a time bound.
 *
 * <p>System properties (defaults in brackets): {@code corepin.soak.tasks} [10^6], {@code corepin.soak.producers} [3],
 * {@code corepin.soak.execs} [2], {@code corepin.soak.closeRounds} [24], {@code corepin.soak.closeRoundTasks}
 * [10^5], {@code corepin.soak.pressureMillis} [1500 per policy], {@code corepin.soak.seconds} [300: past it,
 * producers stop submitting and what was accepted is still verified], {@code corepin.soak.featureUnits} [tasks / 50,
 * at most 200,000: units per round of each feature soak], {@code corepin.soak.featureRounds} [2; closeRounds / 4
 * when there are more than 24 close rounds, so 50 under -Psoak: rounds per feature, alternating a graceful close
 * after the load and a shutdownNow during it; each feature also stops starting rounds after {@code seconds / 8}].
 *
 * <p>Beside Runnables, one test per feature ({@code io.corepin.soak}): async tasks, promises across Execs, channels,
 * timers, levels, work balancing — each checking exactly-once by unit id, per-(producer, key) order and placement
 * ({@code Exec.current()} is the owner in every poll and continuation), and naming the feature, the invariant and
 * the first ids when one breaks.
 */
class SoakTest {
    private static final int PRODUCERS = Integer.getInteger("corepin.soak.producers", 3);
    private static final int EXECS = Integer.getInteger("corepin.soak.execs", 2);
    private static final long TASKS = Long.getLong("corepin.soak.tasks", 1_000_000L);
    private static final int CLOSE_ROUNDS = Integer.getInteger("corepin.soak.closeRounds", 24);
    private static final long CLOSE_ROUND_TASKS = Long.getLong("corepin.soak.closeRoundTasks", 100_000L);
    private static final long PRESSURE_MILLIS = Long.getLong("corepin.soak.pressureMillis", 1_500L);
    private static final long DEADLINE =
        System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("corepin.soak.seconds", 300L));
    /** About one task in 10^4 faults: throws, overflows its stack, or interrupts its thread. */
    private static final int FAULT_EVERY = 10_007;
    private static final int FEATURE_UNITS =
        Integer.getInteger("corepin.soak.featureUnits", (int) Math.min(TASKS / 50, 200_000));
    private static final int FEATURE_ROUNDS =
        Integer.getInteger("corepin.soak.featureRounds", CLOSE_ROUNDS <= 24 ? 2 : CLOSE_ROUNDS / 4);
    private static final long FEATURE_SECONDS = Long.getLong("corepin.soak.seconds", 300L) / 8;

    /** A feature soak's round. */
    private interface Round {
        void run(Soak soak, Soak.End end) throws InterruptedException;
    }

    /** Rounds alternate a graceful close after the load and a shutdownNow during it, within the feature's time. */
    private static void feature(Round round) throws InterruptedException {
        long bound = Math.min(DEADLINE - System.nanoTime(), TimeUnit.SECONDS.toNanos(FEATURE_SECONDS));
        long deadline = System.nanoTime() + bound;
        AssertionError failed = null;
        for (int r = 0; r < FEATURE_ROUNDS && (r < 2 || System.nanoTime() - deadline < 0); r++) {
            Soak.End end = r % 2 == 0 ? Soak.End.GRACEFUL : Soak.End.NOW_DURING_LOAD;
            try {
                round.run(new Soak(FEATURE_UNITS, PRODUCERS, Math.max(2, EXECS), deadline), end);
            } catch (AssertionError e) { // go on: the other kind of round may break something else
                if (failed == null) {
                    failed = e;
                } else if (failed.getSuppressed().length < 3) {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void asyncTasksSpawnedLocallyAndCrossThreadWokenFromElsewhere() throws Exception {
        feature(AsyncTaskSoak::run);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void promisesAcrossExecsAndFromPlainThreadsContinueOnTheirOwner() throws Exception {
        feature(PromiseSoak::run);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void channelsAcrossExecs() throws Exception {
        feature(ChannelSoak::run);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void timersAndSleepsWithSmallDelays() throws Exception {
        feature(TimerSoak::run);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void levelsWithTasksInSeveralLanes() throws Exception {
        feature(LevelsSoak::run);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void workBalancingMovesOnlyUnkeyedWork() throws Exception {
        feature(WorkBalancingSoak::run);
    }

    /** N producers x M Execs: exactly once, in key order, with faults; closed gracefully at the end. */
    @Test
    void exactlyOnceInKeyOrderWithFaults() throws Exception {
        new SoakRun(PRODUCERS, EXECS, TASKS, FAULT_EVERY, SoakRun.Close.AT_END, DEADLINE).run().verify();
    }

    /** Close (graceful or shutdownNow, alternating) at a random moment under load: nothing lost, nothing run twice. */
    @Test
    void randomCloseDuringLoadLosesNothingAndRunsNothingTwice() throws Exception {
        for (int round = 0; round < CLOSE_ROUNDS && System.nanoTime() - DEADLINE < 0; round++) {
            SoakRun.Close close = round % 2 == 0 ? SoakRun.Close.NOW_DURING_LOAD : SoakRun.Close.GRACEFUL_DURING_LOAD;
            new SoakRun(PRODUCERS, EXECS, CLOSE_ROUND_TASKS, FAULT_EVERY, close, DEADLINE).run().verify();
        }
    }

    // ------------------------------------------------------------------------------------------------ memory

    /** Slow work: a task the Execs take a while over, holding a payload while it waits in a ring. */
    private static final class SlowTask implements Runnable {
        static final AtomicLong SINK = new AtomicLong();
        final long[] payload = new long[64]; // 528 bytes with its header: a backlog of 10^6 is half a gigabyte

        @Override
        public void run() {
            long h = 0;
            for (int r = 0; r < 8; r++) {
                for (long v : payload) {
                    h = h * 31 + v + r;
                }
            }
            if (h == 42) {
                SINK.incrementAndGet(); // keeps the loop from being optimised away
            }
        }
    }

    /**
     * Live heap now: a full GC (ParallelGC's System.gc() is a stop-the-world full collection), then each heap pool's
     * usage as that collection left it ({@link MemoryPoolMXBean#getCollectionUsage()}), which excludes whatever the
     * producers allocate between the end of the GC and this read.
     */
    private static long liveHeap(MemoryMXBean memory) {
        memory.gc();
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                live += pool.getCollectionUsage().getUsed();
            }
        }
        return live;
    }

    /**
     * Producers offer slow tasks as fast as they can, faster than the Execs run them, under each backpressure policy
     * (and under a bounded-depth balancer): the live heap's high-water mark, sampled with full GCs while the load
     * runs, stays within a generous bound over the baseline. Rings are bounded, so the backlog is at most
     * {@code execs x capacity} tasks (here 2 x 1024 x 528 B, about 1 MB).
     */
    @Test
    void producersFasterThanConsumersKeepTheHeapBounded() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long bound = 32L << 20; // generous: the bounded backlog is ~1 MB; an unbounded one would grow by 100s of MB
        record Policy(String name, Backpressure backpressure, LoadBalancer balancer) { }
        List<Policy> policies = List.of(
            new Policy("reject", Backpressure.reject(), LoadBalancer.roundRobin()),
            new Policy("block", Backpressure.block(Duration.ofSeconds(30)), LoadBalancer.roundRobin()),
            new Policy("callerRuns", Backpressure.callerRuns(), LoadBalancer.roundRobin()),
            new Policy("boundedDepth+reject", Backpressure.reject(), LoadBalancer.boundedDepth(256)));
        for (Policy policy : policies) {
            long baseline = liveHeap(memory);
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            AtomicLong offered = new AtomicLong();
            AtomicLong rejected = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            long highWater;
            try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(EXECS))
                .backpressure(policy.backpressure()).balancer(policy.balancer())
                .execSettings(Exec.builder().name("pressure").daemon(true).ringCapacity(1024)).build()) {
                List<Thread> producers = new ArrayList<>();
                for (int p = 0; p < PRODUCERS; p++) {
                    Thread t = new Thread(() -> {
                        long n = 0;
                        while (!stop.get()) {
                            try {
                                if ((n & 1) == 0 || policy.backpressure() == Backpressure.callerRuns()) {
                                    group.execute(new SlowTask());
                                } else {
                                    group.execute(n, new SlowTask());
                                }
                            } catch (RejectedExecutionException e) {
                                rejected.incrementAndGet();
                            }
                            n++;
                        }
                        offered.addAndGet(n);
                    }, "pressure-producer-" + p);
                    t.setDaemon(true);
                    t.start();
                    producers.add(t);
                }
                highWater = baseline;
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PRESSURE_MILLIS);
                while (System.nanoTime() - end < 0) {
                    Thread.sleep(100);
                    highWater = Math.max(highWater, liveHeap(memory));
                }
                stop.set(true);
                for (Thread t : producers) {
                    t.join(30_000);
                    assertTrue(!t.isAlive(), t.getName() + " did not stop");
                }
            }
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.printf(Locale.ROOT, "[soak] pressure %s: offered %,d tasks (%,d rejected), live heap %,d KB"
                    + " -> high-water %,d KB (bound +%,d KB); raw heap peak incl. garbage %,d KB%n",
                policy.name(), offered.get(), rejected.get(), baseline >> 10, highWater >> 10, bound >> 10,
                peak >> 10);
            assertTrue(highWater - baseline < bound, policy.name() + ": live heap grew by "
                + ((highWater - baseline) >> 10) + " KB under load (bound " + (bound >> 10) + " KB)");
        }
    }
}
