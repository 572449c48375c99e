package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.telemetry.CountersFile;
import io.corepin.telemetry.ExecSample;
import io.corepin.telemetry.Metric;
import io.corepin.telemetry.Telemetry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counters file, read the way {@code corepin-stat} reads it (a second, read-only mapping): every metric counts
 * what happened, and an Exec leaves the file when it stops while its getters keep their values.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TelemetryTest {
    @TempDir
    Path dir;

    @AfterEach
    void off() {
        Telemetry.disable();
    }

    private static ExecSample find(CountersFile file, String name) {
        for (ExecSample s : file.sample()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void everyMetricIsPublishedAndReadableFromAnotherMapping() throws Exception {
        Path path = dir.resolve("t.counters");
        Telemetry.enable(path);
        try (CountersFile reader = CountersFile.open(path);
             Exec exec = Exec.builder().name("tele").daemon(true).ringCapacity(128)
                 .idleStrategy(IdleStrategy.park(0, 0)).errorHandler((e, t, x) -> { }).build()) {
            assertEquals(ProcessHandle.current().pid(), reader.pid());
            await(() -> find(reader, "tele") != null && find(reader, "tele").get(Metric.PARKS) > 0, "a park");

            // 100 remote tasks (each finds the Exec parked or not), one of them spawning 5 local ones, one throwing
            CountDownLatch done = new CountDownLatch(1);
            exec.execute(() -> {
                for (int i = 0; i < 5; i++) {
                    exec.execute(() -> { });
                }
            });
            exec.execute(() -> {
                throw new IllegalStateException("counted");
            });
            for (int i = 0; i < 97; i++) {
                exec.execute(() -> { });
                if (i % 10 == 0) {
                    Thread.sleep(1); // let it go idle now and then, so producers wake it
                }
            }
            exec.execute(done::countDown);
            assertTrue(done.await(10, TimeUnit.SECONDS));

            // fill the ring behind a gate, then get refused
            Gate gate = Gate.hold(exec);
            int accepted = 0;
            while (exec.offer(() -> { }) >= 0) {
                accepted++;
            }
            assertEquals(Exec.FULL, exec.offer(() -> { }));
            gate.open();
            await(() -> exec.depth() == 0, "the ring to drain");
            final int acceptedBehindGate = accepted;
            await(() -> {
                ExecSample s = find(reader, "tele");
                return s.get(Metric.TASKS_RUN) == 100 + 5 + 1 + acceptedBehindGate && s.get(Metric.BUSY_SINCE) == 0;
            }, "the final counts, idle");

            ExecSample s = find(reader, "tele");
            assertEquals(128, s.ringCapacity());
            assertEquals(exec.cpu(), s.cpu());
            assertEquals(exec.tasksRun(), s.get(Metric.TASKS_RUN));
            assertEquals(5, s.get(Metric.LOCAL_ENQUEUES));
            assertEquals(100 + 1 + acceptedBehindGate, s.get(Metric.RING_ENQUEUES), s.toString());
            assertEquals(0, s.get(Metric.RING_DEPTH));
            // sampled (on waking, every 64 busy turns, on going idle), so somewhere between 1 and the backlog's peak
            assertTrue(s.get(Metric.RING_DEPTH_HWM) >= 1, s.toString());
            assertTrue(s.get(Metric.RING_DEPTH_HWM) <= 128, s.toString());
            assertEquals(2, s.get(Metric.REJECTS), "the failed offer and the FULL check: " + s);
            assertEquals(1, s.get(Metric.TASK_ERRORS));
            assertTrue(s.get(Metric.PARKS) >= 1, s.toString());
            assertTrue(s.get(Metric.WAKEUPS) >= 1, "the first task found it parked: " + s);
            assertTrue(s.get(Metric.BUSY_NANOS) > 0, s.toString());
            long now = System.nanoTime();
            assertTrue(s.busyNanosAt(now) == s.get(Metric.BUSY_NANOS), "idle: nothing running to add");
        }
    }

    @Test
    void busyTimeIsMeasuredOnTheExecsClock() throws Exception {
        Path path = dir.resolve("clock.counters");
        Telemetry.enable(path);
        ManualClock clock = new ManualClock();
        try (CountersFile reader = CountersFile.open(path);
             Exec exec = Exec.builder().name("tele-clock").daemon(true).clock(clock).build()) {
            // real time spent in tasks, but the Exec's clock stands still: no busy time
            for (int round = 0; round < 3; round++) {
                Gate gate = Gate.hold(exec);
                for (int i = 0; i < 100; i++) {
                    exec.execute(() -> java.util.concurrent.locks.LockSupport.parkNanos(100_000));
                }
                gate.open();
                await(() -> exec.depth() == 0, "the ring to drain");
                await(() -> find(reader, "tele-clock").get(Metric.BUSY_SINCE) == 0, "idle");
            }
            assertEquals(0, find(reader, "tele-clock").get(Metric.BUSY_NANOS), "the clock did not move");

            // tasks of 1 ms of the Exec's time each, run in several turns (bursts of 32): busy time in whole ms
            Gate gate = Gate.hold(exec);
            for (int i = 0; i < 100; i++) {
                exec.execute(() -> clock.advance(1, TimeUnit.MILLISECONDS));
            }
            gate.open();
            await(() -> exec.depth() == 0, "the ring to drain");
            await(() -> find(reader, "tele-clock").get(Metric.BUSY_SINCE) == 0, "idle");
            long busy = find(reader, "tele-clock").get(Metric.BUSY_NANOS);
            assertTrue(busy > 0 && busy <= TimeUnit.MILLISECONDS.toNanos(100), busy + " ns");
            assertEquals(0, busy % TimeUnit.MILLISECONDS.toNanos(1), busy + " ns: measured on the fake clock");
        }
    }

    @Test
    void aStoppedExecLeavesTheFileAndKeepsItsValues() throws Exception {
        Path path = dir.resolve("stop.counters");
        Telemetry.enable(path);
        try (CountersFile reader = CountersFile.open(path)) {
            ExecGroup group = ExecGroup.builder().execs(2)
                .execSettings(Exec.builder().name("leaver").daemon(true)).build();
            for (int i = 0; i < 1000; i++) {
                group.execute(i, () -> { });
            }
            await(() -> reader.sample().size() == 2, "two Execs in the file");
            group.close();
            assertEquals(1000, group.exec(0).tasksRun() + group.exec(1).tasksRun(), "getters survive the stop");
            assertEquals(0, reader.sample().size(), "stopped Execs left the file");
        }
    }

    @Test
    void countersAreKeptWithoutAFileToo() throws Exception {
        Telemetry.disable();
        try (Exec exec = Exec.builder().name("private").daemon(true).build()) {
            CountDownLatch done = new CountDownLatch(10);
            for (int i = 0; i < 10; i++) {
                exec.execute(done::countDown);
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            await(() -> exec.tasksRun() == 10, "10 tasks counted");
        }
    }

    @Test
    void badCountersFilesAreRefusedNamingTheProblem() throws Exception {
        Path junk = Files.write(dir.resolve("junk.counters"), new byte[4096]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CountersFile.open(junk));
        assertTrue(e.getMessage().contains("junk.counters") && e.getMessage().contains("magic"), e.getMessage());
        Exception missing = assertThrows(java.io.IOException.class, () -> CountersFile.open(dir.resolve("none")));
        assertTrue(missing.getMessage().contains("none"), missing.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CountersFile.create(dir.resolve("x"), 3));
        assertTrue(e.getMessage().contains("got 3"), e.getMessage());
    }
}
