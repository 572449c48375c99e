package io.corepin.cluster;

import static io.corepin.cluster.TestHosts.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host restarted at the same endpoint while it stays in the membership (a process that crashed and came back faster
 * than the loss timeout, or that was restarted on purpose): the new process has none of the old one's sequence state.
 * Before: as a receiver it waited forever for the sequences its predecessor had delivered (it handled nothing sent to
 * it after the restart), and as a sender its first messages reused sequences its peers had delivered from the old
 * process, so they were dropped as repeats — and acked: lost without a count. Now each message sent after the
 * restart is handled exactly once.
 */
@Timeout(90)
class RestartTest {
    private static final int H = 7;
    private static final int WARM = 100;
    private static final int AFTER = 300;
    private static final int COUNT = WARM + AFTER;

    private static MessageHandler counting(AtomicIntegerArray handled) {
        return (key, buf, off, len) -> handled.incrementAndGet((int) buf.getLong(off + 8));
    }

    private static long[] keysOn(Membership m, int hostId) {
        long[] keys = new long[8];
        for (int i = 0, k = 0; i < keys.length; k++) {
            if (m.hostFor(k).id() == hostId) {
                keys[i++] = k;
            }
        }
        return keys;
    }

    /** Sends messages [from, to) from Exec 0 of {@code node} to {@code keys}, all SENT within 10 s. */
    private static void pump(ClusterNode node, long[] keys, int from, int to) throws InterruptedException {
        Pump p = new Pump(node, node.group().exec(0), H, keys, 1, to, 32);
        p.skipTo(from);
        node.group().exec(0).execute(p);
        assertTrue(p.done.await(10, TimeUnit.SECONDS), "sends [" + from + ", " + to + ") not all SENT");
    }

    private static String tally(AtomicIntegerArray handled, int from, int to) {
        int lost = 0;
        int twice = 0;
        for (int i = from; i < to; i++) {
            lost += handled.get(i) == 0 ? 1 : 0;
            twice += handled.get(i) > 1 ? 1 : 0;
        }
        return "lost " + lost + ", handled twice " + twice;
    }

    private static void unackedDrains(ClusterNode node, Supplier<String> state) throws InterruptedException {
        await("the sends acked", 10, () -> {
            try {
                return node.unacked(0) == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, state);
    }

    @Test
    void aReceiverRestartedInPlaceHandlesEverythingSentToItAfter() throws Exception {
        AtomicIntegerArray handled = new AtomicIntegerArray(COUNT);
        try (TestHosts hosts = new TestHosts()) {
            ClusterNode a = hosts.start(1, 1, x -> x.handler(H, counting(handled)));
            ClusterNode b = hosts.start(2, 1, x -> x.handler(H, counting(handled)));
            Membership m = hosts.membership(1);
            hosts.installEverywhere(m);
            long[] keys = keysOn(m, 2);
            Supplier<String> state = () -> tally(handled, 0, COUNT) + "; host 1 resent " + a.resent() + ", skips sent "
                + a.skipsSent() + ", unacked " + unackedQuietly(a);
            pump(a, keys, 0, WARM);
            await("the first messages handled on host 2", 10,
                () -> tally(handled, 0, WARM).startsWith("lost 0,"), state);
            unackedDrains(a, state);

            ClusterNode b2 = hosts.restart(b, x -> x.handler(H, counting(handled)));
            b2.install(m, Duration.ofSeconds(5));
            assertTrue(b2.awaitConnected(Duration.ofSeconds(10)), "the restarted host connected");
            pump(a, keys, WARM, COUNT);
            Supplier<String> after = () -> state.get() + "; restarted host 2 delivered " + b2.delivered()
                + ", out of sequence " + b2.outOfSequence() + ", resend requests " + b2.resendRequests()
                + ", skipped " + b2.skipped();
            try {
                await("the messages sent after the restart handled", 15,
                    () -> tally(handled, WARM, COUNT).startsWith("lost 0,"), after);
            } catch (AssertionError e) {
                // the tally below names what is missing
            }
            assertEquals("lost 0, handled twice 0", tally(handled, 0, COUNT), after.get());
            assertEquals(AFTER, b2.delivered(), after.get());
            assertEquals(WARM, b2.skipped(), "the restarted host counts what its predecessor delivered as skipped: "
                + after.get());
        }
    }

    @Test
    void aSenderRestartedInPlaceHasEveryMessageHandledOnce() throws Exception {
        restartedSender(x -> { });
    }

    @Test
    void aSenderRestartedInPlaceHasEveryMessageHandledOnceWithAcksOff() throws Exception {
        restartedSender(x -> x.replayBuffer(0));
    }

    private static void restartedSender(Consumer<ClusterNode.Builder> settings) throws Exception {
        AtomicIntegerArray handled = new AtomicIntegerArray(COUNT);
        try (TestHosts hosts = new TestHosts()) {
            ClusterNode a = hosts.start(1, 1, x -> settings.accept(x.handler(H, counting(handled))));
            ClusterNode b = hosts.start(2, 1, x -> settings.accept(x.handler(H, counting(handled))));
            Membership m = hosts.membership(1);
            hosts.installEverywhere(m);
            long[] keys = keysOn(m, 1);
            Supplier<String> state = () -> tally(handled, 0, COUNT) + "; host 1 delivered " + a.delivered()
                + ", duplicates " + a.duplicates() + ", out of sequence " + a.outOfSequence() + ", skipped "
                + a.skipped();
            pump(b, keys, 0, WARM);
            await("the first messages handled on host 1", 10,
                () -> tally(handled, 0, WARM).startsWith("lost 0,"), state);
            unackedDrains(b, state);

            ClusterNode b2 = hosts.restart(b, x -> settings.accept(x.handler(H, counting(handled))));
            b2.install(m, Duration.ofSeconds(5));
            assertTrue(b2.awaitConnected(Duration.ofSeconds(10)), "the restarted host connected");
            pump(b2, keys, WARM, COUNT);
            try {
                await("the restarted host's messages handled", 15,
                    () -> tally(handled, WARM, COUNT).startsWith("lost 0,"), state);
            } catch (AssertionError e) {
                // the tally below names what is missing
            }
            assertEquals("lost 0, handled twice 0", tally(handled, 0, COUNT), state.get());
            assertEquals(COUNT, a.delivered(), state.get());
            assertEquals(0, a.skipped(), "a restarted sender gives up nothing it sent: " + state.get());
        }
    }

    private static String unackedQuietly(ClusterNode node) {
        try {
            return String.valueOf(node.unacked(0));
        } catch (Exception e) {
            return e.toString();
        }
    }
}
