package io.corepin.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wire format and the receiving side, without Aeron: frames laid into a buffer and handed to the receiver. */
@Timeout(10)
class ReceiverTest {
    private static final int MAX = 256;
    private final UnsafeBuffer buf = new UnsafeBuffer(new byte[4096]);
    private final List<String> got = new ArrayList<>();
    private final List<String> rejects = new ArrayList<>();
    private Receiver receiver;

    @BeforeEach
    void setUp() {
        Int2ObjectHashMap<MessageHandler> handlers = new Int2ObjectHashMap<>();
        handlers.put(7, (key, b, off, len) -> got.add(key + ":" + b.getStringWithoutLengthAscii(off, len)));
        handlers.put(8, (key, b, off, len) -> {
            throw new IllegalStateException("boom " + key);
        });
        receiver = new Receiver(handlers, MAX, (error, message, cause) -> rejects.add(error + " " + message));
    }

    private int frame(int offset, int host, int exec, long seq, long key, int handler, String payload) {
        int len = buf.putStringWithoutLengthAscii(offset + Frame.HEADER_LENGTH, payload);
        Frame.encodeHeader(buf, offset, host, exec, 0, seq, key, handler, len);
        return Frame.HEADER_LENGTH + len;
    }

    @Test
    void aFrameRoundTripsEveryField() {
        int n = frame(8, 0x12345678, 65535, Long.MAX_VALUE, -5L, 77, "abc");
        Frame.encodeHeader(buf, 8, 0x12345678, 65535, 991L, Long.MAX_VALUE, -5L, 77, 3);
        assertEquals(43, n);
        assertEquals(2, Frame.version(buf, 8));
        assertEquals(1, Frame.type(buf, 8));
        assertEquals(65535, Frame.senderExec(buf, 8));
        assertEquals(0x12345678, Frame.senderHost(buf, 8));
        assertEquals(991L, Frame.epoch(buf, 8));
        assertEquals(Long.MAX_VALUE, Frame.sequence(buf, 8));
        assertEquals(-5L, Frame.key(buf, 8));
        assertEquals(77, Frame.handlerId(buf, 8));
        assertEquals(3, Frame.payloadLength(buf, 8));
        assertEquals(0x12345678, buf.getInt(8 + 4, ByteOrder.LITTLE_ENDIAN)); // little-endian on the wire
        assertNull(Frame.check(buf, 8, n, MAX));
    }

    @Test
    void wellFormedFramesReachTheirHandlerInOrder() {
        for (int i = 1; i <= 3; i++) {
            int n = frame(0, 1, 0, i, 40 + i, 7, "m" + i);
            receiver.onFrame(buf, 0, n);
        }
        assertEquals(List.of("41:m1", "42:m2", "43:m3"), got);
        assertEquals(3, receiver.delivered());
        assertEquals(List.of(), rejects);
    }

    @Test
    void malformedFramesAreRejectedCountedAndNamed() {
        int n = frame(0, 1, 0, 1, 9, 7, "hello");
        receiver.onFrame(buf, 0, 12);                      // short
        buf.putByte(0, (byte) 9);
        receiver.onFrame(buf, 0, n);                       // bad version
        n = frame(0, 1, 0, 2, 9, 7, "hello");
        buf.putByte(1, (byte) 6);
        receiver.onFrame(buf, 0, n);                       // bad type
        n = frame(0, 1, 0, 3, 9, 7, "hello");
        buf.putInt(Frame.LENGTH_OFFSET, 200, ByteOrder.LITTLE_ENDIAN);
        receiver.onFrame(buf, 0, n);                       // length beyond the frame
        buf.putInt(Frame.LENGTH_OFFSET, -1, ByteOrder.LITTLE_ENDIAN);
        receiver.onFrame(buf, 0, n);                       // negative length
        n = frame(0, 1, 0, 4, 9, 7, "x".repeat(MAX + 1));
        receiver.onFrame(buf, 0, n);                       // oversized
        n = frame(0, 1, 0, 5, 9, 4242, "hello");
        receiver.onFrame(buf, 0, n);                       // unknown handler
        n = frame(0, 1, 0, 6, 9, 8, "hello");
        receiver.onFrame(buf, 0, n);                       // handler throws
        n = frame(0, 1, 0, 7, 9, 7, "fine");
        receiver.onFrame(buf, 0, n);                       // and the next good frame still arrives

        assertEquals(List.of("9:fine"), got);
        assertEquals(1, receiver.rejected(FrameError.SHORT));
        assertEquals(1, receiver.rejected(FrameError.BAD_VERSION));
        assertEquals(1, receiver.rejected(FrameError.BAD_TYPE));
        assertEquals(2, receiver.rejected(FrameError.BAD_LENGTH));
        assertEquals(1, receiver.rejected(FrameError.OVERSIZED));
        assertEquals(1, receiver.rejected(FrameError.UNKNOWN_HANDLER));
        assertEquals(1, receiver.rejected(FrameError.HANDLER_FAILED));
        assertEquals(2, receiver.delivered()); // the failed handler's message and the good one
        assertEquals(List.of(
            "SHORT frame of 12 bytes is shorter than the 40-byte header",
            "BAD_VERSION frame version 9 is not 2",
            "BAD_TYPE frame type 6 is not 1 (data), 2 (ack), 3 (resend), 4 (probe) or 5 (skip)",
            "BAD_LENGTH payload length 200 does not match the frame of 45 bytes (5 after the header)",
            "BAD_LENGTH payload length -1 does not match the frame of 45 bytes (5 after the header)",
            "OVERSIZED payload of 257 bytes exceeds the maximum of 256",
            "UNKNOWN_HANDLER unknown handler id 4242 (key 9)",
            "HANDLER_FAILED handler 8 threw on key 9"), rejects);
    }

    @Test
    void aRepeatedSequenceFromOneSenderIsDeliveredOnce() {
        receiver.onFrame(buf, 0, frame(0, 1, 0, 1, 5, 7, "a"));
        receiver.onFrame(buf, 0, frame(0, 1, 0, 2, 5, 7, "b"));
        receiver.onFrame(buf, 0, frame(0, 1, 0, 1, 5, 7, "a"));   // replayed
        receiver.onFrame(buf, 0, frame(0, 1, 0, 2, 5, 7, "b"));
        receiver.onFrame(buf, 0, frame(0, 1, 1, 1, 5, 7, "c"));   // another Exec of host 1: its own sequence
        receiver.onFrame(buf, 0, frame(0, 2, 0, 1, 5, 7, "d"));   // another host
        receiver.onFrame(buf, 0, frame(0, 1, 0, 3, 5, 7, "e"));
        assertEquals(List.of("5:a", "5:b", "5:c", "5:d", "5:e"), got);
        assertEquals(2, receiver.duplicates());
    }

    /**
     * With acks on a receiver delivers in sequence only; a skip frame is taken past a gap (the sender gave those
     * sequences up), counted, and later frames go on from it; the given-up frames, and the skip itself, arriving late
     * are repeats.
     */
    @Test
    void aSkipMovesTheSequenceOnPastFramesTheSenderGaveUp() {
        Int2ObjectHashMap<MessageHandler> handlers = new Int2ObjectHashMap<>();
        handlers.put(7, (key, b, off, len) -> got.add(key + ":" + b.getStringWithoutLengthAscii(off, len)));
        Receiver acking = new Receiver(handlers, MAX, null, new Sender(2, 0, MAX, 1_000_000));
        acking.onFrame(buf, 0, frame(0, 1, 0, 1, 5, 7, "a"));
        acking.onFrame(buf, 0, frame(0, 1, 0, 2, 5, 7, "b"));
        acking.onFrame(buf, 0, frame(0, 1, 0, 7, 5, 7, "past a gap"));   // 3..6 missing: dropped
        assertEquals(1, acking.outOfSequence());
        Frame.encodeSkip(buf, 0, 1, 0, 3, 7);                           // 3..6 given up, 7 is the skip
        acking.onFrame(buf, 0, Frame.HEADER_LENGTH);
        assertEquals(4, acking.skipped());
        acking.onFrame(buf, 0, frame(0, 1, 0, 8, 5, 7, "c"));
        acking.onFrame(buf, 0, frame(0, 1, 0, 4, 5, 7, "given up"));     // late: a repeat
        Frame.encodeSkip(buf, 0, 1, 0, 3, 7);
        acking.onFrame(buf, 0, Frame.HEADER_LENGTH);                   // the skip resent: a repeat
        Frame.encodeSkip(buf, 0, 1, 1, 3, 1);                           // another Exec's skip of nothing
        acking.onFrame(buf, 0, Frame.HEADER_LENGTH);
        acking.onFrame(buf, 0, frame(0, 1, 1, 2, 5, 7, "d"));
        acking.onFrame(buf, 0, frame(0, 1, 0, 9, 5, 7, "e"));
        assertEquals(List.of("5:a", "5:b", "5:c", "5:d", "5:e"), got);
        assertEquals(4, acking.skipped());
        assertEquals(2, acking.duplicates());
        assertEquals(5, acking.delivered()); // the skips deliver nothing
    }

    /**
     * A skip that names its count: a restarted sender's first frame (a skip of its sequence base, count 0) takes the
     * receiver past its predecessor's sequences without counting them; a skip that a restarted receiver is sent (of
     * the sequence its predecessor acked) counts what that predecessor delivered.
     */
    @Test
    void aSkipWithACountCountsThatMany() {
        Int2ObjectHashMap<MessageHandler> handlers = new Int2ObjectHashMap<>();
        handlers.put(7, (key, b, off, len) -> got.add(key + ":" + b.getStringWithoutLengthAscii(off, len)));
        Receiver acking = new Receiver(handlers, MAX, null, new Sender(2, 0, MAX, 1_000_000));
        acking.onFrame(buf, 0, frame(0, 1, 0, 1, 5, 7, "old"));          // the predecessor's sequence 1
        long base = Frame.sequenceBase(1_000);
        Frame.encodeSkip(buf, 0, 1, 0, 3, base, 0);                     // the restarted sender's first frame
        acking.onFrame(buf, 0, Frame.HEADER_LENGTH);
        assertEquals(0, acking.skipped());
        acking.onFrame(buf, 0, frame(0, 1, 0, base + 1, 5, 7, "new"));
        acking.onFrame(buf, 0, frame(0, 1, 0, 2, 5, 7, "old, late"));    // below the base: a repeat
        Frame.encodeSkip(buf, 0, 1, 1, 3, base + 40, 40);               // to a receiver that forgot 40 delivered
        acking.onFrame(buf, 0, Frame.HEADER_LENGTH);
        assertEquals(40, acking.skipped());
        acking.onFrame(buf, 0, frame(0, 1, 1, base + 41, 5, 7, "next"));
        assertEquals(List.of("5:old", "5:new", "5:next"), got);
        assertEquals(1, acking.duplicates());
    }

    @Test
    void aFailingListenerDoesNotEscape() {
        Int2ObjectHashMap<MessageHandler> none = new Int2ObjectHashMap<>();
        Receiver r = new Receiver(none, MAX, (e, m, c) -> {
            throw new RuntimeException("listener");
        });
        r.onFrame(buf, 0, 3);
        assertEquals(1, r.rejected(FrameError.SHORT));
        assertTrue(r.delivered() == 0);
    }

    static String text(DirectBuffer b, int off, int len) {
        return b.getStringWithoutLengthAscii(off, len);
    }
}
