package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.CpuLayout;
import io.corepin.balance.LoadBalancer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecGroupTest {

    private static ExecGroup.Builder group(int execs) {
        return ExecGroup.builder()
            .affinity(AffinityPlan.unpinned(execs))
            .execSettings(Exec.builder().name("grp").daemon(true).ringCapacity(64))
            .backpressure(Backpressure.block(Duration.ofSeconds(20)));
    }

    /** Records which Exec ran each task and waits until all ran. */
    private static final class Recorder {
        final Map<Exec, AtomicInteger> perExec = new ConcurrentHashMap<>();
        final CountDownLatch done;

        Recorder(int tasks) {
            done = new CountDownLatch(tasks);
        }

        Runnable task() {
            return () -> {
                perExec.computeIfAbsent(Exec.current(), e -> new AtomicInteger()).incrementAndGet();
                done.countDown();
            };
        }

        void await() throws InterruptedException {
            assertTrue(done.await(20, TimeUnit.SECONDS), "tasks still missing: " + done.getCount());
        }

        int count(Exec exec) {
            AtomicInteger n = perExec.get(exec);
            return n == null ? 0 : n.get();
        }
    }

    @Test
    void roundRobinAlternatesExactlyForOneSubmitter() throws Exception {
        try (ExecGroup g = group(3).execSettings(Exec.builder().name("rr").daemon(true).ringCapacity(4096)).build()) {
            Recorder r = new Recorder(3000); // rings never fill, so round robin never has to skip one
            for (int i = 0; i < 3000; i++) {
                g.execute(r.task());
            }
            r.await();
            for (int i = 0; i < 3; i++) {
                assertEquals(1000, r.count(g.exec(i)), "exec " + i);
            }
        }
    }

    @Test
    void sameKeyAlwaysSameExecAndSubmitOrderPerKey() throws Exception {
        try (ExecGroup g = group(4).execSettings(Exec.builder().name("k").daemon(true).ringCapacity(4096))
            .backpressure(Backpressure.block(Duration.ofSeconds(10))).build()) {
            int keys = 64;
            int producers = 3;
            int perKeyPerProducer = 200;
            Map<Long, Exec> owner = new ConcurrentHashMap<>();
            Map<Long, int[]> lastSeq = new HashMap<>(); // touched only by the key's own Exec: no lock needed
            for (long k = 0; k < keys; k++) {
                lastSeq.put(k * producers, new int[producers]);
            }
            AtomicReference<String> failure = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(keys * producers * perKeyPerProducer);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                final int producer = p;
                Thread t = new Thread(() -> {
                    for (int seq = 1; seq <= perKeyPerProducer; seq++) {
                        for (long k = 0; k < keys; k++) {
                            final long key = k * producers;
                            final int s = seq;
                            g.execute(key, () -> {
                                Exec here = Exec.current();
                                Exec first = owner.putIfAbsent(key, here);
                                if (first != null && first != here) {
                                    failure.compareAndSet(null, "key " + key + " moved");
                                }
                                if (here != g.execFor(key)) {
                                    failure.compareAndSet(null, "key " + key + " not on execFor");
                                }
                                int[] last = lastSeq.get(key);
                                if (last[producer] != s - 1) {
                                    failure.compareAndSet(null, "key " + key + " out of order: " + s);
                                }
                                last[producer] = s;
                                done.countDown();
                            });
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            for (Thread t : threads) {
                t.join(5_000);
            }
            assertEquals(null, failure.get());
            assertEquals(keys, owner.size());
        }
    }

    @Test
    void keyIndexIsStableAndSpreads() throws Exception {
        try (ExecGroup g = group(4).build()) {
            int[] counts = new int[4];
            for (long k = 0; k < 40_000; k++) {
                int i = g.indexFor(k);
                assertEquals(i, g.indexFor(k));
                assertEquals(i, LoadBalancer.indexFor(k, 4));
                counts[i]++;
            }
            for (int c : counts) {
                assertTrue(c > 9_000 && c < 11_000, "uneven spread " + java.util.Arrays.toString(counts));
            }
        }
    }

    @Test
    void keyHashBalancerRoutesLikeIndexFor() throws Exception {
        final class Flow implements Runnable {
            final long key;
            final CountDownLatch done;
            volatile Exec ranOn;

            Flow(long key, CountDownLatch done) {
                this.key = key;
                this.done = done;
            }

            @Override
            public void run() {
                ranOn = Exec.current();
                done.countDown();
            }
        }
        try (ExecGroup g = group(3).balancer(LoadBalancer.keyHash(t -> ((Flow) t).key)).build()) {
            CountDownLatch done = new CountDownLatch(300);
            List<Flow> flows = new ArrayList<>();
            for (long k = 0; k < 300; k++) {
                Flow f = new Flow(k * 7919, done);
                flows.add(f);
                g.execute(f);
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            for (Flow f : flows) {
                assertSame(g.execFor(f.key), f.ranOn);
            }
        }
    }

    @Test
    void boundedDepthSkipsDeepExecsThenRejects() throws Exception {
        try (ExecGroup g = group(2).balancer(LoadBalancer.boundedDepth(3)).backpressure(Backpressure.reject())
            .build()) {
            Gate a = Gate.hold(g.exec(0)); // a running gate counts in its Exec's depth until its burst ends
            Gate b = Gate.hold(g.exec(1));
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < 4; i++) {
                g.execute(ran::incrementAndGet);
            }
            assertEquals(3, g.depth(0));
            assertEquals(3, g.depth(1));
            RejectedExecutionException e =
                assertThrows(RejectedExecutionException.class, () -> g.execute(ran::incrementAndGet));
            assertTrue(e.getMessage().contains("boundedDepth(3)"), e.getMessage());
            assertEquals(false, g.trySubmit(ran::incrementAndGet));
            a.open();
            b.open();
            g.close();
            assertEquals(4, ran.get());
        }
    }

    @Test
    void callerRunsRunsOnTheSubmitterWhenAllAreFull() throws Exception {
        try (ExecGroup g = group(2).balancer(LoadBalancer.boundedDepth(1))
            .backpressure(Backpressure.callerRuns()).build()) {
            Gate a = Gate.hold(g.exec(0)); // each gate makes its Exec's depth 1: full for boundedDepth(1)
            Gate b = Gate.hold(g.exec(1));
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            g.execute(() -> ranOn.set(Thread.currentThread()));
            assertSame(Thread.currentThread(), ranOn.get());
            // keyed work never runs off its Exec: rejected under callerRuns
            assertThrows(RejectedExecutionException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    g.execute(0L, () -> { });
                }
            });
            a.open();
            b.open();
        }
    }

    @Test
    void blockWaitsForRoomThenGivesUpAtTheTimeout() throws Exception {
        try (ExecGroup g = group(1).balancer(LoadBalancer.boundedDepth(2))
            .backpressure(Backpressure.block(Duration.ofMillis(200))).build()) {
            Gate gate = Gate.hold(g.exec(0)); // depth 1
            AtomicInteger ran = new AtomicInteger();
            g.execute(ran::incrementAndGet); // depth 2: full for boundedDepth(2)
            long start = System.nanoTime();
            assertThrows(RejectedExecutionException.class, () -> g.execute(ran::incrementAndGet));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190), "waited the timeout");
            Thread opener = new Thread(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ignored) {
                    // fall through and open
                }
                gate.open();
            });
            opener.start();
            g.execute(ran::incrementAndGet); // blocks until the gate opens and the ring drains
            opener.join(5_000);
        }
    }

    @Test
    void powerOfTwoChoicesPrefersTheShallowerRing() throws Exception {
        try (ExecGroup g = group(2).balancer(LoadBalancer.powerOfTwoChoices()).build()) {
            Gate a = Gate.hold(g.exec(0));
            Gate b = Gate.hold(g.exec(1));
            for (int i = 0; i < 10; i++) {
                g.exec(0).execute(() -> { });
            }
            for (int i = 0; i < 20; i++) {
                g.execute(() -> { });
            }
            // exec 1 starts 10 behind; with two choices every pick goes to the shallower ring until they meet
            assertTrue(Math.abs(g.depth(0) - g.depth(1)) <= 1, g.depth(0) + " vs " + g.depth(1));
            a.open();
            b.open();
        }
    }

    @Test
    void aBalancerOutOfRangeIsAClearErrorAndNothingIsEnqueued() throws Exception {
        try (ExecGroup g = group(2).balancer((task, group) -> 7).build()) {
            AtomicInteger ran = new AtomicInteger();
            IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> g.execute(ran::incrementAndGet));
            assertTrue(e.getMessage().contains("returned 7") && e.getMessage().contains("group of 2"),
                e.getMessage());
            assertEquals(0, g.depth(0) + g.depth(1));
        }
    }

    @Test
    void shutdownNowHandsBackAcrossExecsAndLaterSubmitsAreRejected() throws Exception {
        ExecGroup g = group(2).build();
        Gate a = Gate.hold(g.exec(0));
        Gate b = Gate.hold(g.exec(1));
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            g.execute(ran::incrementAndGet);
        }
        var back = g.shutdownNow();
        a.open();
        b.open();
        assertEquals(20, back.get(10, TimeUnit.SECONDS).size());
        assertEquals(0, ran.get());
        assertTrue(g.awaitTermination(5, TimeUnit.SECONDS));
        assertThrows(RejectedExecutionException.class, () -> g.execute(ran::incrementAndGet));
        assertThrows(RejectedExecutionException.class, () -> g.execute(5L, ran::incrementAndGet));
        assertThrows(RejectedExecutionException.class, () -> g.trySubmit(ran::incrementAndGet));
    }

    @Test
    void badConfigurationNamesTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExecGroup.builder().execs(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> ExecGroup.builder().execs(3).affinity(AffinityPlan.unpinned(2)).build());
        assertTrue(e.getMessage().contains("execs(3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoadBalancer.boundedDepth(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Backpressure.block(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("-"), e.getMessage());
        assertThrows(NullPointerException.class, () -> ExecGroup.builder().balancer(null));
    }

    @Test
    void execsReportTheirCpu() throws Exception {
        try (ExecGroup g = ExecGroup.builder().execs(2)
            .execSettings(Exec.builder().name("pin").daemon(true)).build()) {
            for (int i = 0; i < g.size(); i++) {
                int cpu = g.exec(i).cpu();
                int planned = g.plan().cpuFor(i);
                assertTrue(cpu == planned || cpu == AffinityPlan.UNPINNED,
                    "exec " + i + " got cpu " + cpu + ", plan said " + planned);
            }
        }
    }

    @Test
    void execsReportTheirNumaNode() throws Exception {
        CpuLayout layout = CpuLayout.detect();
        try (ExecGroup g = ExecGroup.builder().execs(2)
            .execSettings(Exec.builder().name("numa").daemon(true)).build()) {
            for (int i = 0; i < g.size(); i++) {
                Exec exec = g.exec(i);
                int cpu = exec.cpu();
                int expected = cpu == AffinityPlan.UNPINNED ? -1 : layout.numaNode(cpu);
                assertEquals(expected, exec.numaNode(), exec + " on " + layout);
                assertTrue(!layout.numaKnown() || cpu == AffinityPlan.UNPINNED || exec.numaNode() >= 0,
                    layout.toString());
                assertEquals(g.plan().cpuFor(i) == cpu ? g.plan().nodeFor(i) : -1, exec.numaNode(),
                    g.plan().describe());
            }
        }
        try (ExecGroup g = group(1).build()) {
            assertEquals(-1, g.exec(0).numaNode(), "unpinned: no node");
        }
    }

    @Test
    void isShutdownLooksAtEveryMember() throws Exception {
        try (ExecGroup g = group(2).build()) {
            assertFalse(g.isShutdown());
            g.exec(1).shutdown(); // not the first member: keyed work for Exec 1 is refused from now on
            assertTrue(g.isShutdown(), "a member is shut down, the group still says it is not");
        }
    }

    @Test
    void aBalancerAnsweringNoneIsBackpressureWhileAnyMemberIsOpen() throws Exception {
        try (ExecGroup g = group(2).balancer((task, group) -> LoadBalancer.NONE)
            .backpressure(Backpressure.reject()).build()) {
            g.exec(0).shutdown(); // the first member closed, the second still open
            assertTrue(g.exec(0).awaitTermination(10, TimeUnit.SECONDS));
            assertFalse(g.trySubmit(() -> { }), "no room is not 'shut down' while Exec 1 is open");
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> g.execute(() -> { }));
            assertTrue(e.getMessage().contains("no Exec had room"), e.getMessage());
            g.exec(1).shutdown();
            e = assertThrows(RejectedExecutionException.class, () -> g.trySubmit(() -> { }));
            assertTrue(e.getMessage().contains("shut down"), e.getMessage());
        }
    }

    @Test
    void keyedSpawnAndSubmitRunOnTheKeysExecInKeyOrderWithExecute() throws Exception {
        try (ExecGroup g = group(3).balancer(LoadBalancer.keyHash(t -> 0L)).build()) {
            for (long k = 0; k < 30; k++) {
                assertSame(g.execFor(k), g.submit(k, Exec::current).get(5, TimeUnit.SECONDS), "submit, key " + k);
                assertSame(g.execFor(k), g.spawn(k, () -> CompletableFuture.completedFuture(Exec.current()))
                    .get(5, TimeUnit.SECONDS), "spawn, key " + k);
            }
            long key = 17;
            List<Integer> order = new ArrayList<>(); // touched only by the key's Exec
            Promise<?> last = null;
            for (int i = 0; i < 300; i++) {
                final int seq = i;
                switch (i % 3) {
                    case 0:
                        g.execute(key, () -> order.add(seq));
                        break;
                    case 1:
                        last = g.submit(key, () -> order.add(seq));
                        break;
                    default:
                        last = g.spawn(key, () -> CompletableFuture.completedFuture(order.add(seq)));
                }
            }
            last.get(5, TimeUnit.SECONDS);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                expected.add(i);
            }
            assertEquals(expected, g.submit(key, () -> new ArrayList<>(order)).get(5, TimeUnit.SECONDS));
        }
    }
}
