package io.corepin.cluster;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The frames one sending Exec sent to one (host, Exec) that the receiver has not acknowledged yet, oldest first, in
 * a byte ring of fixed capacity: entries of {@code [int length][frame]} padded to 8 bytes, with a {@code -1} length
 * marking a wrap to the start. Owned by the sending Exec's thread: appends, acks, resends and replays all run there.
 * A resend ({@link #resendAll}, then {@link #resend} until it returns true) sends the waiting frames again as they
 * are, original sequence included, without removing them: they wait for their ack still. Nothing is allocated after
 * construction.
 */
final class ReplayBuffer {
    private static final int WRAP = -1;
    private final UnsafeBuffer buf;
    private final int capacity;
    private long head; // byte position of the oldest entry (monotonic)
    private long tail; // byte position after the newest entry (monotonic)
    private int entries;
    private long resendAt = -1; // byte position of the next frame to send again (monotonic), or -1: no resend
    private long oldestAtLastLook; // the oldest entry's sequence at the last stalled() call, 0: empty then
    private long acked; // the highest sequence acked so far, 0: none

    ReplayBuffer(int capacity) {
        if (capacity < 64 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("replay buffer capacity must be a power of two >= 64, got " + capacity);
        }
        this.capacity = capacity;
        this.buf = new UnsafeBuffer(new byte[capacity]);
    }

    private static int aligned(int frameLength) {
        return (4 + frameLength + 7) & ~7;
    }

    /** Whether a frame of this length fits now (with a possible wrap marker). */
    boolean hasRoomFor(int frameLength) {
        int need = aligned(frameLength);
        int at = (int) (tail & (capacity - 1));
        int toEnd = capacity - at;
        long extra = need > toEnd ? toEnd : 0; // a wrap wastes the rest of the ring
        return need <= capacity && tail + extra + need - head <= capacity;
    }

    /** Appends a copy of the frame; call {@link #hasRoomFor} first. */
    void append(DirectBuffer src, int offset, int frameLength) {
        int need = aligned(frameLength);
        int at = (int) (tail & (capacity - 1));
        if (need > capacity - at) {
            if (capacity - at >= 4) {
                buf.putInt(at, WRAP);
            }
            tail += capacity - at;
            at = 0;
        }
        buf.putInt(at, frameLength);
        buf.putBytes(at + 4, src, offset, frameLength);
        tail += need;
        entries++;
    }

    /** Drops every entry whose sequence is at most {@code sequence}. */
    void ack(long sequence) {
        if (sequence > acked) {
            acked = sequence;
        }
        while (head < tail) {
            int at = (int) (head & (capacity - 1));
            int len = capacity - at >= 4 ? buf.getInt(at) : WRAP;
            if (len == WRAP) {
                head += capacity - at;
                continue;
            }
            if (Frame.sequence(buf, at + 4) > sequence) {
                return;
            }
            head += aligned(len);
            entries--;
        }
    }

    /** The highest sequence acked so far (by any incarnation of the receiver), 0: none. */
    long acked() {
        return acked;
    }

    /** Sends every waiting frame again, oldest first, in the next calls of {@link #resend}. */
    void resendAll() {
        resendAt = head;
    }

    /** The sequence of the next frame the resend sends (the oldest waiting one if it is behind), or -1: none. */
    long resendSequence() {
        if (resendAt < 0) {
            return -1;
        }
        long at = Math.max(resendAt, head);
        while (at < tail) {
            int i = (int) (at & (capacity - 1));
            int len = capacity - i >= 4 ? buf.getInt(i) : WRAP;
            if (len != WRAP) {
                return Frame.sequence(buf, i + 4);
            }
            at += capacity - i;
        }
        return -1;
    }

    /** Whether a resend has frames left to send. */
    boolean resending() {
        return resendAt >= 0;
    }

    /**
     * Hands the frames of the resend, oldest first, to {@code out} until it refuses one (that one is offered first
     * next time; frames acked meanwhile are skipped).
     *
     * @return true if the resend is done (or there was none), false if {@code out} refused a frame
     */
    boolean resend(FrameOut out) {
        if (resendAt < 0) {
            return true;
        }
        if (resendAt < head) {
            resendAt = head;
        }
        while (resendAt < tail) {
            int at = (int) (resendAt & (capacity - 1));
            int len = capacity - at >= 4 ? buf.getInt(at) : WRAP;
            if (len == WRAP) {
                resendAt += capacity - at;
                continue;
            }
            if (!out.offer(buf, at + 4, len)) {
                return false;
            }
            resendAt += aligned(len);
        }
        resendAt = -1;
        return true;
    }

    /**
     * Whether the oldest frame now was the oldest at the last call too (no ack moved past it in between; false if
     * empty). Called at intervals: true means it has waited for its ack at least one interval.
     */
    boolean stalled() {
        long oldest = 0;
        if (head < tail) {
            int at = (int) (head & (capacity - 1));
            int len = capacity - at >= 4 ? buf.getInt(at) : WRAP;
            oldest = Frame.sequence(buf, (len == WRAP ? 0 : at) + 4);
        }
        boolean stalled = oldest != 0 && oldest == oldestAtLastLook;
        oldestAtLastLook = oldest;
        return stalled;
    }

    /** How many frames wait for an ack. */
    int size() {
        return entries;
    }

    /** Hands every waiting frame, oldest first, to {@code sink}, then empties the buffer. */
    void drainTo(FrameSink sink) {
        while (head < tail) {
            int at = (int) (head & (capacity - 1));
            int len = capacity - at >= 4 ? buf.getInt(at) : WRAP;
            if (len == WRAP) {
                head += capacity - at;
                continue;
            }
            sink.onFrame(buf, at + 4, len);
            head += aligned(len);
            entries--;
        }
        resendAt = -1;
    }

    /** Takes the frames of {@link #resend}: true if this one went out. */
    interface FrameOut {
        boolean offer(DirectBuffer buffer, int offset, int length);
    }

    /** Receives the frames of {@link #drainTo}. */
    interface FrameSink {
        void onFrame(DirectBuffer buffer, int offset, int length);
    }
}
