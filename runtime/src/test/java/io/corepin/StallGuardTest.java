package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
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

/**
 * The stall guard reports a task that holds its Exec too long, once, with the task and the stack; nothing else.
 *
 * <p>Most tests give the Exec a {@link ManualClock}: the guard measures a task's hold on the Exec's clock, so a test
 * holds a task on a latch and moves the clock on, instead of letting a task sleep for real. Between two moves the
 * test waits (bounded) for a report, giving the guard's thread, which looks every threshold / 2 of real time, a
 * chance to look. Some tests keep the real clock, so that the default path is tested too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StallGuardTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final List<StallGuard.Report> reports = new CopyOnWriteArrayList<>();
    /** A permit per report (of any Exec): what {@link #driveUntilReported} waits on between two clock moves. */
    private final Semaphore reported = new Semaphore(0);
    private final Consumer<StallGuard.Report> listener = r -> {
        reports.add(r);
        reported.release();
    };

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

    /**
     * Moves the clock on {@code stepNanos} at a time (waking {@code exec}) until {@code exec} has {@code count}
     * reports; bounded by 10 s of real time.
     */
    private void driveUntilReported(Exec exec, int count, long stepNanos) throws InterruptedException {
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reportsFor(exec.name()).size() < count) {
            assertTrue(System.nanoTime() < until, "no report " + count + " for " + exec.name() + ": " + reports);
            clock.advance(stepNanos, TimeUnit.NANOSECONDS, exec);
            reported.tryAcquire(20, TimeUnit.MILLISECONDS); // bounded: gives the guard's thread time to look
        }
    }

    /** Blocks the tasks that call {@link #block()} until {@link #release()}d (bounded): stalls on demand. */
    static final class Hold {
        final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        void block() {
            entered.countDown();
            try {
                if (!released.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void release() {
            released.countDown();
        }
    }

    /** A task that holds its Exec until released: the kind of code the guard is for. */
    static final class Holder implements Runnable {
        final Hold hold = new Hold();
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        public void run() {
            hold.block();
            done.countDown();
        }
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
    void aTaskThatHoldsItsExecPastTheThresholdIsReportedExactlyOnceWithTheTaskAndTheStack() throws Exception {
        Path dump = dir.resolve("stall.jfr");
        long heldFor;
        try (Recording recording = new Recording()) {
            recording.enable("io.corepin.Stall");
            recording.start();
            // default threshold: 10 ms, of the Exec's clock
            try (Exec exec = Exec.builder().name("stall-held").clock(clock).daemon(true).build()) {
                Holder holder = new Holder();
                exec.execute(holder);
                assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
                final long start = clock.nanoTime();
                driveUntilReported(exec, 1, TimeUnit.MILLISECONDS.toNanos(10)); // a threshold per step
                heldFor = clock.nanoTime() - start;
                holder.hold.release();
                assertTrue(holder.done.await(10, TimeUnit.SECONDS));
                exec.submit(() -> null).get(10, TimeUnit.SECONDS);
                for (int i = 0; i < 3; i++) { // a few more guard periods: the finished task must not be reported again
                    clock.advance(50, TimeUnit.MILLISECONDS, exec);
                    assertTrue(!reported.tryAcquire(15, TimeUnit.MILLISECONDS) || reportsFor("stall-held").size() == 1,
                        reports.toString());
                }
            }
            recording.stop();
            recording.dump(dump);
        }
        List<StallGuard.Report> mine = reportsFor("stall-held");
        assertEquals(1, mine.size(), mine.toString());
        StallGuard.Report r = mine.get(0);
        assertTrue(r.task.startsWith(Holder.class.getName() + ".run("), r.task);
        assertTrue(r.stack.contains("java.util.concurrent.CountDownLatch.await")
            && r.stack.contains("io.corepin.OwnerLoop.runTask"), r.stack);
        assertTrue(r.heldNanos >= TimeUnit.MILLISECONDS.toNanos(10), "held " + r.heldNanos + " ns");
        assertTrue(r.heldNanos <= heldFor, "reported while it ran: " + r.heldNanos + " > " + heldFor);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(10), r.thresholdNanos);

        List<RecordedEvent> events = RecordingFile.readAllEvents(dump).stream()
            .filter(e -> e.getEventType().getName().equals("io.corepin.Stall")
                && "stall-held".equals(e.getString("exec")))
            .collect(Collectors.toList());
        assertEquals(1, events.size(), events.toString());
        assertEquals(r.task, events.get(0).getString("task"));
        assertTrue(events.get(0).getString("stack").contains("Holder.run"));
        assertTrue(events.get(0).getLong("durationMillis") >= 10);
    }

    @Test
    void aTaskThatSleeps100msOnTheRealClockIsReported() throws Exception {
        try (Exec exec = Exec.builder().name("stall-sleep").daemon(true).build()) { // default clock and threshold
            Sleeper sleeper = new Sleeper();
            exec.execute(sleeper);
            assertTrue(sleeper.done.await(10, TimeUnit.SECONDS));
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
        }
        List<StallGuard.Report> mine = reportsFor("stall-sleep");
        assertEquals(1, mine.size(), mine.toString());
        StallGuard.Report r = mine.get(0);
        assertTrue(r.task.startsWith(Sleeper.class.getName() + ".run("), r.task);
        assertTrue(r.stack.contains("java.lang.Thread.sleep") && r.stack.contains("io.corepin.OwnerLoop.runTask"), r.stack);
        assertTrue(r.heldNanos >= TimeUnit.MILLISECONDS.toNanos(10), "held " + r.heldNanos + " ns");
        assertTrue(r.heldNanos <= TimeUnit.MILLISECONDS.toNanos(100), "reported while it ran: " + r.heldNanos);
    }

    @Test
    void theGuardMeasuresOnTheExecsClockSoAClockThatStandsStillReportsNothing() throws Exception {
        // 100 ms of real time in one task, but the Exec's clock does not move: not a stall by that Exec's time
        try (Exec exec = Exec.builder().name("stall-frozen").clock(clock).daemon(true).build()) {
            Sleeper sleeper = new Sleeper();
            exec.execute(sleeper);
            assertTrue(sleeper.done.await(10, TimeUnit.SECONDS));
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), reportsFor("stall-frozen"));
    }

    @Test
    void shortTasksAndAnIdleExecAreNotReported() throws Exception {
        // 50 ms threshold of the Exec's clock, which only the tasks and the test move: a loaded machine that
        // deschedules the Exec's thread mid-task cannot make a short task look like a stall
        try (Exec exec = Exec.builder().name("stall-short").clock(clock).daemon(true)
            .stallThreshold(50, TimeUnit.MILLISECONDS).build()) {
            CountDownLatch done = new CountDownLatch(20_000);
            for (int i = 0; i < 20_000; i++) {
                while (exec.offer(done::countDown) < 0) {
                    Thread.yield();
                }
            }
            for (int i = 0; i < 10; i++) {
                exec.execute(() -> clock.advance(1, TimeUnit.MILLISECONDS)); // a task of 1 ms: fine
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            exec.submit(() -> null).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 4; i++) { // idle for four thresholds, the guard (every 25 ms) looking in between
                clock.advance(50, TimeUnit.MILLISECONDS, exec);
                reported.tryAcquire(60, TimeUnit.MILLISECONDS); // bounded: returns early on any report
            }
        }
        assertEquals(List.of(), reportsFor("stall-short"));
    }

    @Test
    void theTaskIsNamedPastCorepinsWrappersForAsyncTasksAndTimers() throws Exception {
        try (Exec exec = Exec.builder().name("stall-wrapped").clock(clock).daemon(true)
            .stallThreshold(20, TimeUnit.MILLISECONDS).build()) {
            CountDownLatch done = new CountDownLatch(2);
            Hold inPoll = new Hold();
            Hold inTimer = new Hold();
            exec.spawn(new AsyncTask() {
                @Override
                protected boolean poll() {
                    inPoll.block();
                    done.countDown();
                    return true;
                }
            });
            exec.schedule(() -> {
                inTimer.block();
                done.countDown();
            }, 1, TimeUnit.MILLISECONDS);
            assertTrue(inPoll.entered.await(10, TimeUnit.SECONDS));
            driveUntilReported(exec, 1, TimeUnit.MILLISECONDS.toNanos(20));
            inPoll.release();
            driveUntilReported(exec, 2, TimeUnit.MILLISECONDS.toNanos(20)); // the timer falls due, then stalls
            inTimer.release();
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
        final Hold hold = new Hold();

        @Override
        public String call() throws Exception {
            hold.block();
            return "done";
        }
    }

    /**
     * A stalling {@code submit(Callable)} is reported with the Callable (not corepin's {@code CallPromise.run}), a
     * lambda by its body, and a stalling continuation by the continuation's lambda (not CompletableFuture's frames).
     */
    @Test
    void aStallingSubmitIsNamedByTheUsersCodeNotCorepinsWrapper() throws Exception {
        try (Exec exec = Exec.builder().name("stall-call").clock(clock).daemon(true)
            .stallThreshold(20, TimeUnit.MILLISECONDS).build()) {
            final long step = TimeUnit.MILLISECONDS.toNanos(20); // a threshold per step
            SlowCall slow = new SlowCall();
            java.util.concurrent.Future<String> call = exec.submit(slow);
            driveUntilReported(exec, 1, step);
            slow.hold.release();
            assertEquals("done", call.get(10, TimeUnit.SECONDS));
            Hold inLambda = new Hold();
            java.util.concurrent.Future<Integer> lambda = exec.submit(() -> {
                inLambda.block();
                return 1;
            });
            driveUntilReported(exec, 2, step);
            inLambda.release();
            assertEquals(1, lambda.get(10, TimeUnit.SECONDS));
            // a continuation queued on the Exec: CompletableFuture's frames lie between runTask and the lambda
            Hold inContinuation = new Hold();
            java.util.concurrent.CompletableFuture<Integer> next = java.util.concurrent.CompletableFuture
                .completedFuture(2).thenApplyAsync(v -> {
                    inContinuation.block();
                    return v + 1;
                }, exec);
            driveUntilReported(exec, 3, step);
            inContinuation.release();
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
