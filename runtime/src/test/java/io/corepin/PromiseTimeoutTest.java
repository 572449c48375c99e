package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code orTimeout} and {@code completeOnTimeout} of a {@link Promise} run on its Exec's own timer wheel: at the
 * deadline on the Exec's clock (a {@link ManualClock} here: no sleeping), on the owner thread, cancelled when the
 * promise completes first, and never with the JDK's delayer thread ({@code CompletableFutureDelayScheduler} up to
 * JDK 24, {@code ForkJoinPool.commonPool-delayScheduler} from JDK 25).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PromiseTimeoutTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ManualClock clock = new ManualClock();

    private Exec manual(String name) {
        return Exec.builder().name(name).clock(clock).daemon(true).build();
    }

    /** Waits until the Exec has fired every timer due now that was scheduled before (see TimerTest.settle). */
    private static void settle(Exec exec) throws InterruptedException {
        CountDownLatch barrier = new CountDownLatch(1);
        exec.schedule(barrier::countDown, 0, TimeUnit.NANOSECONDS);
        assertTrue(barrier.await(10, TimeUnit.SECONDS), "the barrier timer never fired");
    }

    private void advance(Exec exec, long nanos) throws InterruptedException {
        clock.advance(nanos, TimeUnit.NANOSECONDS);
        settle(exec);
    }

    private static boolean wheelEmpty(Exec exec) throws Exception {
        return exec.submit(() -> exec.timers().isEmpty()).get(10, TimeUnit.SECONDS);
    }

    /**
     * The thread that completes {@code p}'s outcome word: a plain {@code CompletableFuture} made by {@code anyOf}
     * of two runs its dependents on that thread (a Promise's own actions always run on the owner).
     */
    private static AtomicReference<Thread> completerOf(Promise<?> p) {
        AtomicReference<Thread> completer = new AtomicReference<>();
        CompletableFuture.anyOf(p, new CompletableFuture<>()).whenComplete((v, x) -> completer.set(Thread.currentThread()));
        return completer;
    }

    private static Thread threadOf(Exec exec) throws Exception {
        return exec.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
    }

    @Test
    void orTimeoutFailsThePromiseAtTheDeadlineNotBeforeOnTheOwner() throws Exception {
        try (Exec exec = manual("timeout-fires")) {
            Promise<String> p = new Promise<>(exec);
            AtomicReference<Thread> completer = completerOf(p);
            assertSame(p, p.orTimeout(20, TimeUnit.MILLISECONDS)); // as CompletableFuture's: this promise
            settle(exec);
            assertFalse(wheelEmpty(exec), "the timeout holds a slot of the Exec's wheel");
            advance(exec, 20 * MS - 1);
            assertFalse(p.isDone(), "timed out before the deadline");
            advance(exec, 1);
            assertTrue(p.isDone(), "not timed out at the deadline");
            ExecutionException e = assertThrows(ExecutionException.class, () -> p.get(5, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertSame(threadOf(exec), completer.get(), "the timeout fired on " + completer.get());
            assertTrue(wheelEmpty(exec));
        }
    }

    @Test
    void completeOnTimeoutCompletesWithTheValueAndItsActionsRunOnTheOwner() throws Exception {
        try (Exec exec = manual("timeout-value")) {
            Promise<String> p = new Promise<>(exec);
            AtomicReference<Thread> actionThread = new AtomicReference<>();
            Promise<String> derived = p.thenApply(s -> {
                actionThread.set(Thread.currentThread());
                return s + "!";
            });
            // registered on the owner this time
            assertSame(p, exec.submit(() -> p.completeOnTimeout("late", 5, TimeUnit.MILLISECONDS))
                .get(5, TimeUnit.SECONDS));
            advance(exec, 5 * MS - 1);
            assertFalse(p.isDone());
            advance(exec, 1);
            assertEquals("late!", derived.get(5, TimeUnit.SECONDS));
            assertSame(threadOf(exec), actionThread.get());
            assertTrue(wheelEmpty(exec));
        }
    }

    @Test
    void aCompletionBeforeTheDeadlineCancelsTheTimer() throws Exception {
        try (Exec exec = manual("timeout-cancelled")) {
            Promise<String> p = new Promise<>(exec);
            Promise<String> q = new Promise<>(exec);
            p.orTimeout(1, TimeUnit.HOURS);
            q.completeOnTimeout("never", 1, TimeUnit.HOURS);
            settle(exec);
            assertFalse(wheelEmpty(exec));
            p.complete("first"); // from this thread
            exec.execute(() -> q.complete("second")); // on the owner
            assertEquals("first", p.get(5, TimeUnit.SECONDS));
            assertEquals("second", q.get(5, TimeUnit.SECONDS));
            assertTrue(wheelEmpty(exec), "a completed promise's timeout still holds a wheel slot");
            advance(exec, TimeUnit.HOURS.toNanos(2));
            assertEquals("first", p.getNow(null));
            assertEquals("second", q.getNow(null));
        }
    }

    @Test
    void aDoneOrDerivedPromiseAndBadArguments() throws Exception {
        try (Exec exec = manual("timeout-args")) {
            Promise<String> done = new Promise<>(exec);
            done.complete("x");
            assertSame(done, done.orTimeout(0, TimeUnit.NANOSECONDS));
            assertEquals("x", done.get(5, TimeUnit.SECONDS));
            assertTrue(wheelEmpty(exec), "a done promise needs no timer");

            // a derived stage is a Promise of the same Exec, timed on its wheel
            Promise<String> source = new Promise<>(exec);
            CompletableFuture<Integer> derived =
                source.thenApply(String::length).completeOnTimeout(-1, 3, TimeUnit.MILLISECONDS);
            advance(exec, 3 * MS);
            assertEquals(-1, derived.get(5, TimeUnit.SECONDS));

            Promise<String> p = new Promise<>(exec);
            IllegalArgumentException negative =
                assertThrows(IllegalArgumentException.class, () -> p.orTimeout(-5, TimeUnit.SECONDS));
            assertTrue(negative.getMessage().contains("-5"), negative.getMessage());
            assertThrows(IllegalArgumentException.class, () -> p.completeOnTimeout("v", -1, TimeUnit.SECONDS));
            assertThrows(NullPointerException.class, () -> p.orTimeout(1, null));
            assertFalse(p.isDone());
        }
    }

    @Test
    void shutdownNowFailsAPendingTimeoutInsteadOfHandingItBackOrLosingIt() throws Exception {
        Exec exec = manual("timeout-stop");
        Promise<String> p = new Promise<>(exec);
        p.orTimeout(1, TimeUnit.HOURS);
        settle(exec);
        List<Runnable> notRun = exec.shutdownNow().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), notRun, "a timeout is corepin's, not a task of the user's");
        CancellationException e = assertThrows(CancellationException.class, () -> p.get(5, TimeUnit.SECONDS));
        assertTrue(Causes.messages(e).contains("timeout-stop"), Causes.messages(e));

        // a promise of a terminated Exec: no wheel to time it on, so it fails rather than hang
        Promise<String> late = new Promise<>(exec);
        late.orTimeout(1, TimeUnit.SECONDS);
        assertThrows(CancellationException.class, () -> late.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aGracefulCloseStillFiresAPendingTimeoutAtItsDeadline() throws Exception {
        Exec exec = manual("timeout-close");
        Promise<String> p = new Promise<>(exec);
        p.completeOnTimeout("at the deadline", 10, TimeUnit.MILLISECONDS);
        settle(exec);
        exec.shutdown();
        assertFalse(exec.awaitTermination(50, TimeUnit.MILLISECONDS), "the close waits for the timer, as for a sleep");
        assertFalse(p.isDone());
        clock.advance(10, TimeUnit.MILLISECONDS, exec);
        assertEquals("at the deadline", p.get(5, TimeUnit.SECONDS));
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void noJdkDelayerThreadIsStarted() throws Exception {
        ChildJvm.Result r = ChildJvm.run(TimeoutsInAFreshJvm.class, "-XX:-UsePerfData");
        r.assertPrinted("timed out: TimeoutException");
        r.assertPrinted("completed on timeout: late");
        r.assertPrinted("completed first: first");
        r.assertPrinted("delayer threads before the control: 0");
        r.assertPrinted("delayer threads after the control: 1"); // the check sees the thread when there is one
    }

    /** In a JVM of its own: no earlier test can have started the JDK's delayer. */
    static final class TimeoutsInAFreshJvm {
        public static void main(String[] args) throws Exception {
            try (Exec exec = Exec.builder().name("fresh").daemon(true).build()) {
                Promise<String> timesOut = new Promise<>(exec);
                timesOut.orTimeout(2, TimeUnit.MILLISECONDS);
                try {
                    timesOut.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    System.out.println("RESULT timed out: " + e.getCause().getClass().getSimpleName());
                }
                Promise<String> value = new Promise<>(exec);
                value.completeOnTimeout("late", 2, TimeUnit.MILLISECONDS);
                System.out.println("RESULT completed on timeout: " + value.get(10, TimeUnit.SECONDS));
                Promise<String> first = new Promise<>(exec);
                first.orTimeout(1, TimeUnit.HOURS);
                first.complete("first");
                System.out.println("RESULT completed first: " + first.get(10, TimeUnit.SECONDS));
            }
            System.out.println("RESULT delayer threads before the control: " + delayerThreads());
            new CompletableFuture<String>().orTimeout(1, TimeUnit.HOURS); // a plain one: starts the JDK's thread
            System.out.println("RESULT delayer threads after the control: " + delayerThreads());
        }

        private static long delayerThreads() {
            return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().contains("CompletableFutureDelayScheduler") // JDK 17 to 24
                    || t.getName().equals("ForkJoinPool.commonPool-delayScheduler")) // JDK 25
                .count();
        }
    }
}
