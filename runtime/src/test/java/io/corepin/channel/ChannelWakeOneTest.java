package io.corepin.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.AsyncTask;
import io.corepin.Exec;
import io.corepin.Promise;
import io.corepin.TaskHandle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Wake-one: an arriving element wakes one waiting receiver, freed room one waiting sender, and a wake handed to a
 * stale waiter (cancelled, finished, moved on to another channel) is passed on — every element is delivered exactly
 * once and every waiter ends. Every wait is bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelWakeOneTest {

    /** A poll-style receiver (the fanout bench's Drain) that counts its polls and records what it gets. */
    static final class Receiver extends AsyncTask {
        final Channel<Integer> in;
        final AtomicInteger polls;
        final ConcurrentLinkedQueue<Integer> got;
        final CountDownLatch each;
        /** Set from the test: the next poll ends the task without touching the channel (finished by other means). */
        volatile boolean quit;
        /** Set from the test: the next poll moves on to {@code elsewhere} and never touches {@code in} again. */
        volatile Channel<Integer> elsewhere;
        int own; // owner thread: what this one received

        Receiver(Channel<Integer> in, AtomicInteger polls, ConcurrentLinkedQueue<Integer> got, CountDownLatch each) {
            this.in = in;
            this.polls = polls;
            this.got = got;
            this.each = each;
        }

        @Override
        protected boolean poll() {
            polls.incrementAndGet();
            if (quit) {
                return true;
            }
            Channel<Integer> other = elsewhere;
            if (other != null) {
                other.recv(this); // waits there now; its registration in `in` is stale
                return other.isDrained();
            }
            for (Integer v; (v = in.recv(this)) != null; ) {
                own++;
                got.add(v);
                each.countDown();
            }
            return in.isDrained();
        }
    }

    /** Runs on {@code exec} and holds it until {@link #open}: woken tasks there cannot poll meanwhile. */
    static final class Blocker implements Runnable {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);

        static Blocker hold(Exec exec) throws InterruptedException {
            Blocker b = new Blocker();
            exec.execute(b);
            assertTrue(b.entered.await(10, TimeUnit.SECONDS), exec.name() + " never ran the blocker");
            return b;
        }

        @Override
        public void run() {
            entered.countDown();
            try {
                if (!open.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("blocker never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void open() {
            open.countDown();
        }
    }

    /** Sends 0..n-1 with poll-style sends (waiting for room), then counts {@code sent} down. */
    static final class Sender extends AsyncTask {
        final Channel<Integer> out;
        final int n;
        final CountDownLatch sent;
        int next;

        Sender(Channel<Integer> out, int n, CountDownLatch sent) {
            this.out = out;
            this.n = n;
            this.sent = sent;
        }

        @Override
        protected boolean poll() {
            while (next < n && out.send(next, this)) {
                next++;
            }
            if (next == n) {
                sent.countDown();
                return true;
            }
            return false;
        }
    }

    private static List<Receiver> spawnReceivers(Exec exec, Channel<Integer> ch, int n, AtomicInteger polls,
                                                 ConcurrentLinkedQueue<Integer> got, CountDownLatch each)
        throws InterruptedException {
        List<Receiver> rs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Receiver r = new Receiver(ch, polls, got, each);
            rs.add(r);
            exec.spawn(r);
            if (i == 0) {
                ChannelTest.drain(exec); // the first one registers first: it is the one the first element wakes
            }
        }
        ChannelTest.drain(exec);
        return rs;
    }

    /** A failed assertion leaves tasks waiting: stop without waiting for them (a graceful close would hang). */
    private static void stopBoth(Exec a, Exec b) {
        a.closeNow();
        b.closeNow();
    }

    private static void assertExactlyOnce(ConcurrentLinkedQueue<Integer> got, int n) {
        List<Integer> all = new ArrayList<>(got);
        Set<Integer> distinct = new HashSet<>(all);
        assertEquals(n, all.size(), "elements delivered: " + all.size() + " of " + n + " " + all);
        assertEquals(n, distinct.size(), "an element was delivered twice: " + all);
    }

    private static void awaitEnd(List<TaskHandle> handles) throws Exception {
        for (TaskHandle h : handles) {
            h.done().handle((v, t) -> null).get(10, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------------------------ polls per message

    @ParameterizedTest(name = "local={0}")
    @ValueSource(booleans = {false, true})
    void anElementWakesOneReceiverNotAll(boolean local) throws Exception {
        final int receivers = 200;
        final int messages = 400;
        try (Exec a = Exec.builder().name("rx").daemon(true).build();
             Exec b = Exec.builder().name("tx").daemon(true).build();
             AutoCloseable stop = () -> stopBoth(a, b)) {
            Channel<Integer> ch = local ? a.submit(() -> Channel.<Integer>local(1)).get(10, TimeUnit.SECONDS)
                : Channel.bounded(1);
            AtomicInteger polls = new AtomicInteger();
            ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
            CountDownLatch each = new CountDownLatch(messages);
            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                handles.add(a.spawn(new Receiver(ch, polls, got, each)));
            }
            ChannelTest.drain(a);
            int registered = polls.get();
            if (local) { // the sender on the receivers' Exec: it runs between their polls
                CountDownLatch sent = new CountDownLatch(1);
                a.spawn(new Sender(ch, messages, sent));
                assertTrue(sent.await(20, TimeUnit.SECONDS), "sender did not finish");
            } else { // from this thread, one at a time: every receiver is registered when an element arrives
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (int i = 0; i < messages && System.nanoTime() < deadline; i++) {
                    assertTrue(ch.trySend(i), "the channel is full: element " + (i - 1) + " was not taken");
                    while (got.size() <= i && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    ChannelTest.drain(a); // the other receivers' polls (if woken) happen before the next element
                }
            }
            assertTrue(each.await(20, TimeUnit.SECONDS), "receivers got " + got.size() + " of " + messages);
            int perMessage = polls.get() - registered;
            assertExactlyOnce(got, messages);
            // wake-all: ~receivers polls per message (80,000 here); wake-one: about one (a woken receiver takes
            // its element, then registers again within the same poll)
            assertTrue(perMessage <= 2 * messages,
                perMessage + " receiver polls for " + messages + " messages to " + receivers + " receivers");
            (local ? a : b).execute(ch::close);
            awaitEnd(handles);
        }
    }

    @Test
    void freedRoomWakesOneSenderNotAll() throws Exception {
        final int senders = 200;
        try (Exec a = Exec.builder().name("tx").daemon(true).build();
             Exec b = Exec.builder().name("rx").daemon(true).build();
             AutoCloseable stop = () -> stopBoth(a, b)) {
            Channel<Integer> ch = Channel.bounded(1);
            assertTrue(ch.trySend(-1)); // full
            AtomicInteger senderPolls = new AtomicInteger();
            CountDownLatch allSent = new CountDownLatch(senders);
            for (int i = 0; i < senders; i++) {
                final int value = i;
                a.spawn(new AsyncTask() {
                    @Override
                    protected boolean poll() {
                        senderPolls.incrementAndGet();
                        if (ch.send(value, this)) {
                            allSent.countDown();
                            return true;
                        }
                        return false;
                    }
                });
            }
            ChannelTest.drain(a);
            int registered = senderPolls.get();
            assertEquals(senders, registered);
            AtomicInteger rxPolls = new AtomicInteger();
            ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
            CountDownLatch each = new CountDownLatch(senders + 1);
            TaskHandle rx = b.spawn(new Receiver(ch, rxPolls, got, each));
            assertTrue(allSent.await(20, TimeUnit.SECONDS), "senders left: " + allSent.getCount());
            assertTrue(each.await(20, TimeUnit.SECONDS), "received " + got.size());
            int perRoom = senderPolls.get() - registered;
            assertTrue(perRoom <= 2 * senders, perRoom + " sender polls for " + senders + " freed slots");
            got.remove(-1);
            assertExactlyOnce(got, senders);
            ch.close();
            rx.done().get(10, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------------------------------ stale wakers

    /** The woken receiver is cancelled (its handle) before it polls: its element goes to another receiver. */
    @Test
    void aWokenReceiverCancelledBeforeItPollsPassesTheElementOn() throws Exception {
        try (Exec a = Exec.builder().name("rx").daemon(true).build();
             AutoCloseable stop = a::closeNow) {
            Channel<Integer> ch = Channel.bounded(1);
            AtomicInteger polls = new AtomicInteger();
            ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
            CountDownLatch each = new CountDownLatch(1);
            List<TaskHandle> handles = new ArrayList<>();
            Receiver first = new Receiver(ch, polls, got, each);
            handles.add(a.spawn(first));
            ChannelTest.drain(a);
            for (int i = 0; i < 5; i++) {
                handles.add(a.spawn(new Receiver(ch, polls, got, each)));
            }
            ChannelTest.drain(a);
            Blocker blocker = Blocker.hold(a);
            assertTrue(ch.trySend(42)); // handed to the first receiver, which cannot poll yet
            handles.get(0).cancel();
            blocker.open();
            assertTrue(each.await(10, TimeUnit.SECONDS), "42 was lost with the cancelled receiver");
            assertExactlyOnce(got, 1);
            assertEquals(0, first.own);
            ch.close();
            awaitEnd(handles);
        }
    }

    /** The same with {@code recv()} promises: the cancelled one's element goes to the next promise. */
    @Test
    void aWokenRecvPromiseCancelledBeforeItPollsPassesTheElementOn() throws Exception {
        try (Exec a = Exec.builder().name("rx").daemon(true).build();
             AutoCloseable stop = a::closeNow) {
            Channel<Integer> ch = Channel.bounded(1);
            List<Promise<Integer>> recvs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                recvs.add(a.submit(ch::recv).get(10, TimeUnit.SECONDS));
                ChannelTest.drain(a); // registered in this order
            }
            Blocker blocker = Blocker.hold(a);
            assertTrue(ch.trySend(7));
            assertTrue(recvs.get(0).cancel(false));
            blocker.open();
            Integer seen = null;
            for (int i = 1; i < 4 && seen == null; i++) {
                try {
                    seen = recvs.get(i).get(i == 1 ? 10 : 1, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException notThisOne) {
                    // try the next
                }
            }
            assertEquals(7, seen, "7 went nowhere after its receiver was cancelled");
            ch.close();
            for (int i = 1; i < 4; i++) {
                recvs.get(i).handle((v, t) -> null).get(10, TimeUnit.SECONDS);
            }
            assertEquals(1, recvs.stream().filter(p -> !p.isCompletedExceptionally()).count());
        }
    }

    /** The woken receiver finishes by other means in the poll the wake caused (never takes its element). */
    @Test
    void aWokenReceiverThatFinishesWithoutTakingPassesTheElementOn() throws Exception {
        try (Exec a = Exec.builder().name("rx").daemon(true).build();
             AutoCloseable stop = a::closeNow) {
            Channel<Integer> ch = Channel.bounded(1);
            AtomicInteger polls = new AtomicInteger();
            ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
            CountDownLatch each = new CountDownLatch(1);
            List<Receiver> rs = spawnReceivers(a, ch, 5, polls, got, each);
            Blocker blocker = Blocker.hold(a);
            assertTrue(ch.trySend(1)); // wakes rs[0] first
            rs.get(0).quit = true;
            blocker.open();
            assertTrue(each.await(10, TimeUnit.SECONDS), "1 was lost with a receiver that finished: " + got);
            assertExactlyOnce(got, 1);
            assertEquals(0, rs.get(0).own);
            ch.close();
        }
    }

    /** The woken receiver had moved on to another channel: its stale registration must not swallow the element. */
    @Test
    void aWokenReceiverThatMovedToAnotherChannelPassesTheElementOn() throws Exception {
        try (Exec a = Exec.builder().name("rx").daemon(true).build();
             AutoCloseable stop = a::closeNow) {
            Channel<Integer> ch = Channel.bounded(1);
            Channel<Integer> other = Channel.bounded(1);
            AtomicInteger polls = new AtomicInteger();
            ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
            CountDownLatch each = new CountDownLatch(1);
            List<Receiver> rs = spawnReceivers(a, ch, 4, polls, got, each);
            rs.get(0).elsewhere = other;
            rs.get(0).wake(); // it polls, waits on `other`; still registered in `ch`
            ChannelTest.drain(a);
            assertTrue(ch.trySend(5)); // wakes rs[0] first: stale
            assertTrue(each.await(10, TimeUnit.SECONDS), "5 was swallowed by a receiver waiting elsewhere");
            assertExactlyOnce(got, 1);
            assertEquals(0, rs.get(0).own);
            ch.close();
            other.close();
        }
    }

    /** A receiver that was never registered takes elements with tryRecv while registered ones are woken. */
    @Test
    void bargingReceiversTakeNothingTwiceAndLoseNothing() throws Exception {
        final int messages = 2_000;
        try (Exec a = Exec.builder().name("rx").daemon(true).build();
             Exec b = Exec.builder().name("tx").daemon(true).build();
             AutoCloseable stop = () -> stopBoth(a, b)) {
            Channel<Integer> ch = Channel.bounded(1);
            AtomicInteger polls = new AtomicInteger();
            ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
            CountDownLatch each = new CountDownLatch(messages);
            List<Receiver> rs = spawnReceivers(a, ch, 20, polls, got, each);
            CountDownLatch sent = new CountDownLatch(1);
            b.spawn(new Sender(ch, messages, sent));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (each.getCount() > 0 && System.nanoTime() < deadline) { // barging, bounded
                Integer v = ch.tryRecv();
                if (v != null) {
                    got.add(v);
                    each.countDown();
                } else {
                    Thread.onSpinWait();
                }
            }
            assertTrue(each.await(1, TimeUnit.SECONDS), "delivered " + got.size() + " of " + messages);
            assertExactlyOnce(got, messages);
            ch.close();
            assertTrue(rs.size() == 20);
        }
    }

    /** The only receiver is woken, a barger takes the element first: the receiver waits again and gets the next. */
    @Test
    void aSoleReceiverBeatenByABargerWaitsAgain() throws Exception {
        try (Exec a = Exec.builder().name("rx").daemon(true).build();
             AutoCloseable stop = a::closeNow) {
            Channel<Integer> ch = Channel.bounded(1);
            AtomicInteger polls = new AtomicInteger();
            ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
            CountDownLatch each = new CountDownLatch(1);
            List<Receiver> rs = spawnReceivers(a, ch, 1, polls, got, each);
            Blocker blocker = Blocker.hold(a);
            assertTrue(ch.trySend(1));
            Integer barged = ch.tryRecv();
            blocker.open();
            ChannelTest.drain(a);
            if (barged == null) { // a hand-over: the element is the receiver's
                assertTrue(each.await(10, TimeUnit.SECONDS));
                assertEquals(List.of(1), new ArrayList<>(got));
            } else {
                assertEquals(1, barged);
                assertTrue(ch.trySend(2));
                assertTrue(each.await(10, TimeUnit.SECONDS), "the receiver missed 2");
                assertEquals(List.of(2), new ArrayList<>(got));
            }
            ch.close();
            assertNull(ch.tryRecv());
            assertTrue(rs.get(0).own == 1);
        }
    }

    /** close() wakes every receiver and sender; an element held by a stale receiver still reaches a live one. */
    @Test
    void closeWakesEveryoneAndAHeldElementIsStillDelivered() throws Exception {
        try (Exec a = Exec.builder().name("rx").daemon(true).build();
             Exec b = Exec.builder().name("tx").daemon(true).build();
             AutoCloseable stop = () -> stopBoth(a, b)) {
            Channel<Integer> ch = Channel.bounded(1);
            AtomicInteger polls = new AtomicInteger();
            ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
            CountDownLatch each = new CountDownLatch(1);
            List<TaskHandle> handles = new ArrayList<>();
            List<Receiver> rs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Receiver r = new Receiver(ch, polls, got, each);
                rs.add(r);
                handles.add(a.spawn(r));
                if (i == 0) {
                    ChannelTest.drain(a);
                }
            }
            ChannelTest.drain(a);
            Blocker blocker = Blocker.hold(a);
            assertTrue(ch.trySend(9)); // handed to rs[0], which will quit without taking it
            rs.get(0).quit = true;
            ch.close();
            blocker.open();
            assertTrue(each.await(10, TimeUnit.SECONDS), "9 was lost at close");
            assertExactlyOnce(got, 1);
            for (int i = 1; i < handles.size(); i++) {
                handles.get(i).done().get(10, TimeUnit.SECONDS);
            }
            assertTrue(ch.isDrained());
        }
    }

    @Test
    void closeWakesEveryWaitingSender() throws Exception {
        try (Exec a = Exec.builder().name("tx").daemon(true).build();
             AutoCloseable stop = a::closeNow) {
            Channel<Integer> ch = Channel.bounded(1);
            assertTrue(ch.trySend(0));
            List<Promise<Void>> sends = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                final int v = i + 1;
                sends.add(a.submit(() -> ch.send(v)).get(10, TimeUnit.SECONDS));
            }
            ChannelTest.drain(a);
            ch.close();
            for (Promise<Void> s : sends) {
                assertTrue(s.handle((v, t) -> t).get(10, TimeUnit.SECONDS) instanceof ChannelClosedException);
            }
        }
    }

    /** The sender woken for room is cancelled before it polls: the room goes to another sender. */
    @Test
    void aWokenSenderCancelledBeforeItPollsPassesTheRoomOn() throws Exception {
        try (Exec a = Exec.builder().name("tx").daemon(true).build();
             AutoCloseable stop = a::closeNow) {
            Channel<Integer> ch = Channel.bounded(1);
            assertTrue(ch.trySend(0));
            List<TaskHandle> handles = new ArrayList<>();
            CountDownLatch sent = new CountDownLatch(3);
            for (int i = 0; i < 4; i++) {
                final int value = i + 1;
                handles.add(a.spawn(new AsyncTask() {
                    @Override
                    protected boolean poll() {
                        if (ch.send(value, this)) {
                            sent.countDown();
                            return true;
                        }
                        return false;
                    }
                }));
                ChannelTest.drain(a);
            }
            Blocker blocker = Blocker.hold(a);
            assertEquals(0, ch.tryRecv()); // room: wakes the first sender, which is cancelled before it polls
            handles.get(0).cancel();
            blocker.open();
            List<Integer> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.size() < 3 && System.nanoTime() < deadline) {
                Integer v = ch.tryRecv();
                if (v != null) {
                    got.add(v);
                } else {
                    Thread.sleep(1);
                }
            }
            assertEquals(3, got.size(), "the room went to the cancelled sender: got " + got);
            assertTrue(sent.await(1, TimeUnit.SECONDS));
            assertTrue(!got.contains(1), "the cancelled sender sent: " + got);
            ch.close();
        }
    }
}
