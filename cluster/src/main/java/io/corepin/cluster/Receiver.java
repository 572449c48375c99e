package io.corepin.cluster;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import java.util.concurrent.atomic.AtomicLongArray;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;

/**
 * One Exec's receiving side: checks each whole frame (after Aeron's fragment assembly), drops duplicates by (sender
 * host, sender Exec, sequence), and runs the registered handler inline. Owned by the Exec's thread: only it calls
 * {@link #onFragment}; other threads only read the counters.
 */
final class Receiver implements FragmentHandler {
    private static final int DELIVERED = FrameError.values().length;
    private static final int DUPLICATES = DELIVERED + 1;
    private static final int EPOCH_MISMATCH = DELIVERED + 2;

    private final Int2ObjectHashMap<MessageHandler> handlers; // filled before the Exec starts, read-only after
    private final int maxPayload;
    private final RejectListener listener;
    /** (sender host << 16 | sender Exec) -> the highest sequence delivered from it. Exec-owned. */
    private final Long2LongHashMap lastSequence = new Long2LongHashMap(0L);
    /**
     * Counters, written only by the owning Exec with lazySet (a release store of get + 1: no read-modify-write
     * instruction), read by any thread with get (acquire): a reader sees every count up to some recent message.
     */
    private final AtomicLongArray counts = new AtomicLongArray(DELIVERED + 3);
    private long epoch; // the receiver's current membership epoch; Exec-owned
    /** This Exec's sender: takes the acks that arrive here and sends the acks this Exec owes. Null: no acks. */
    private final Sender sender;
    /** Senders delivered from since their last ack went out, as (host << 16 | exec); Exec-owned. */
    private final long[] owed = new long[256];
    private int owedCount;

    Receiver(Int2ObjectHashMap<MessageHandler> handlers, int maxPayload, RejectListener listener) {
        this(handlers, maxPayload, listener, null);
    }

    Receiver(Int2ObjectHashMap<MessageHandler> handlers, int maxPayload, RejectListener listener, Sender sender) {
        this.handlers = handlers;
        this.maxPayload = maxPayload;
        this.listener = listener;
        this.sender = sender;
    }

    /**
     * Sends the acks owed since the last call: one per sender, of the highest sequence delivered from it. Called by
     * the poller after each poll; an ack that cannot go out now stays owed.
     */
    void flushAcks() {
        int kept = 0;
        for (int i = 0; i < owedCount; i++) {
            long id = owed[i];
            if (!sender.sendAck((int) (id >>> 16), (int) (id & 0xffff), lastSequence.get(id))) {
                owed[kept++] = id;
            }
        }
        owedCount = kept;
    }

    private void owe(long id) {
        for (int i = 0; i < owedCount; i++) {
            if (owed[i] == id) {
                return;
            }
        }
        if (owedCount == owed.length) {
            flushAcks(); // more senders than slots in one poll: pay some now
            if (owedCount == owed.length) {
                return; // still full: this sender's ack goes with its next delivery
            }
        }
        owed[owedCount++] = id;
    }

    void epoch(long epoch) {
        this.epoch = epoch;
    }

    @Override
    public void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
        onFrame(buffer, offset, length);
    }

    void onFrame(DirectBuffer buffer, int offset, int length) {
        FrameError error = Frame.check(buffer, offset, length, maxPayload);
        if (error != null) {
            reject(error, buffer, offset, length, null);
            return;
        }
        if (Frame.type(buffer, offset) == Frame.TYPE_ACK) {
            if (sender != null) {
                sender.onAck(Frame.senderHost(buffer, offset), Frame.senderExec(buffer, offset),
                    Frame.sequence(buffer, offset));
            }
            return;
        }
        int handlerId = Frame.handlerId(buffer, offset);
        MessageHandler handler = handlers.get(handlerId);
        if (handler == null) {
            reject(FrameError.UNKNOWN_HANDLER, buffer, offset, length, null);
            return;
        }
        long sender = ((long) Frame.senderHost(buffer, offset) << 16) | Frame.senderExec(buffer, offset);
        long sequence = Frame.sequence(buffer, offset);
        if (sequence <= lastSequence.get(sender)) {
            bump(DUPLICATES);
            return;
        }
        lastSequence.put(sender, sequence);
        if (this.sender != null) {
            owe(sender);
        }
        if (Frame.epoch(buffer, offset) != epoch) {
            bump(EPOCH_MISMATCH); // delivered all the same: the sender routed by another membership
        }
        try {
            handler.onMessage(Frame.key(buffer, offset), buffer, offset + Frame.HEADER_LENGTH,
                Frame.payloadLength(buffer, offset));
        } catch (Throwable t) {
            reject(FrameError.HANDLER_FAILED, buffer, offset, length, t);
        }
        bump(DELIVERED);
    }

    private void reject(FrameError error, DirectBuffer buffer, int offset, int length, Throwable cause) {
        bump(error.ordinal());
        if (listener != null) {
            String message = Frame.describe(error, buffer, offset, length, maxPayload);
            try {
                listener.onReject(error, message, cause);
            } catch (Throwable ignored) {
                // a failing listener must not stop the Exec's poll either
            }
        }
    }

    private void bump(int slot) {
        counts.lazySet(slot, counts.get(slot) + 1); // single writer: this Exec
    }

    long rejected(FrameError error) {
        return counts.get(error.ordinal());
    }

    long delivered() {
        return counts.get(DELIVERED);
    }

    long duplicates() {
        return counts.get(DUPLICATES);
    }

    long epochMismatches() {
        return counts.get(EPOCH_MISMATCH);
    }
}
