package io.corepin.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.AsyncTask;
import io.corepin.Exec;
import io.corepin.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Channels: suspension on full/empty, FIFO, close with end of stream, local confinement, bad input. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelTest {

    /** Returns once {@code exec} ran everything queued before it (as AsyncTaskTest.drain, which is in io.corepin). */
    static void drain(Exec exec) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        exec.execute(() -> exec.execute(done::countDown)); // behind the ring burst, then behind local work
        assertTrue(done.await(10, TimeUnit.SECONDS), exec.name() + " did not drain within 10 s");
    }

    /** Sends from..n-1 then closes; a promise of the count sent. Loops while sends succeed at once (no deep recursion). */
    static CompletionStage<Integer> produce(Channel<Integer> ch, int from, int n) {
        int i = from;
        while (i < n && ch.trySend(i)) {
            i++;
        }
        if (i == n) {
            ch.close();
            return CompletableFuture.completedFuture(n);
        }
        final int waitingFor = i;
        return ch.send(waitingFor).thenCompose(v -> produce(ch, waitingFor + 1, n));
    }

    /** Receives until the end of the stream, in order. */
    static CompletionStage<List<Integer>> receiveAll(Channel<Integer> ch, List<Integer> into) {
        for (Integer v; (v = ch.tryRecv()) != null; ) {
            into.add(v);
        }
        return ch.recv().handle((v, t) -> {
            if (t != null) {
                Throwable cause = t instanceof CompletionException ? t.getCause() : t;
                assertTrue(cause instanceof ChannelClosedException, "end of stream, got " + cause);
                return CompletableFuture.completedFuture(into);
            }
            into.add(v);
            return receiveAll(ch, into);
        }).thenCompose(s -> s);
    }

    @ParameterizedTest(name = "shared capacity {0}")
    @ValueSource(ints = {1, 10, 1000})
    void producerAndConsumerOnDifferentExecsKeepFifoAndSeeTheEnd(int capacity) throws Exception {
        runPipe(capacity, i -> Channel.bounded(capacity), false);
    }

    @Test
    void unboundedSharedChannel() throws Exception {
        runPipe(0, i -> Channel.unbounded(), false);
    }

    @ParameterizedTest(name = "local capacity {0}")
    @ValueSource(ints = {1, 10, 0})
    void localChannelBothEndsOnOneExec(int capacity) throws Exception {
        runPipe(capacity, i -> Channel.local(capacity), true);
    }

    private void runPipe(int capacity, IntFunction<Channel<Integer>> make, boolean sameExec) throws Exception {
        final int n = 5_000;
        try (Exec a = Exec.builder().name("a").daemon(true).build();
             Exec b = Exec.builder().name("b").daemon(true).build()) {
            Promise<Channel<Integer>> made = a.submit(() -> make.apply(capacity));
            Channel<Integer> ch = made.get(10, TimeUnit.SECONDS);
            Promise<Integer> sent = a.spawn(() -> produce(ch, 0, n));
            Promise<List<Integer>> got = (sameExec ? a : b).spawn(() -> receiveAll(ch, new ArrayList<>()));
            assertEquals(n, sent.get(20, TimeUnit.SECONDS));
            List<Integer> list = got.get(20, TimeUnit.SECONDS);
            assertEquals(n, list.size());
            for (int i = 0; i < n; i++) {
                assertEquals(i, list.get(i));
            }
        }
    }

    @Test
    void pollStyleTasksPingPongOverBoundedChannels() throws Exception {
        final int rounds = 1_000;
        Channel<Integer> ping = Channel.bounded(10);
        Channel<Integer> pong = Channel.bounded(10);
        try (Exec a = Exec.builder().name("a").daemon(true).build();
             Exec b = Exec.builder().name("b").daemon(true).build()) {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            b.spawn(new AsyncTask() { // echo
                @Override
                protected boolean poll() {
                    for (Integer v; (v = ping.recv(this)) != null; ) {
                        if (!pong.trySend(v + 1)) {
                            throw new AssertionError("pong full");
                        }
                    }
                    return ping.isDrained();
                }
            });
            a.spawn(new AsyncTask() { // driver
                int next;
                boolean waiting;

                @Override
                protected boolean poll() {
                    while (true) {
                        if (!waiting) {
                            if (next == rounds) {
                                ping.close();
                                done.complete(next);
                                return true;
                            }
                            ping.trySend(next);
                            waiting = true;
                        }
                        Integer v = pong.recv(this);
                        if (v == null) {
                            return false;
                        }
                        assertEquals(next + 1, v);
                        next++;
                        waiting = false;
                    }
                }
            });
            assertEquals(rounds, done.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeWakesWaitingReceiversAndSendersWithEndOfStream() throws Exception {
        try (Exec exec = Exec.builder().name("c").daemon(true).build()) {
            Channel<String> ch = Channel.bounded(1);
            assertTrue(ch.trySend("kept"));
            Promise<Void> blockedSend = exec.spawn(() -> ch.send("blocked")); // full: waits
            drain(exec);
            assertFalse(blockedSend.isDone());
            ch.close();
            Throwable sendFailure = assertThrows(CompletionException.class, blockedSend::join).getCause();
            assertTrue(sendFailure instanceof ChannelClosedException);
            assertEquals("kept", exec.spawn(ch::recv).get(10, TimeUnit.SECONDS), "buffered elements survive close");
            Throwable end = assertThrows(CompletionException.class, () -> exec.spawn(ch::recv).join()).getCause();
            assertTrue(end instanceof ChannelClosedException);
            assertTrue(ch.isDrained());
            assertThrows(ChannelClosedException.class, () -> ch.trySend("late"));

            Channel<String> empty = Channel.bounded(4);
            Promise<String> waitingRecv = exec.spawn(empty::recv);
            drain(exec);
            assertFalse(waitingRecv.isDone());
            empty.close();
            assertTrue(assertThrows(CompletionException.class, waitingRecv::join).getCause()
                instanceof ChannelClosedException);
        }
    }

    @Test
    void localChannelRefusesOtherThreadsAndChannelsRefuseBadInput() throws Exception {
        try (Exec exec = Exec.builder().name("l").daemon(true).build()) {
            Channel<String> local = exec.submit(() -> Channel.<String>local(4)).get(10, TimeUnit.SECONDS);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> local.trySend("x"));
            assertTrue(e.getMessage().contains("local channel"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> Channel.local(4), "not on an Exec");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Channel.bounded(0));
            assertTrue(bad.getMessage().contains("0"), bad.getMessage());
            Channel<String> shared = Channel.bounded(2);
            assertThrows(NullPointerException.class, () -> shared.trySend(null));
            assertThrows(IllegalStateException.class, shared::recv, "promise form needs an Exec");
            assertNull(shared.tryRecv());
            assertEquals(0, shared.size());
            assertEquals(2, shared.capacity());
        }
    }
}
