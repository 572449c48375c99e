package io.corepin.cluster;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import java.util.concurrent.atomic.AtomicLongArray;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * One Exec's receiving side: checks each whole frame (after Aeron's fragment assembly), drops duplicates by (sender
 * host, sender Exec, sequence), and runs the registered handler inline. Owned by the Exec's thread: only it calls
 * {@link #onFragment}; other threads only read the counters (and {@link #imageAvailable} runs on Aeron's conductor).
 *
 * <p>With acks on, a sender's frames are delivered in sequence only (its sequences to this Exec run without gaps,
 * after a first skip): a frame past a gap is dropped, not acked, and the sender is asked to send everything after
 * the last one delivered again (a resend request, at most one per {@link #RESEND_INTERVAL_NANOS} while the gap
 * stays). So an ack
 * never covers a frame that did not arrive. A new image of a publication this Exec has had frames from (the old one
 * timed out: its frames in flight may be gone, also the last ones, which no later frame would show as a gap) asks
 * that sender for a resend at once; so does a sender's probe (it waits for acks) naming a sequence not delivered yet,
 * while a probe of frames all delivered gets an ack. A skip frame moves a sender's sequence on past frames it gave
 * up (see {@link Frame#encodeSkip}).
 */
final class Receiver implements FragmentHandler {
    private static final int DELIVERED = FrameError.values().length;
    private static final int DUPLICATES = DELIVERED + 1;
    private static final int EPOCH_MISMATCH = DELIVERED + 2;
    private static final int OUT_OF_SEQUENCE = DELIVERED + 3;
    private static final int RESEND_REQUESTS = DELIVERED + 4;
    private static final int SKIPPED = DELIVERED + 5;
    /** While a gap stays at the same place, a resend request goes at most this often (the first one at once). */
    static final long RESEND_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);
    /** Marks an owed entry as a resend request rather than an ack. */
    private static final long RESEND = 1L << 62;

    private final Int2ObjectHashMap<MessageHandler> handlers; // filled before the Exec starts, read-only after
    private final int maxPayload;
    private final RejectListener listener;
    /** (sender host << 16 | sender Exec) -> the highest sequence delivered from it. Exec-owned. */
    private final Long2LongHashMap lastSequence = new Long2LongHashMap(0L);
    /**
     * Counters, written only by the owning Exec with lazySet (a release store of get + 1: no read-modify-write
     * instruction), read by any thread with get (acquire): a reader sees every count up to some recent message.
     */
    private final AtomicLongArray counts = new AtomicLongArray(DELIVERED + 6);
    private long epoch; // the receiver's current membership epoch; Exec-owned
    /** This Exec's sender: takes the acks that arrive here and sends the acks this Exec owes. Null: no acks. */
    private final Sender sender;
    /** Senders delivered from since their last ack went out, as (host << 16 | exec); Exec-owned. */
    private final long[] owed = new long[256];
    private int owedCount;
    /** Sender -> the last sequence delivered when its last resend request went, and when (nanoTime). Exec-owned. */
    private final Long2LongHashMap resendAsked = new Long2LongHashMap(-1L);
    private final Long2LongHashMap resendAskedAt = new Long2LongHashMap(Long.MIN_VALUE);
    /** Aeron session id -> the sender whose frames came on it. Exec-owned. */
    private final Long2LongHashMap senderBySession = new Long2LongHashMap(-1L);
    /** Sessions whose first image this Exec was told of (the value is unused). Exec-owned. */
    private final Long2LongHashMap imagesSeen = new Long2LongHashMap(0L);
    /** Session ids of new images, from Aeron's conductor thread to this Exec. */
    private final OneToOneConcurrentArrayQueue<Integer> newImages = new OneToOneConcurrentArrayQueue<>(64);
    /** Set (conductor thread) when {@link #newImages} was full: ask every known sender for a resend. */
    private volatile boolean newImagesOverflowed;

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
        if (sender == null) {
            return; // acks off
        }
        if (!newImages.isEmpty() || newImagesOverflowed) {
            takeNewImages();
        }
        sendOwed();
        sender.continueResends();
    }

    private void sendOwed() {
        int kept = 0;
        for (int i = 0; i < owedCount; i++) {
            long entry = owed[i];
            long id = entry & ~RESEND;
            if (!sender.sendAck((int) (id >>> 16), (int) (id & 0xffff), lastSequence.get(id), entry != id)) {
                owed[kept++] = entry;
            }
        }
        owedCount = kept;
    }

    /**
     * A new image on this Exec's subscription (Aeron's conductor thread, or this Exec's with the driver on it):
     * queued for this Exec, which asks the sender for a resend if frames came on that session before.
     */
    void imageAvailable(int sessionId) {
        if (sender != null && !newImages.offer(sessionId)) {
            newImagesOverflowed = true;
        }
    }

    private void takeNewImages() {
        Integer session;
        while ((session = newImages.poll()) != null) {
            long sessionId = session.intValue();
            if (!imagesSeen.containsKey(sessionId)) {
                imagesSeen.put(sessionId, 1); // a session's first image: nothing came before it to lose
                continue;
            }
            long id = senderBySession.get(sessionId);
            if (id >= 0) {
                askResend(id, true);
            }
        }
        if (newImagesOverflowed) {
            newImagesOverflowed = false;
            lastSequence.forEachLong((id, seq) -> askResend(id, true)); // the overflow path only: may allocate
        }
    }

    /** A probe: {@code id} sent up to {@code sequence} and waits for acks. Ack if all arrived, else ask for them. */
    private void onProbe(long id, long sequence) {
        if (lastSequence.get(id) >= sequence) {
            owe(id);
        } else {
            askResend(id, true);
        }
    }

    /** Owes {@code id} a resend request of what follows its last delivered sequence (now, or at most every interval). */
    private void askResend(long id, boolean now) {
        long last = lastSequence.get(id);
        long t = System.nanoTime();
        if (!now && resendAsked.get(id) == last && t - resendAskedAt.get(id) < RESEND_INTERVAL_NANOS) {
            return;
        }
        resendAsked.put(id, last);
        resendAskedAt.put(id, t);
        bump(RESEND_REQUESTS);
        owe(id | RESEND);
    }

    private void owe(long id) {
        for (int i = 0; i < owedCount; i++) {
            if (owed[i] == id) {
                return;
            }
        }
        if (owedCount == owed.length) {
            sendOwed(); // more senders than slots in one poll: pay some now
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
        onFrame(buffer, offset, length, header.sessionId(), true);
    }

    /** A frame that came on no Aeron image (tests). */
    void onFrame(DirectBuffer buffer, int offset, int length) {
        onFrame(buffer, offset, length, 0, false);
    }

    private void onFrame(DirectBuffer buffer, int offset, int length, int session, boolean onImage) {
        FrameError error = Frame.check(buffer, offset, length, maxPayload);
        if (error != null) {
            reject(error, buffer, offset, length, null);
            return;
        }
        int type = Frame.type(buffer, offset);
        if (type == Frame.TYPE_SKIP) {
            onSkip(buffer, offset, session, onImage);
            return;
        }
        if (type != Frame.TYPE_DATA) {
            if (sender != null && type == Frame.TYPE_ACK) {
                sender.onAck(Frame.senderHost(buffer, offset), Frame.senderExec(buffer, offset),
                    Frame.sequence(buffer, offset));
            } else if (sender != null && type == Frame.TYPE_RESEND) {
                sender.onResend(Frame.senderHost(buffer, offset), Frame.senderExec(buffer, offset),
                    Frame.sequence(buffer, offset));
            } else if (sender != null) {
                onProbe(((long) Frame.senderHost(buffer, offset) << 16) | Frame.senderExec(buffer, offset),
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
        long last = lastSequence.get(sender);
        boolean acks = this.sender != null;
        if (acks && onImage && senderBySession.get(session) != sender) {
            senderBySession.put(session, sender);
        }
        if (sequence <= last) {
            bump(DUPLICATES);
            if (acks) {
                owe(sender); // a resend of what arrived: ack again, the first ack may be what was lost
            }
            return;
        }
        if (acks && sequence != last + 1) {
            bump(OUT_OF_SEQUENCE); // frames before it were lost: not delivered, not acked, asked for again
            askResend(sender, false);
            return;
        }
        lastSequence.put(sender, sequence);
        if (acks) {
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

    /**
     * A skip: the sender's sequence to this Exec resumes after the skip's, and the ones before it not delivered here
     * were given up by the sender (it sent them to other owners when this host left its membership). Taken past a
     * gap, unlike a data frame; counted ({@link #skipped}: the gap before it, or the count the skip names — 0 for a
     * sending process's first frame, which skips past its predecessor's sequences), acked like one. With acks off
     * there is no sequence to skip. A skip at or below the last sequence delivered is a repeat.
     */
    private void onSkip(DirectBuffer buffer, int offset, int session, boolean onImage) {
        if (this.sender == null) {
            return;
        }
        long sender = ((long) Frame.senderHost(buffer, offset) << 16) | Frame.senderExec(buffer, offset);
        long sequence = Frame.sequence(buffer, offset);
        long last = lastSequence.get(sender);
        if (onImage && senderBySession.get(session) != sender) {
            senderBySession.put(session, sender);
        }
        if (sequence <= last) {
            bump(DUPLICATES);
        } else {
            long count = Frame.skipCount(buffer, offset);
            long skipped = count >= 0 ? count : sequence - 1 - last; // as the sender says, or the gap before it
            counts.lazySet(SKIPPED, counts.get(SKIPPED) + skipped); // single writer: this Exec
            lastSequence.put(sender, sequence);
        }
        owe(sender);
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

    long outOfSequence() {
        return counts.get(OUT_OF_SEQUENCE);
    }

    long resendRequests() {
        return counts.get(RESEND_REQUESTS);
    }

    long skipped() {
        return counts.get(SKIPPED);
    }
}
