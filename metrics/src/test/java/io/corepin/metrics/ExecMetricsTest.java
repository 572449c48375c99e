package io.corepin.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.telemetry.Telemetry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ExecMetricsTest {

    @Test
    void groupCountersMoveAfterTasksRun() throws Exception {
        try (ExecGroup group = ExecGroup.builder().execs(2).execSettings(Exec.builder().name("mt").ringCapacity(256)
                .errorHandler((exec, task, error) -> { }))
                .build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ExecMetrics.of(group, Tags.of("app", "test")).bindTo(registry);

            for (int i = 0; i < 2; i++) {
                Exec e = group.exec(i);
                assertEquals(0.0, counter(registry, "tasks", e).count());
                assertEquals(256.0, gauge(registry, "ring.capacity", e).value());
                assertEquals("test", counter(registry, "tasks", e).getId().getTag("app"));
                assertEquals(Integer.toString(e.cpu()), counter(registry, "tasks", e).getId().getTag("cpu"));
            }

            int perExec = 500;
            CountDownLatch done = new CountDownLatch(2 * perExec);
            for (int i = 0; i < 2; i++) {
                Exec e = group.exec(i);
                for (int t = 0; t < perExec; t++) {
                    final boolean fail = t == 0;
                    while (e.offer(() -> {
                        done.countDown();
                        if (fail) {
                            throw new IllegalStateException("boom (expected by the test)");
                        }
                    }) < 0) {
                        Thread.onSpinWait(); // ring of 256: wait for room (bounded by the class timeout)
                    }
                }
            }
            assertTrue(done.await(20, TimeUnit.SECONDS), "tasks did not run");
            for (int i = 0; i < 2; i++) {
                Exec e = group.exec(i);
                FunctionCounter tasks = counter(registry, "tasks", e);
                awaitAtLeast(tasks::count, perExec, "tasks of " + e.name());
                awaitAtLeast(counter(registry, "errors", e)::count, 1, "errors of " + e.name());
                awaitAtLeast(counter(registry, "parks", e)::count, 1, "parks of " + e.name());
                assertEquals(0.0, gauge(registry, "ring.depth", e).value(), "an idle Exec's ring is empty");
            }
        }
    }

    @Test
    void ringDepthGaugeSeesQueuedTasks() throws Exception {
        try (Exec exec = Exec.builder().name("mt-depth").build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ExecMetrics.of(exec).bindTo(registry);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            exec.execute(() -> {
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 10; i++) {
                exec.execute(() -> { });
            }
            Gauge depth = gauge(registry, "ring.depth", exec);
            assertTrue(depth.value() >= 10, "depth while blocked: " + depth.value());
            release.countDown();
            awaitAtLeast(counter(registry, "tasks", exec)::count, 11, "tasks");
        }
    }

    @Test
    void aStallIsCountedAndTheLoopLagGaugeSeesATaskHoldingTheExec() throws Exception {
        try (Exec exec = Exec.builder().name("mt-stall").stallThreshold(10, TimeUnit.MILLISECONDS).build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ExecMetrics.of(exec).bindTo(registry);
            FunctionCounter stalls = counter(registry, "stalls", exec);
            TimeGauge lag = registry.find(ExecMetrics.PREFIX + "loop.lag").tag(ExecMetrics.TAG_EXEC, exec.name())
                .timeGauge();
            assertNotNull(lag, "no loop.lag time gauge in " + names(registry));
            assertEquals(TimeUnit.SECONDS, lag.baseTimeUnit());
            assertEquals(0.0, stalls.count());
            assertEquals(0.0, lag.value(TimeUnit.SECONDS));

            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            exec.execute(() -> { // holds the Exec (real clock) until the test has seen the stall and the lag
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                assertTrue(entered.await(10, TimeUnit.SECONDS));
                final long start = System.nanoTime();
                awaitAtLeast(stalls::count, 1, "stalls");
                awaitAtLeast(() -> lag.value(TimeUnit.SECONDS), 0.010, "loop lag (seconds) of a stalled task");
                final double seconds = lag.value(TimeUnit.SECONDS);
                assertTrue(seconds <= (System.nanoTime() - start) / 1e9 + 0.1, "lag " + seconds + " s");
            } finally {
                release.countDown();
            }
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
            awaitAtMost(() -> lag.value(TimeUnit.SECONDS), 0.0, "loop lag once the task is done");
            assertEquals(1.0, stalls.count());
        }
    }

    @Test
    void countersFileMetricsAreBoundWhenTheFileIsOn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics-test.counters");
        Telemetry.enable(file);
        try (Exec exec = Exec.builder().name("mt-file").build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ExecMetrics.of(exec).bindTo(registry);
            FunctionCounter wakeups = counter(registry, "wakeups", exec);
            FunctionCounter busy = counter(registry, "busy", exec);
            assertNotNull(counter(registry, "rejects", exec));
            assertNotNull(gauge(registry, "ring.depth.max", exec));
            assertEquals("seconds", busy.getId().getBaseUnit());

            for (int round = 0; round < 20; round++) {
                CountDownLatch ran = new CountDownLatch(1);
                exec.execute(ran::countDown);
                assertTrue(ran.await(10, TimeUnit.SECONDS));
                awaitAtLeast(() -> exec.parks(), round + 1, "parks"); // parked again: the next one wakes it
                awaitSettled(exec); // and still in that park (a park that returned early and parks again races us)
            }
            long parks = exec.parks();
            Thread.sleep(50);
            long idleParks = exec.parks() - parks;
            awaitAtLeast(wakeups::count, 1, "wake-ups (parks in 50 ms while idle: " + idleParks + ")");
            awaitAtLeast(() -> busy.count() > 0 ? 1 : 0, 1, "busy seconds");
        } finally {
            Telemetry.disable();
        }
        assertTrue(Files.exists(file));
    }

    /**
     * Micrometer holds a function counter's object weakly: a meter over an object only the meter refers to reads
     * its last value (0) forever once a collection clears it. The file counters must outlive a collection as long as
     * their Exec does.
     */
    @Test
    void fileMetricsStillReadAfterAGarbageCollection(@TempDir Path dir) throws Exception {
        Telemetry.enable(dir.resolve("metrics-gc.counters"));
        try (Exec exec = Exec.builder().name("mt-gc").ringCapacity(8).build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ExecMetrics.of(exec).bindTo(registry);
            FunctionCounter rejects = counter(registry, "rejects", exec);
            FunctionCounter busy = counter(registry, "busy", exec);
            Gauge depthMax = gauge(registry, "ring.depth.max", exec);
            collectGarbage();

            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            exec.execute(() -> { // holds the Exec so that its ring fills and refuses
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int refused;
            try {
                assertTrue(entered.await(10, TimeUnit.SECONDS));
                refused = 0;
                for (int i = 0; i < 20; i++) { // 8 slots: at least 12 refused
                    if (exec.offer(() -> { }) < 0) {
                        refused++;
                    }
                }
                assertTrue(refused >= 12, "refused " + refused);
                awaitAtLeast(rejects::count, refused, "rejects after a collection");
            } finally {
                release.countDown();
            }
            final int accepted = 20 - refused;
            awaitAtLeast(exec::tasksRun, 1 + accepted, "the held task and the accepted ones ran"); // room again
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
            assertFalse(Double.isNaN(depthMax.value()), "ring.depth.max after a collection (NaN: its object cleared)");
            awaitAtLeast(() -> busy.count() > 0 ? 1 : 0, 1, "busy seconds after a collection");
        } finally {
            Telemetry.disable();
        }
    }

    /** Runs collections until a weakly held object is cleared (bounded: 50 tries). */
    private static void collectGarbage() throws InterruptedException {
        java.lang.ref.WeakReference<Object> probe = new java.lang.ref.WeakReference<>(new Object());
        for (int i = 0; i < 50 && probe.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(probe.get(), "no collection cleared a weak reference in 50 tries");
    }

    @Test
    void withoutTheFileOnlyTheGetterMetricsAreBound() {
        Telemetry.disable();
        try (Exec exec = Exec.builder().name("mt-private").build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ExecMetrics.of(exec).bindTo(registry);
            assertNotNull(counter(registry, "tasks", exec));
            assertNull(registry.find(ExecMetrics.PREFIX + "wakeups").meter());
        }
    }

    @Test
    void nullExecIsRefusedWithAClearMessage() {
        NullPointerException e = assertThrows(NullPointerException.class,
            () -> ExecMetrics.of(java.util.Arrays.asList((Exec) null), Tags.empty()));
        assertTrue(e.getMessage().contains("null"), e.getMessage());
    }

    private static FunctionCounter counter(SimpleMeterRegistry r, String name, Exec e) {
        FunctionCounter c = r.find(ExecMetrics.PREFIX + name).tag(ExecMetrics.TAG_EXEC, e.name()).functionCounter();
        assertNotNull(c, "no counter " + name + " for " + e.name() + " in " + names(r));
        return c;
    }

    private static Gauge gauge(SimpleMeterRegistry r, String name, Exec e) {
        Gauge g = r.find(ExecMetrics.PREFIX + name).tag(ExecMetrics.TAG_EXEC, e.name()).gauge();
        assertNotNull(g, "no gauge " + name + " for " + e.name() + " in " + names(r));
        return g;
    }

    private static String names(SimpleMeterRegistry r) {
        StringBuilder sb = new StringBuilder();
        for (Meter m : r.getMeters()) {
            sb.append(m.getId().getName()).append(m.getId().getTags()).append(' ');
        }
        return sb.toString();
    }

    /** Waits (bounded, 2 s) until the Exec's park count has not moved for 10 ms: it sits in one park. */
    private static void awaitSettled(Exec exec) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long seen = exec.parks();
        do {
            Thread.sleep(10);
            long now = exec.parks();
            if (now == seen) {
                return;
            }
            seen = now;
        } while (System.nanoTime() < deadline);
    }

    /** Waits (bounded, 10 s) until the value falls to {@code max}. */
    private static void awaitAtMost(DoubleSupplier value, double max, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsDouble() > max) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": " + value.getAsDouble() + " > " + max + " after 10 s");
            }
            Thread.sleep(5);
        }
    }

    /** Waits (bounded, 10 s) until the value reaches {@code min}; counters are published once per loop turn. */
    private static void awaitAtLeast(DoubleSupplier value, double min, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsDouble() < min) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": " + value.getAsDouble() + " < " + min + " after 10 s");
            }
            Thread.sleep(5);
        }
    }
}
