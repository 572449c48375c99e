package io.corepin.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A consumer's own burst loop: {@code burstStart}, {@code takeAt}, {@code handBack}, and {@code nextPublished}. */
class RingBurstTest {

    /** The loop the Javadoc shows: up to {@code limit} elements into {@code into}. */
    private static int burst(MpscRing<Integer> ring, int limit, List<Integer> into) {
        final long start = ring.burstStart();
        long next = start;
        try {
            for (Integer e; next - start < limit && (e = ring.takeAt(next)) != null; ) {
                next++;
                into.add(e);
            }
        } finally {
            ring.handBack(start, next);
        }
        return (int) (next - start);
    }

    @Test
    void aBurstTakesInOrderUpToItsLimitAndHandsTheSlotsBackOnce() {
        MpscRing<Integer> ring = new MpscRing<>(8);
        for (int i = 0; i < 8; i++) {
            assertTrue(ring.offer(i) >= 0);
        }
        assertTrue(ring.offer(99) < 0, "full");
        List<Integer> got = new ArrayList<>();
        assertEquals(5, burst(ring, 5, got));
        assertEquals(List.of(0, 1, 2, 3, 4), got);
        assertEquals(5, ring.dequeuedCount(), "handBack moved the consumer index past the burst");
        assertEquals(3, ring.size());
        for (int i = 8; i < 13; i++) {
            assertTrue(ring.offer(i) >= 0, "the burst's slots are free again: " + i);
        }
        got.clear();
        assertEquals(8, burst(ring, 32, got), "a burst ends at the first empty slot");
        assertEquals(List.of(5, 6, 7, 8, 9, 10, 11, 12), got);
        assertEquals(0, burst(ring, 32, got), "nothing left");
        assertEquals(13, ring.dequeuedCount(), "an empty burst hands nothing back");
    }

    @Test
    void takeAtReadsNothingPastAnUnpublishedSlot() {
        MpscRing<Integer> ring = new MpscRing<>(4);
        final long start = ring.burstStart();
        assertNull(ring.takeAt(start), "empty slot");
        ring.handBack(start, start);
        assertEquals(0, ring.dequeuedCount());
        ring.offer(7);
        assertEquals(7, ring.takeAt(start));
        ring.handBack(start, start + 1);
        assertTrue(ring.isEmpty());
    }

    @Test
    void nextPublishedSaysWhetherAPollWouldTakeAnElement() {
        MpscRing<Integer> ring = new MpscRing<>(4);
        assertFalse(ring.nextPublished());
        ring.offer(1);
        ring.offer(2);
        assertTrue(ring.nextPublished());
        assertEquals(1, ring.poll());
        assertTrue(ring.nextPublished());
        assertEquals(2, ring.poll());
        assertFalse(ring.nextPublished(), "both taken");
        for (int i = 0; i < 10; i++) { // around the ring: the slot index wraps
            ring.offer(i);
            assertTrue(ring.nextPublished());
            assertEquals(i, ring.poll());
            assertFalse(ring.nextPublished());
        }
    }
}
