package io.corepin.cluster;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.corepin.balance.LoadBalancer;
import java.util.concurrent.atomic.AtomicLongArray;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One Exec's sending side: owned by that Exec's thread (its only caller), which makes each of its
 * {@link ExclusivePublication}s single-writer. Frames that fit one Aeron fragment are written in place with
 * {@code tryClaim}; longer ones are laid into a scratch buffer and {@code offer}ed (Aeron fragments them, the
 * receiver's {@code FragmentAssembler} joins them). Allocates nothing per message.
 */
final class Sender {
    private static final int ADMIN_RETRIES = 3;

    private final int hostId;
    private final int execIndex;
    private final int maxPayload;
    private final BufferClaim claim = new BufferClaim();
    private final UnsafeBuffer scratch;
    private Route route; // Exec-owned: set by a task on this Exec (install), read by send on this Exec
    private long nextSequence = 1; // Exec-owned
    /** Results by {@link SendResult} ordinal; written by this Exec only (lazySet of get + 1), read by any thread. */
    private final AtomicLongArray results = new AtomicLongArray(SendResult.values().length);

    Sender(int hostId, int execIndex, int maxPayload) {
        this.hostId = hostId;
        this.execIndex = execIndex;
        this.maxPayload = maxPayload;
        this.scratch = new UnsafeBuffer(new byte[Frame.HEADER_LENGTH + maxPayload]);
    }

    void route(Route route) {
        this.route = route;
    }

    Route route() {
        return route;
    }

    SendResult send(long key, int handlerId, DirectBuffer payload, int offset, int length) {
        if (length < 0 || length > maxPayload) {
            throw new IllegalArgumentException("payload length " + length + " must be in [0, " + maxPayload + "]");
        }
        Route r = route;
        if (r == null) {
            throw new IllegalStateException("no membership installed on host " + hostId + ": call install first");
        }
        Membership m = r.membership;
        int h = m.hostIndexFor(key);
        ExclusivePublication pub = r.pubs[h][LoadBalancer.indexFor(key, m.host(h).execs())];
        int frameLength = Frame.HEADER_LENGTH + length;
        long sequence = nextSequence;
        long position;
        int attempt = 0;
        if (frameLength <= pub.maxPayloadLength()) {
            do {
                position = pub.tryClaim(frameLength, claim);
                if (position > 0) {
                    MutableDirectBuffer b = claim.buffer();
                    int o = claim.offset();
                    Frame.encodeHeader(b, o, hostId, execIndex, m.epoch(), sequence, key, handlerId, length);
                    b.putBytes(o + Frame.HEADER_LENGTH, payload, offset, length);
                    claim.commit();
                }
            } while (position == Publication.ADMIN_ACTION && ++attempt < ADMIN_RETRIES);
        } else {
            Frame.encodeHeader(scratch, 0, hostId, execIndex, m.epoch(), sequence, key, handlerId, length);
            scratch.putBytes(Frame.HEADER_LENGTH, payload, offset, length);
            do {
                position = pub.offer(scratch, 0, frameLength);
            } while (position == Publication.ADMIN_ACTION && ++attempt < ADMIN_RETRIES);
        }
        SendResult result = SendResult.of(position);
        if (result == SendResult.SENT) {
            nextSequence = sequence + 1;
        }
        int slot = result.ordinal();
        results.lazySet(slot, results.get(slot) + 1); // single writer: this Exec
        return result;
    }

    long count(SendResult result) {
        return results.get(result.ordinal());
    }
}
