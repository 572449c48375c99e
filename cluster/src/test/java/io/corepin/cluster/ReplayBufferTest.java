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

    @Test
    void aResendSendsTheWaitingFramesAsTheyAreKeepsThemAndResumesWhereItWasRefused() {
        ReplayBuffer b = new ReplayBuffer(512); // 8 entries of 64 bytes: the ring wraps
        for (long seq = 1; seq <= 5; seq++) {
            b.append(frame, 0, frame(seq, 10));
        }
        b.ack(2);
        assertTrue(b.resend((buf, off, len) -> { throw new AssertionError("no resend asked for"); }));
        b.resendAll();
        List<Long> out = new ArrayList<>();
        int[] room = {1};
        assertFalse(b.resend((buf, off, len) -> room[0]-- > 0 && out.add(Frame.sequence(buf, off))));
        assertEquals(List.of(3L), out);
        assertTrue(b.resending());
        assertEquals(4, b.resendSequence(), "frame 3 went: 4 is next");
        b.ack(3);
        for (long seq = 6; seq <= 9; seq++) { // past the end of the ring
            b.append(frame, 0, frame(seq, 10));
        }
        assertTrue(b.resend((buf, off, len) -> out.add(Frame.sequence(buf, off))));
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L), out);
        assertFalse(b.resending());
        assertEquals(6, b.size(), "a resend removes nothing: its frames wait for their ack still");
        assertEquals(-1, b.resendSequence());
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L), drain(b));
    }

    @Test
    void aBufferIsStalledWhenItsOldestFrameWasTheOldestAtTheLastLookToo() {
        ReplayBuffer b = new ReplayBuffer(512);
        assertFalse(b.stalled(), "empty");
        b.append(frame, 0, frame(1, 10));
        assertFalse(b.stalled(), "first look");
        assertTrue(b.stalled(), "frame 1 waited a whole interval");
        assertTrue(b.stalled(), "and another");
        b.append(frame, 0, frame(2, 10));
        b.ack(1);
        assertFalse(b.stalled(), "the ack moved on");
        b.ack(2);
        assertFalse(b.stalled());
        assertFalse(b.stalled(), "empty again");
    }
}
