package io.corepin.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReplayBufferTest {
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);

    private int frame(long seq, int payload) {
        Frame.encodeHeader(frame, 0, 1, 0, 1, seq, seq * 10, 3, payload);
        for (int i = 0; i < payload; i++) {
            frame.putByte(Frame.HEADER_LENGTH + i, (byte) seq);
        }
        return Frame.HEADER_LENGTH + payload;
    }

    private static List<Long> drain(ReplayBuffer b) {
        List<Long> seqs = new ArrayList<>();
        b.drainTo((buf, off, len) -> {
            long seq = Frame.sequence(buf, off);
            assertEquals(Frame.HEADER_LENGTH + Frame.payloadLength(buf, off), len);
            for (int i = Frame.HEADER_LENGTH; i < len; i++) {
                assertEquals((byte) seq, buf.getByte(off + i), "payload byte of frame " + seq);
            }
            seqs.add(seq);
        });
        return seqs;
    }

    @Test
    void keepsFramesUntilAckedAndDrainsTheRestOldestFirstAcrossWraps() {
        ReplayBuffer b = new ReplayBuffer(512);
        long next = 1;
        long acked = 0;
        for (int round = 0; round < 200; round++) { // many wraps: entries of 48..88 bytes in a 512-byte ring
            int len = frame(next, 4 + (int) (next % 5) * 10);
            if (!b.hasRoomFor(len)) {
                acked += 2;
                b.ack(acked);
                assertTrue(b.hasRoomFor(len), "room after acking up to " + acked);
            }
            b.append(frame, 0, len);
            next++;
        }
        List<Long> rest = drain(b);
        assertFalse(rest.isEmpty());
        assertEquals(acked + 1, rest.get(0), "the oldest unacked frame comes first");
        for (int i = 1; i < rest.size(); i++) {
            assertEquals(rest.get(i - 1) + 1, rest.get(i));
        }
        assertEquals(next - 1, rest.get(rest.size() - 1));
        assertEquals(0, b.size());
        assertEquals(List.of(), drain(b));
    }

    @Test
    void fullMeansNoRoomAndAnAckMakesRoom() {
        ReplayBuffer b = new ReplayBuffer(256);
        int len = frame(1, 20); // 60 bytes -> 64 with its length, aligned
        b.append(frame, 0, len);
        for (long s = 2; s <= 4; s++) {
            assertTrue(b.hasRoomFor(frame(s, 20)));
            b.append(frame, 0, frame(s, 20));
        }
        assertFalse(b.hasRoomFor(len));
        assertEquals(4, b.size());
        b.ack(1);
        assertEquals(3, b.size());
        assertTrue(b.hasRoomFor(len));
        assertFalse(b.hasRoomFor(300), "a frame larger than the ring never fits");
        b.ack(99);
        assertEquals(0, b.size());
        assertThrows(IllegalArgumentException.class, () -> new ReplayBuffer(100));
    }
}
