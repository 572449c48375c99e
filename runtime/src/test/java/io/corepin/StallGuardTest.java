package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The stall guard reports a task that holds its Exec too long, once, with the task and the stack; nothing else. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StallGuardTest {
    @TempDir
    Path dir;

    private final List<StallGuard.Report> reports = new CopyOnWriteArrayList<>();
    private final Consumer<StallGuard.Report> listener = reports::add;

    @BeforeEach
    void listen() {
        StallGuard.LISTENERS.add(listener);
    }

    @AfterEach
    void stopListening() {
        StallGuard.LISTENERS.remove(listener);
    }

    private List<StallGuard.Report> reportsFor(String exec) {
        return reports.stream().filter(r -> r.exec.equals(exec)).collect(Collectors.toList());
    }

    /** A task that blocks its Exec: the kind of code the guard is for. */
    static final class Sleeper implements Runnable {
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        public void run() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        }
    }

    @Test
    void aTaskThatSleeps100msIsReportedExactlyOnceWithTheTaskAndTheStack() throws Exception {
        Path dump = dir.resolve("stall.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.corepin.Stall");
            recording.start();
            try (Exec exec = Exec.builder().name("stall-sleep").daemon(true).build()) { // default threshold: 10 ms
                Sleeper sleeper = new Sleeper();
                exec.execute(sleeper);
                assertTrue(sleeper.done.await(10, TimeUnit.SECONDS));
                exec.submit(() -> null).get(10, TimeUnit.SECONDS);
                Thread.sleep(30); // a few more guard periods: the finished task must not be reported again
            }
            recording.stop();
            recording.dump(dump);
        }
        List<StallGuard.Report> mine = reportsFor("stall-sleep");
        assertEquals(1, mine.size(), mine.toString());
        StallGuard.Report r = mine.get(0);
        assertTrue(r.task.startsWith(Sleeper.class.getName() + ".run("), r.task);
        assertTrue(r.stack.contains("java.lang.Thread.sleep") && r.stack.contains("io.corepin.OwnerLoop.runTask"), r.stack);
        assertTrue(r.heldNanos >= TimeUnit.MILLISECONDS.toNanos(10), "held " + r.heldNanos + " ns");
        assertTrue(r.heldNanos <= TimeUnit.MILLISECONDS.toNanos(100), "reported while it ran: " + r.heldNanos);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(10), r.thresholdNanos);

        List<RecordedEvent> events = RecordingFile.readAllEvents(dump).stream()
            .filter(e -> e.getEventType().getName().equals("io.corepin.Stall")
                && "stall-sleep".equals(e.getString("exec")))
            .collect(Collectors.toList());
        assertEquals(1, events.size(), events.toString());
        assertEquals(r.task, events.get(0).getString("task"));
        assertTrue(events.get(0).getString("stack").contains("Sleeper.run"));
        assertTrue(events.get(0).getLong("durationMillis") >= 10);
    }

    @Test
    void shortTasksAndAnIdleExecAreNotReported() throws Exception {
        // 50 ms threshold: a short task would have to be descheduled for 50 ms to look like a stall
        try (Exec exec = Exec.builder().name("stall-short").daemon(true)
            .stallThreshold(50, TimeUnit.MILLISECONDS).build()) {
            CountDownLatch done = new CountDownLatch(20_000);
            for (int i = 0; i < 20_000; i++) {
                while (exec.offer(done::countDown) < 0) {
                    Thread.yield();
                }
            }
            for (int i = 0; i < 10; i++) {
                exec.execute(() -> java.util.concurrent.locks.LockSupport.parkNanos(1_000_000)); // 1 ms: fine
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
            Thread.sleep(200); // idle for four thresholds
        }
        assertEquals(List.of(), reportsFor("stall-short"));
    }

    @Test
    void theTaskIsNamedPastCorepinsWrappersForAsyncTasksAndTimers() throws Exception {
        try (Exec exec = Exec.builder().name("stall-wrapped").daemon(true)
            .stallThreshold(20, TimeUnit.MILLISECONDS).build()) {
            CountDownLatch done = new CountDownLatch(2);
            exec.spawn(new AsyncTask() {
                @Override
                protected boolean poll() {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    done.countDown();
                    return true;
                }
            });
            exec.schedule(() -> {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                done.countDown();
            }, 1, TimeUnit.MILLISECONDS);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
        }
        List<StallGuard.Report> mine = reportsFor("stall-wrapped");
        assertEquals(2, mine.size(), mine.toString());
        assertTrue(mine.get(0).task.contains(".poll(StallGuardTest.java"), mine.get(0).task);
        assertTrue(mine.get(1).task.contains("StallGuardTest.lambda$"), mine.get(1).task);
    }

    @Test
    void aThresholdOfZeroTurnsTheGuardOff() throws Exception {
        try (Exec exec = Exec.builder().name("stall-off").daemon(true).stallThreshold(0, TimeUnit.MILLISECONDS)
            .build()) {
            Sleeper sleeper = new Sleeper();
            exec.execute(sleeper);
            assertTrue(sleeper.done.await(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), reportsFor("stall-off"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Exec.builder().stallThreshold(-7, TimeUnit.MILLISECONDS));
        assertTrue(e.getMessage().contains("-7"), e.getMessage());
    }

    @Test
    void findsTheTaskFrameInAStack() {
        StackTraceElement[] stack = {
            new StackTraceElement("java.lang.Thread", "sleep", null, -2),
            new StackTraceElement("com.example.Handler", "handle", "Handler.java", 42),
            new StackTraceElement("io.corepin.AsyncTask", "step", "AsyncTask.java", 10),
            new StackTraceElement("io.corepin.AsyncTask$Step", "run", "AsyncTask.java", 20),
            new StackTraceElement("io.corepin.OwnerLoop", "runTask", "OwnerLoop.java", 30),
            new StackTraceElement("io.corepin.OwnerLoop", "doWork", "OwnerLoop.java", 40),
        };
        assertEquals(4, StallGuard.indexOfRunTask(stack));
        assertEquals("com.example.Handler.handle(Handler.java:42)", StallGuard.taskFrame(stack, 4));
        assertEquals(-1, StallGuard.indexOfRunTask(new StackTraceElement[] {stack[0], stack[5]}));
    }
    /** A Callable that blocks its Exec. */
    static final class SlowCall implements java.util.concurrent.Callable<String> {
        @Override
        public String call() throws Exception {
            Thread.sleep(100);
            return "done";
        }
    }

    /**
     * A stalling {@code submit(Callable)} is reported with the Callable (not corepin's {@code CallPromise.run}), a
     * lambda by its body, and a stalling continuation by the continuation's lambda (not CompletableFuture's frames).
     */
    @Test
    void aStallingSubmitIsNamedByTheUsersCodeNotCorepinsWrapper() throws Exception {
        try (Exec exec = Exec.builder().name("stall-call").daemon(true)
            .stallThreshold(20, TimeUnit.MILLISECONDS).build()) {
            assertEquals("done", exec.submit(new SlowCall()).get(10, TimeUnit.SECONDS));
            assertEquals(1, exec.submit(() -> {
                Thread.sleep(100);
                return 1;
            }).get(10, TimeUnit.SECONDS));
            // a continuation queued on the Exec: CompletableFuture's frames lie between runTask and the lambda
            java.util.concurrent.CompletableFuture<Integer> next = java.util.concurrent.CompletableFuture
                .completedFuture(2).thenApplyAsync(v -> {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    return v + 1;
                }, exec);
            assertEquals(3, next.get(10, TimeUnit.SECONDS));
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
        }
        List<StallGuard.Report> mine = reportsFor("stall-call");
        assertEquals(3, mine.size(), mine.toString());
        assertTrue(mine.get(0).task.startsWith(SlowCall.class.getName() + ".call(StallGuardTest.java:"),
            mine.get(0).task);
        assertTrue(mine.get(1).task.startsWith(StallGuardTest.class.getName() + ".lambda$"), mine.get(1).task);
        assertTrue(mine.get(2).task.startsWith(StallGuardTest.class.getName() + ".lambda$"), mine.get(2).task);
    }
}
