package io.corepin.soak;

import io.corepin.AsyncTask;
import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.affinity.AffinityPlan;
import io.corepin.channel.Channel;
import io.corepin.channel.ChannelClosedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Channels across Execs: one bounded channel per key, drained by a receiving async task on the key's Exec; sending
 * async tasks, one per producer and spread over the Execs (so most sends cross to another Exec), send their units
 * round the keys with the poll-style {@code send(e, waker)} (suspending while the channel is full); one more
 * producer is a plain thread using {@code trySend}. After the producers finish the channels close and the
 * receivers drain them. Every other sending producer uses the promise form {@code send(e)} instead, continuing in
 * the send promise's continuation. Checked: every element sent is received once (after shutdownNow: received +
 * still buffered = sent), elements of one (producer, key) arrive in send order, every poll on its Exec.
 */
public final class ChannelSoak {
    static final String FEATURE = "channels";
    private static final int KEYS = 16;
    private static final int CAPACITY = 16;

    private final Soak soak;
    private final Soak.End end;
    private final Books books;
    private final ExecGroup group;
    private final Channel<Msg>[] channels;
    private final CountDownLatch sendersDone;

    @SuppressWarnings("unchecked")
    private ChannelSoak(Soak soak, Soak.End end) {
        this.soak = soak;
        this.end = end;
        this.books = new Books(FEATURE, soak.units, soak.producers, KEYS);
        this.group = ExecGroup.builder().affinity(AffinityPlan.unpinned(soak.execs))
            .backpressure(io.corepin.Backpressure.block(Duration.ofSeconds(Soak.WAIT_SECONDS)))
            .execSettings(Soak.execSettings("soak-chan", books)).build();
        this.channels = new Channel[KEYS];
        for (int k = 0; k < KEYS; k++) {
            channels[k] = Channel.bounded(CAPACITY);
        }
        this.sendersDone = new CountDownLatch(soak.producers);
    }

    /** One round; throws AssertionError naming what broke. */
    public static void run(Soak soak, Soak.End end) throws InterruptedException {
        new ChannelSoak(soak, end).round();
    }

    private record Msg(int id, int producer, int key, long seq) { }

    /** Receives everything of one key's channel, on the key's Exec. */
    private final class Receiver extends AsyncTask {
        final int key;

        Receiver(int key) {
            this.key = key;
        }

        @Override
        protected boolean poll() {
            Channel<Msg> ch = channels[key];
            for (Msg m; (m = ch.recv(this)) != null; ) {
                books.placement(exec(), "receive", m.id);
                if (m.key != key) {
                    books.fail("id " + m.id + " of key " + m.key + " received from the channel of key " + key);
                }
                books.observe(m.producer, m.key, m.seq);
                books.ran(m.id);
            }
            return ch.isDrained();
        }
    }

    /** Sends producer {@code p}'s units; the last producer index is the plain thread, not this. */
    private final class Sender extends AsyncTask {
        final int producer;
        final long[] seqOfKey = new long[KEYS];
        int next; // plain: owner thread
        Msg pending;

        Sender(int producer) {
            this.producer = producer;
        }

        @Override
        protected boolean poll() {
            int per = soak.perProducer();
            try {
                while (next < per) {
                    if (pending == null) {
                        if ((next & 255) == 0 && soak.pastDeadline()) {
                            break;
                        }
                        int key = Soak.keyOf(next, KEYS);
                        pending = new Msg(producer * per + next, producer, key, seqOfKey[key]++);
                    }
                    books.placement(exec(), "send", pending.id);
                    if (!channels[pending.key].send(pending, this)) {
                        return false; // full: woken when there is room
                    }
                    books.accept(pending.id);
                    pending = null;
                    next++;
                }
            } catch (ChannelClosedException closed) {
                books.fail("producer " + producer + ": a channel closed before its producers finished: " + closed);
            }
            sendersDone.countDown();
            return true;
        }

        @Override
        protected void onCancel() {
            sendersDone.countDown();
        }
    }

    /**
     * Sends producer {@code p}'s units with the promise form {@code send(e)}, from a task on an Exec: a send that
     * completes at once is followed by the next in a loop; one that waits resumes the loop in its continuation,
     * which must run on this Exec.
     */
    private final class PromiseSender implements Runnable {
        final int producer;
        final long[] seqOfKey = new long[KEYS];
        int next; // plain: the Exec's thread (the continuation runs there too)
        Exec exec;

        PromiseSender(int producer) {
            this.producer = producer;
        }

        @Override
        public void run() {
            exec = Exec.current();
            int per = soak.perProducer();
            try {
                while (next < per) {
                    if ((next & 255) == 0 && soak.pastDeadline()) {
                        break;
                    }
                    int key = Soak.keyOf(next, KEYS);
                    Msg m = new Msg(producer * per + next, producer, key, seqOfKey[key]++);
                    io.corepin.Promise<Void> sent = channels[key].send(m);
                    if (!sent.isDone()) {
                        sent.whenComplete((v, e) -> resume(m, e));
                        return;
                    }
                    if (sent.isCompletedExceptionally()) {
                        sent.whenComplete((v, e) -> books.fail("producer " + producer + ": send failed: " + e));
                        break;
                    }
                    books.accept(m.id);
                    next++;
                }
            } catch (RuntimeException e) {
                books.fail("producer " + producer + ": send threw " + e);
            }
            sendersDone.countDown();
        }

        private void resume(Msg m, Throwable failure) {
            books.placement(exec, "continuation of a send promise", m.id);
            if (failure != null) {
                if (end == Soak.End.GRACEFUL) {
                    books.fail("producer " + producer + ": send of id " + m.id + " failed: " + failure);
                }
                sendersDone.countDown(); // cancelled by shutdownNow: not sent, not accepted
                return;
            }
            books.accept(m.id);
            next++;
            run();
        }
    }

    /** The plain-thread producer: trySend with a bounded back-off. */
    private void plainProducer(int ignored) {
        int p = soak.producers - 1;
        int per = soak.perProducer();
        long[] seqOfKey = new long[KEYS];
        try {
            for (int i = 0; i < per; i++) {
                if ((i & 255) == 0 && soak.pastDeadline()) {
                    return;
                }
                int key = Soak.keyOf(i, KEYS);
                Msg m = new Msg(p * per + i, p, key, seqOfKey[key]++);
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(Soak.WAIT_SECONDS);
                while (!channels[key].trySend(m)) {
                    if (group.isShutdown() && end == Soak.End.NOW_DURING_LOAD) {
                        return; // the receivers were stopped: nobody will make room
                    }
                    if (System.nanoTime() - giveUp > 0) {
                        books.fail("plain producer: channel of key " + key + " stayed full for " + Soak.WAIT_SECONDS
                            + " s");
                        return;
                    }
                    LockSupport.parkNanos(20_000);
                }
                books.accept(m.id);
            }
        } catch (ChannelClosedException closed) {
            books.fail("plain producer: a channel closed before its producers finished: " + closed);
        } finally {
            sendersDone.countDown();
        }
    }

    private void round() throws InterruptedException {
        try {
            for (int k = 0; k < KEYS; k++) {
                group.execFor(k).spawn(new Receiver(k));
            }
            for (int p = 0; p < soak.producers - 1; p++) {
                if (p % 2 == 0) {
                    group.exec(p % group.size()).spawn(new Sender(p));
                } else {
                    group.exec(p % group.size()).execute(new PromiseSender(p));
                }
            }
            List<Thread> plain = Soak.start("soak-chan-producer", 1, this::plainProducer);
            if (end == Soak.End.NOW_DURING_LOAD) {
                Soak.sleepIntoTheRun(soak.units / 2);
                for (Runnable r : Soak.closeNow(FEATURE, group)) { // async tasks are cancelled, not handed back
                    if (!(r instanceof PromiseSender)) {
                        books.handedBackStranger(r);
                    }
                }
                Soak.join(FEATURE, plain);
                for (Channel<Msg> ch : channels) {
                    for (Msg m; (m = ch.tryRecv()) != null; ) {
                        books.handedBack(m.id); // still buffered: sent, not received, not lost
                    }
                }
            } else {
                if (!sendersDone.await(Soak.WAIT_SECONDS * 4, TimeUnit.SECONDS)) {
                    throw new AssertionError("[" + FEATURE + "] the senders did not finish within "
                        + Soak.WAIT_SECONDS * 4 + " s (" + sendersDone.getCount() + " left)");
                }
                Soak.join(FEATURE, plain);
                for (Channel<Msg> ch : channels) {
                    ch.close(); // the receivers drain what is left and finish
                }
                Soak.closeGracefully(FEATURE, group);
                for (int k = 0; k < KEYS; k++) {
                    if (channels[k].size() != 0) {
                        books.fail("the channel of key " + k + " still holds " + channels[k].size()
                            + " elements after its receiver finished");
                    }
                }
            }
        } finally {
            group.shutdownNow();
        }
        books.verify(end.toString(), end == Soak.End.NOW_DURING_LOAD);
    }
}
