package io.corepin.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.Exec;
import io.corepin.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Channels with cancelled, timed-out and abandoned waits: a cancelled {@code recv()} never swallows an element,
 * cancelled waits deregister (waiter lists stay bounded), and a send on a closed channel fails its promise.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelCancelTest {
    private static final int TIMED_OUT = 10_000;
    /** What "bounded" means for the waiter lists after the timed-out waits are gone (0 when deregistration works). */
    private static final int BOUND = 32;

    /** An Exec whose close is bounded: a wait that never ends must fail the test, not hang it. */
    private static BoundedExec exec(String name) {
        return new BoundedExec(Exec.builder().name(name).daemon(true).build());
    }

    private static final class BoundedExec implements AutoCloseable {
        final Exec exec;

        BoundedExec(Exec exec) {
            this.exec = exec;
        }

        @Override
        public void close() throws Exception {
            exec.shutdown();
            if (!exec.awaitTermination(10, TimeUnit.SECONDS)) {
                exec.shutdownNow();
                throw new AssertionError(exec.name() + " did not terminate: a channel wait never ended");
            }
        }
    }

    private static <T> T onExec(Exec exec, Supplier<T> body) throws Exception {
        return exec.submit(body::get).get(10, TimeUnit.SECONDS);
    }

    private static Channel<String> make(Exec exec, boolean local, int capacity) throws Exception {
        return local ? onExec(exec, () -> Channel.<String>local(capacity)) : Channel.bounded(capacity);
    }

    private static int waiters(Exec exec, Channel<?> ch) throws Exception {
        return onExec(exec, () -> ((ChannelWaiters<?>) ch).waiters());
    }

    /** Waits (bounded) until the channel's waiter count is at most {@code bound}; returns the last count seen. */
    private static int settledWaiters(Exec exec, Channel<?> ch, int bound) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int n = waiters(exec, ch);
        while (n > bound && System.nanoTime() < deadline) {
            Thread.sleep(5);
            n = waiters(exec, ch);
        }
        return n;
    }

    private static void awaitAllTimedOut(List<? extends CompletableFuture<?>> waits) throws Exception {
        for (CompletableFuture<?> w : waits) {
            try {
                w.get(20, TimeUnit.SECONDS);
                throw new AssertionError("a wait on an empty/full channel completed normally: " + w);
            } catch (ExecutionException e) {
                assertTrue(e.getCause() instanceof TimeoutException, "timed out, got " + e.getCause());
            }
        }
    }

    @ParameterizedTest(name = "local={0}")
    @ValueSource(booleans = {false, true})
    void timedOutRecvsDeregisterAndLeaveTheNextElementToTheNextReceiver(boolean local) throws Exception {
        try (BoundedExec bounded = exec("recv-timeout")) {
            Exec exec = bounded.exec;
            Channel<String> ch = make(exec, local, 4);
            List<CompletableFuture<String>> waits = onExec(exec, () -> {
                List<CompletableFuture<String>> all = new ArrayList<>();
                for (int i = 0; i < TIMED_OUT; i++) {
                    all.add(ch.recv().orTimeout(1, TimeUnit.MILLISECONDS));
                }
                return all;
            });
            awaitAllTimedOut(waits);
            int left = settledWaiters(exec, ch, 0);
            assertTrue(left <= BOUND, "receivers still registered after " + TIMED_OUT + " timed-out recvs: " + left);
            assertTrue(onExec(exec, () -> ch.trySend("next")));
            assertEquals("next", onExec(exec, ch::recv).get(10, TimeUnit.SECONDS), "the element stayed in the channel");
        }
    }

    @ParameterizedTest(name = "local={0}")
    @ValueSource(booleans = {false, true})
    void timedOutSendsDeregisterAndDoNotSend(boolean local) throws Exception {
        try (BoundedExec bounded = exec("send-timeout")) {
            Exec exec = bounded.exec;
            Channel<String> ch = make(exec, local, 1);
            assertTrue(onExec(exec, () -> ch.trySend("kept")));
            List<CompletableFuture<Void>> waits = onExec(exec, () -> {
                List<CompletableFuture<Void>> all = new ArrayList<>();
                for (int i = 0; i < TIMED_OUT; i++) {
                    all.add(ch.send("late" + i).orTimeout(1, TimeUnit.MILLISECONDS));
                }
                return all;
            });
            awaitAllTimedOut(waits);
            int left = settledWaiters(exec, ch, 0);
            assertTrue(left <= BOUND, "senders still registered after " + TIMED_OUT + " timed-out sends: " + left);
            assertEquals("kept", onExec(exec, ch::tryRecv));
            ChannelTest.drain(exec); // the freed slot wakes whatever still waits: nothing may send now
            assertNull(onExec(exec, ch::tryRecv), "a timed-out send sent its element");
        }
    }

    /**
     * The receive is cancelled at the very moment the channel hands it the element (the channel wakes a waiting
     * sender while it takes the element out, and that sender's waker cancels the receive — the instant a foreign
     * cancel can win): the element must stay in the channel for the next receiver, not vanish into the cancelled
     * promise.
     */
    @ParameterizedTest(name = "local={0}")
    @ValueSource(booleans = {false, true})
    void aRecvCancelledWhileTheElementIsHandedOverLeavesItInTheChannel(boolean local) throws Exception {
        try (BoundedExec bounded = exec("recv-race")) {
            Exec exec = bounded.exec;
            Channel<String> ch = make(exec, local, 1);
            @SuppressWarnings("unchecked")
            Promise<String>[] recv = new Promise[1];
            onExec(exec, () -> {
                recv[0] = ch.recv(); // empty: waits
                assertTrue(ch.trySend("x")); // wakes the receive; the channel is full now
                assertFalse(ch.send("y", () -> recv[0].cancel(false))); // a waiting sender that cancels the receive
                return null;
            });
            ChannelTest.drain(exec);
            assertTrue(recv[0].isCancelled(), "the receive was cancelled: " + recv[0]);
            assertEquals("x", onExec(exec, ch::tryRecv), "the element handed to the cancelled receive is lost");
        }
    }

    @Test
    void theLoserOfAnyOfCancelledFromAnotherThreadConsumesNothing() throws Exception {
        try (BoundedExec bounded = exec("any-of")) {
            Exec exec = bounded.exec;
            Channel<String> a = Channel.bounded(4);
            Channel<String> b = Channel.bounded(4);
            @SuppressWarnings("unchecked")
            Promise<String>[] recvs = new Promise[2];
            CompletableFuture<Object> first = onExec(exec, () -> {
                recvs[0] = a.recv();
                recvs[1] = b.recv();
                return CompletableFuture.anyOf(recvs[0], recvs[1]);
            });
            assertTrue(a.trySend("from a"));
            assertEquals("from a", first.get(10, TimeUnit.SECONDS));
            assertTrue(recvs[1].cancel(false), "the loser is still waiting");
            assertTrue(recvs[1].isCancelled() || waitCancelled(recvs[1]));
            assertTrue(b.trySend("for the next receiver"));
            ChannelTest.drain(exec);
            assertEquals("for the next receiver", b.tryRecv(), "the cancelled loser took the element");
            assertEquals(0, settledWaiters(exec, b, 0), "the cancelled loser deregistered");
        }
    }

    private static boolean waitCancelled(CompletableFuture<?> f) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!f.isCancelled() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return f.isCancelled();
    }

    @ParameterizedTest(name = "local={0}")
    @ValueSource(booleans = {false, true})
    void sendOnAClosedChannelFailsItsPromise(boolean local) throws Exception {
        try (BoundedExec bounded = exec("closed-send")) {
            Exec exec = bounded.exec;
            Channel<String> ch = make(exec, local, 2);
            Promise<Void> sent = onExec(exec, () -> {
                ch.close();
                return ch.send("late");
            });
            Throwable failure = assertThrowsCompletion(sent);
            assertTrue(failure instanceof ChannelClosedException, "ChannelClosedException, got " + failure);
            assertTrue(failure.getMessage().contains("closed"), failure.getMessage());
            assertEquals(0, onExec(exec, ch::size), "nothing went in");
        }
    }

    private static Throwable assertThrowsCompletion(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("completed normally: " + f);
    }
}
