package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Periodic streams ({@link Exec#ticks}): fixed rate on the Exec's wheel, missed ticks coalesced, end at close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TickerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ManualClock clock = new ManualClock();

    private Exec manual(String name) {
        return Exec.builder().name(name).clock(clock).daemon(true).build();
    }

    private static <T> T onExec(Exec exec, Callable<T> body) throws Exception {
        return exec.submit(body).get(10, TimeUnit.SECONDS);
    }

    /** Waits until the Exec has fired every timer due now that was scheduled before. */
    private static void settle(Exec exec) throws InterruptedException {
        CountDownLatch barrier = new CountDownLatch(1);
        exec.schedule(barrier::countDown, 0, TimeUnit.NANOSECONDS);
        assertTrue(barrier.await(10, TimeUnit.SECONDS), "the barrier timer never fired");
    }

    private void advance(Exec exec, long nanos) throws InterruptedException {
        clock.advance(nanos, TimeUnit.NANOSECONDS);
        settle(exec);
    }

    @Test
    void aTickAtEveryPeriodBoundaryNotBeforeReceivedOnTheOwner() throws Exception {
        try (Exec exec = manual("ticks")) {
            Ticker ticker = onExec(exec, () -> exec.ticks(10, TimeUnit.MILLISECONDS));
            Thread owner = onExec(exec, Thread::currentThread);
            for (int k = 1; k <= 3; k++) {
                Promise<Long> tick = onExec(exec, ticker::recv);
                AtomicReference<Thread> ranOn = new AtomicReference<>();
                Promise<Long> seen = tick.thenApply(n -> {
                    ranOn.set(Thread.currentThread());
                    return n;
                });
                advance(exec, 10 * MS - 1);
                assertFalse(tick.isDone(), "tick " + k + " came before its boundary");
                advance(exec, 1);
                assertEquals(1L, seen.get(5, TimeUnit.SECONDS), "tick " + k);
                assertSame(owner, ranOn.get());
            }
        }
    }

    @Test
    void missedTicksAreCoalescedIntoOneThatCountsThemAndTheGridIsKept() throws Exception {
        try (Exec exec = manual("ticks-coalesce")) {
            long start = clock.nanoTime();
            Ticker ticker = onExec(exec, () -> exec.ticks(10, TimeUnit.MILLISECONDS));
            advance(exec, 35 * MS); // boundaries at 10, 20, 30 with nobody receiving: one tick of 3
            assertEquals(3L, (long) onExec(exec, ticker::tryRecv));
            assertEquals(0L, (long) onExec(exec, ticker::tryRecv));
            advance(exec, 5 * MS - 1);
            assertEquals(0L, (long) onExec(exec, ticker::tryRecv), "the grid moved: a tick before 40 ms");
            advance(exec, 1); // 40 ms: on the grid of the start, not 35 + 10
            assertEquals(1L, (long) onExec(exec, ticker::tryRecv));

            // the Exec's clock jumps 10,000 periods: one fire, no catch-up; the next deadline is the next boundary
            advance(exec, 10_000 * 10 * MS);
            Promise<Long> next = onExec(exec, ticker::recv);
            assertEquals(10_000L, next.get(5, TimeUnit.SECONDS));
            assertEquals(start + 10_005 * 10 * MS, ticker.timer().deadlineNanos());
        }
    }

    @Test
    void waitingReceivesTakeTheComingTicksInOrderAndACancelledOneTakesNothing() throws Exception {
        try (Exec exec = manual("ticks-waiters")) {
            Ticker ticker = onExec(exec, () -> exec.ticks(1, TimeUnit.MILLISECONDS));
            List<Promise<Long>> r = onExec(exec, () -> List.of(ticker.recv(), ticker.recv(), ticker.recv()));
            assertTrue(r.get(0).cancel(false)); // from another thread: it leaves without taking a tick
            advance(exec, MS);
            assertEquals(1L, r.get(1).get(5, TimeUnit.SECONDS));
            assertFalse(r.get(2).isDone());
            advance(exec, MS);
            assertEquals(1L, r.get(2).get(5, TimeUnit.SECONDS));
            // a receive cancelled while a tick is due: the tick stays pending for the next receive
            Promise<Long> cancelled = onExec(exec, ticker::recv);
            cancelled.cancel(false);
            advance(exec, MS);
            assertEquals(1L, (long) onExec(exec, ticker::tryRecv));
        }
    }

    @Test
    void aLoopOfReceivesOnTheExecEndsWhenTheTickerCloses() throws Exception {
        try (Exec exec = manual("ticks-loop")) {
            Ticker ticker = onExec(exec, () -> exec.ticks(5, TimeUnit.MILLISECONDS));
            List<Long> seen = new CopyOnWriteArrayList<>();
            Promise<Void> loop = exec.spawn(() -> receiveAll(ticker, seen));
            for (int i = 0; i < 4; i++) {
                advance(exec, 5 * MS);
            }
            advance(exec, 12 * MS); // two boundaries (25, 30 ms) in one jump: one tick that counts 2
            assertEquals(List.of(1L, 1L, 1L, 1L, 2L), seen);
            ticker.close(); // from another thread
            assertTrue(ticker.isClosed());
            ExecutionException end = assertThrows(ExecutionException.class, () -> loop.get(5, TimeUnit.SECONDS));
            assertTrue(end.getCause() instanceof CancellationException, end.toString()); // through a thenCompose
            assertTrue(end.getCause().getMessage().contains("closed"), end.getCause().getMessage());
            assertTrue(onExec(exec, () -> exec.timers().isEmpty()), "a closed ticker left its timer in the wheel");
            Promise<Long> after = onExec(exec, ticker::recv);
            assertThrows(CancellationException.class, () -> after.get(5, TimeUnit.SECONDS));
        }
    }

    private static CompletionStage<Void> receiveAll(Ticker ticker, List<Long> seen) {
        return ticker.recv().thenCompose(n -> {
            seen.add(n);
            return receiveAll(ticker, seen);
        });
    }

    @Test
    void aGracefulShutdownEndsTheStreamAndTheExecTerminatesWithoutTimeMoving() throws Exception {
        Exec exec = manual("ticks-shutdown");
        Ticker ticker = onExec(exec, () -> exec.ticks(1, TimeUnit.HOURS));
        Promise<Long> waiting = onExec(exec, ticker::recv);
        exec.shutdown();
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS), "a ticker kept its Exec from closing");
        CancellationException e = assertThrows(CancellationException.class, () -> waiting.get(5, TimeUnit.SECONDS));
        assertTrue(Causes.messages(e).contains("ticks-shutdown was shut down"), Causes.messages(e));
        assertTrue(ticker.isClosed());
        assertThrows(RejectedExecutionException.class, () -> exec.ticks(1, TimeUnit.SECONDS));
    }

    @Test
    void shutdownNowEndsTheStreamAndHandsNothingBack() throws Exception {
        Exec exec = manual("ticks-stop");
        Ticker ticker = exec.ticks(1, TimeUnit.HOURS); // from another thread: armed through the ring
        Promise<Long> waiting = onExec(exec, ticker::recv);
        assertEquals(List.of(), exec.shutdownNow().get(10, TimeUnit.SECONDS));
        assertThrows(CancellationException.class, () -> waiting.get(5, TimeUnit.SECONDS));
        assertTrue(ticker.isClosed());
    }

    @Test
    void badPeriodsAndReceivesOffTheExecAreRefused() throws Exception {
        try (Exec exec = manual("ticks-bad")) {
            IllegalArgumentException zero =
                assertThrows(IllegalArgumentException.class, () -> exec.ticks(0, TimeUnit.MILLISECONDS));
            assertTrue(zero.getMessage().contains("0"), zero.getMessage());
            assertThrows(IllegalArgumentException.class, () -> exec.ticks(-3, TimeUnit.MILLISECONDS));
            assertThrows(NullPointerException.class, () -> exec.ticks(1, null));
            Ticker ticker = exec.ticks(1, TimeUnit.MILLISECONDS);
            String me = Thread.currentThread().getName();
            IllegalStateException off = assertThrows(IllegalStateException.class, ticker::recv);
            assertTrue(off.getMessage().contains(me) && off.getMessage().contains("ticks-bad"), off.getMessage());
            assertThrows(IllegalStateException.class, ticker::tryRecv);
            ticker.close();
            ticker.close(); // idempotent
        }
    }
}
