package io.corepin.cluster;

import io.corepin.Exec;
import java.util.concurrent.CountDownLatch;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A sender that runs on one Exec: sends {@code count} messages, message {@code i} with key {@code keys[i % keys.length]}
 * and a 16-byte payload (sender tag, i); up to {@code perTurn} a turn, then it re-queues itself behind the turn's
 * other work (so the Exec's poller runs in between). A send that is not {@link SendResult#SENT} is retried on the
 * next turn, the same message: so the order of sends is the order of {@code i}. Allocates nothing while it runs.
 */
final class Pump implements Runnable {
    private final ClusterNode node;
    private final Exec exec;
    private final long[] keys;
    private final long tag;
    private final int count;
    private final int perTurn;
    private final int handlerId;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
    final CountDownLatch done = new CountDownLatch(1);
    private int next;
    volatile long retries;

    Pump(ClusterNode node, Exec exec, int handlerId, long[] keys, long tag, int count, int perTurn) {
        this.node = node;
        this.exec = exec;
        this.handlerId = handlerId;
        this.keys = keys;
        this.tag = tag;
        this.count = count;
        this.perTurn = perTurn;
    }

    /** Starts at message {@code i} instead of 0 (before it runs). */
    void skipTo(int i) {
        next = i;
    }

    @Override
    public void run() {
        for (int n = 0; n < perTurn && next < count; n++) {
            payload.putLong(0, tag);
            payload.putLong(8, next);
            SendResult r = node.send(keys[next % keys.length], handlerId, payload, 0, 16);
            if (r != SendResult.SENT) {
                retries++;
                break;
            }
            next++;
        }
        if (next < count) {
            exec.execute(this);
        } else {
            done.countDown();
        }
    }
}
