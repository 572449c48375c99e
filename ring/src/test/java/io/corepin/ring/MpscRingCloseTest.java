package io.corepin.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MpscRingCloseTest {

    @Test
    void closeRejectsNewOffersButKeepsAcceptedElements() {
        MpscRing<String> ring = new MpscRing<>(4);
        ring.offer("a");
        ring.offer("b");
        assertFalse(ring.isDrained());
        assertTrue(ring.close());
        assertFalse(ring.close(), "second close reports it was already closed");
        assertTrue(ring.isClosed());
        assertEquals(MpscRing.CLOSED, ring.offer("c"));
        assertEquals(MpscRing.CLOSED, ring.offerBurst(new String[] {"d"}, 0, 1));
        assertEquals(MpscRing.CLOSED, ring.offerBulk(new String[] {"d"}, 0, 1));
        assertEquals(2, ring.size());
        assertFalse(ring.isDrained());
        assertEquals("a", ring.poll());
        assertEquals("b", ring.poll());
        assertNull(ring.poll());
        assertTrue(ring.isDrained());
        assertTrue(ring.isEmpty());
    }

    @Test
    void closedFullRingReportsClosedNotFull() {
        MpscRing<String> ring = new MpscRing<>(1);
        ring.offer("a");
        assertEquals(Ring.FULL, ring.offer("b"));
        ring.close();
        assertEquals(MpscRing.CLOSED, ring.offer("b"));
        assertEquals(1, ring.size());
    }
}
