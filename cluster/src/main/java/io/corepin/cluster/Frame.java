package io.corepin.cluster;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The wire format of one message, laid out by hand over an Agrona buffer (little-endian), a fixed 40-byte header
 * and then the payload:
 *
 * <pre>
 *  0  u8   version      (1)
 *  1  u8   type         (1 = data, 2 = ack: "I delivered your sequences up to this one", no payload;
 *                         3 = resend: "I delivered your sequences up to this one: send every later one again";
 *                         4 = probe: "I sent you sequences up to this one and have no ack of some: which have you?";
 *                         5 = skip: "this sequence carries nothing, and the ones before it you have not delivered
 *                         will not come: I gave them up", no payload; its key field says how many to count as
 *                         given up, -1: the gap before it)
 *  2  u16  sender Exec  (index on the sending host)
 *  4  i32  sender host  (id)
 *  8  i64  epoch        (of the membership the sender routed by)
 * 16  i64  sequence     (per sending Exec and receiving (host, Exec), one more per frame sent, from the sending
 *                         process's base: see {@link #sequenceBase})
 * 24  i64  key
 * 32  i32  handler id
 * 36  i32  payload length
 * 40  ...  payload
 * </pre>
 *
 * Static methods only: no flyweight object per message.
 */
final class Frame {
    static final int MAX_EXECS = 65535;
    /** 2: sequences from a per-process base, the skip's count (version 1 ran sequences from 1 in every process). */
    static final byte VERSION = 2;
    static final byte TYPE_DATA = 1;
    static final byte TYPE_ACK = 2;
    static final byte TYPE_RESEND = 3;
    static final byte TYPE_PROBE = 4;
    static final byte TYPE_SKIP = 5;

    static final int VERSION_OFFSET = 0;
    static final int TYPE_OFFSET = 1;
    static final int SENDER_EXEC_OFFSET = 2;
    static final int SENDER_HOST_OFFSET = 4;
    static final int EPOCH_OFFSET = 8;
    static final int SEQUENCE_OFFSET = 16;
    static final int KEY_OFFSET = 24;
    static final int HANDLER_OFFSET = 32;
    static final int LENGTH_OFFSET = 36;
    /** Bytes before the payload. */
    static final int HEADER_LENGTH = 40;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Frame() {
    }

    static void encodeHeader(MutableDirectBuffer b, int offset, int senderHost, int senderExec, long epoch,
                             long sequence, long key, int handlerId, int payloadLength) {
        encode(b, offset, TYPE_DATA, senderHost, senderExec, epoch, sequence, key, handlerId, payloadLength);
    }

    /** An ack from (host, Exec): every data frame of the addressee with a sequence up to {@code sequence} arrived. */
    static void encodeAck(MutableDirectBuffer b, int offset, int senderHost, int senderExec, long epoch, long sequence) {
        encode(b, offset, TYPE_ACK, senderHost, senderExec, epoch, sequence, 0, 0, 0);
    }

    /**
     * A resend request from (host, Exec): like an ack of {@code sequence}, and every later data frame of the addressee
     * is to be sent again (the receiver saw a gap after it, or a new image of the addressee's publication).
     */
    static void encodeResend(MutableDirectBuffer b, int offset, int senderHost, int senderExec, long epoch,
                             long sequence) {
        encode(b, offset, TYPE_RESEND, senderHost, senderExec, epoch, sequence, 0, 0, 0);
    }

    private static void encode(MutableDirectBuffer b, int offset, byte type, int senderHost, int senderExec, long epoch,
                               long sequence, long key, int handlerId, int payloadLength) {
        b.putByte(offset + VERSION_OFFSET, VERSION);
        b.putByte(offset + TYPE_OFFSET, type);
        b.putShort(offset + SENDER_EXEC_OFFSET, (short) senderExec, LE);
        b.putInt(offset + SENDER_HOST_OFFSET, senderHost, LE);
        b.putLong(offset + EPOCH_OFFSET, epoch, LE);
        b.putLong(offset + SEQUENCE_OFFSET, sequence, LE);
        b.putLong(offset + KEY_OFFSET, key, LE);
        b.putInt(offset + HANDLER_OFFSET, handlerId, LE);
        b.putInt(offset + LENGTH_OFFSET, payloadLength, LE);
    }

    /**
     * A probe from (host, Exec): it sent the addressee data frames up to {@code sequence} and waits for an ack of some
     * of them; the addressee answers with an ack if it has them all, else with a resend request.
     */
    static void encodeProbe(MutableDirectBuffer b, int offset, int senderHost, int senderExec, long epoch,
                            long sequence) {
        encode(b, offset, TYPE_PROBE, senderHost, senderExec, epoch, sequence, 0, 0, 0);
    }

    /**
     * A skip from (host, Exec), sequenced and acked like a data frame but delivering nothing: "my sequence to you
     * resumes after {@code sequence}; those before it that you have not delivered, I gave up". Sent first of all to a
     * (host, Exec) that came back into the sender's route after leaving it (the sender gave its unacked frames then
     * to the keys' new owners); the receiver counts the gap before it as skipped.
     */
    static void encodeSkip(MutableDirectBuffer b, int offset, int senderHost, int senderExec, long epoch,
                           long sequence) {
        encodeSkip(b, offset, senderHost, senderExec, epoch, sequence, -1);
    }

    /**
     * A skip that says how many sequences the receiver is to count as skipped ({@code -1}: the gap before it): 0 for
     * the first frame of a process to a (host, Exec), whose sequences start at its base; the delivered sequences a
     * receiver forgot (it restarted) when the skip's sequence is one its predecessor delivered.
     */
    static void encodeSkip(MutableDirectBuffer b, int offset, int senderHost, int senderExec, long epoch,
                           long sequence, long count) {
        encode(b, offset, TYPE_SKIP, senderHost, senderExec, epoch, sequence, count, 0, 0);
    }

    /** A skip's count of sequences to report as skipped, or -1: the gap before it (see {@link #encodeSkip}). */
    static long skipCount(DirectBuffer b, int offset) {
        return key(b, offset);
    }

    /**
     * Where a process's sequences start: its start time in milliseconds times 2^20 (about 2^60 today, so good to the
     * year 2250). Sequences to a (host, Exec) run on from there without gaps, so a host restarted in place never
     * reuses a sequence its predecessor sent — as long as the predecessor sent fewer than 2^20 frames to one
     * (host, Exec) per millisecond of its life, and the wall clock did not go back between the two starts.
     */
    static long sequenceBase(long startMillis) {
        return startMillis << 20;
    }

    static int version(DirectBuffer b, int offset) {
        return b.getByte(offset + VERSION_OFFSET) & 0xff;
    }

    static int type(DirectBuffer b, int offset) {
        return b.getByte(offset + TYPE_OFFSET) & 0xff;
    }

    static int senderExec(DirectBuffer b, int offset) {
        return b.getShort(offset + SENDER_EXEC_OFFSET, LE) & 0xffff;
    }

    static int senderHost(DirectBuffer b, int offset) {
        return b.getInt(offset + SENDER_HOST_OFFSET, LE);
    }

    static long epoch(DirectBuffer b, int offset) {
        return b.getLong(offset + EPOCH_OFFSET, LE);
    }

    static long sequence(DirectBuffer b, int offset) {
        return b.getLong(offset + SEQUENCE_OFFSET, LE);
    }

    static long key(DirectBuffer b, int offset) {
        return b.getLong(offset + KEY_OFFSET, LE);
    }

    static int handlerId(DirectBuffer b, int offset) {
        return b.getInt(offset + HANDLER_OFFSET, LE);
    }

    static int payloadLength(DirectBuffer b, int offset) {
        return b.getInt(offset + LENGTH_OFFSET, LE);
    }

    /**
     * Checks the header of a frame of {@code length} bytes (the handler id is the registry's to check).
     *
     * @return {@code null} if the frame is well formed, else what is wrong with it
     */
    static FrameError check(DirectBuffer b, int offset, int length, int maxPayload) {
        if (length < HEADER_LENGTH) {
            return FrameError.SHORT;
        }
        if (version(b, offset) != VERSION) {
            return FrameError.BAD_VERSION;
        }
        int type = type(b, offset);
        if (type < TYPE_DATA || type > TYPE_SKIP) {
            return FrameError.BAD_TYPE;
        }
        int payload = payloadLength(b, offset);
        if (payload < 0 || payload != length - HEADER_LENGTH) {
            return FrameError.BAD_LENGTH;
        }
        if (payload > maxPayload) {
            return FrameError.OVERSIZED;
        }
        return null;
    }

    /** A sentence naming the bad value of a frame {@link #check} refused (allocates: the error path only). */
    static String describe(FrameError error, DirectBuffer b, int offset, int length, int maxPayload) {
        return switch (error) {
            case SHORT -> "frame of " + length + " bytes is shorter than the " + HEADER_LENGTH + "-byte header";
            case BAD_VERSION -> "frame version " + version(b, offset) + " is not " + VERSION;
            case BAD_TYPE -> "frame type " + type(b, offset) + " is not " + TYPE_DATA + " (data), " + TYPE_ACK + " (ack), "
                + TYPE_RESEND + " (resend), " + TYPE_PROBE + " (probe) or " + TYPE_SKIP + " (skip)";
            case OVERSIZED -> "payload of " + payloadLength(b, offset) + " bytes exceeds the maximum of " + maxPayload;
            case BAD_LENGTH -> "payload length " + payloadLength(b, offset) + " does not match the frame of "
                + length + " bytes (" + (length - HEADER_LENGTH) + " after the header)";
            case UNKNOWN_HANDLER -> "unknown handler id " + handlerId(b, offset) + " (key " + key(b, offset) + ")";
            case HANDLER_FAILED -> "handler " + handlerId(b, offset) + " threw on key " + key(b, offset);
        };
    }
}
