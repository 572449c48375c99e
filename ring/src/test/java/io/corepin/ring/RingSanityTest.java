package io.corepin.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Single-threaded behaviour every {@link Ring} must share. */
class RingSanityTest {

    static Stream<Arguments> rings() {
        return Stream.of(
            Arguments.of("MpscRing", (IntFunction<Ring<Integer>>) MpscRing::new),
            Arguments.of("SpscRing", (IntFunction<Ring<Integer>>) SpscRing::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rings")
    void rejectsBadCapacityNamingTheValue(String name, IntFunction<Ring<Integer>> factory) {
        for (int bad : new int[] {0, -1, -8, 3, 6, 1000, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 31}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> factory.apply(bad));
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        assertEquals(1, factory.apply(1).capacity());
        assertEquals(1024, factory.apply(1024).capacity());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rings")
    void emptyRingPollsNull(String name, IntFunction<Ring<Integer>> factory) {
        Ring<Integer> ring = factory.apply(4);
        assertTrue(ring.isEmpty());
        assertEquals(0, ring.size());
        assertEquals(4, ring.freeSpace());
        assertNull(ring.poll());
        assertEquals(0, ring.drain(e -> { throw new AssertionError("nothing to drain"); }, 10));
        assertEquals(0, ring.pollBurst(new Integer[4], 0, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rings")
    void offerReportsFreeSpaceThenFull(String name, IntFunction<Ring<Integer>> factory) {
        Ring<Integer> ring = factory.apply(4);
        assertEquals(3, ring.offer(1));
        assertEquals(2, ring.offer(2));
        assertEquals(1, ring.offer(3));
        assertEquals(0, ring.offer(4));
        assertEquals(Ring.FULL, ring.offer(5));
        assertEquals(4, ring.size());
        assertEquals(0, ring.freeSpace());
        assertEquals(1, ring.poll());
        assertEquals(0, ring.offer(5));
        for (int expected = 2; expected <= 5; expected++) {
            assertEquals(expected, ring.poll());
        }
        assertNull(ring.poll());
        assertTrue(ring.isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rings")
    void nullElementsAreRejectedAndLeaveTheRingUnchanged(String name, IntFunction<Ring<Integer>> factory) {
        Ring<Integer> ring = factory.apply(8);
        ring.offer(7);
        assertThrows(NullPointerException.class, () -> ring.offer(null));
        Integer[] withNull = {1, 2, null, 4};
        NullPointerException e = assertThrows(NullPointerException.class, () -> ring.offerBurst(withNull, 0, 4));
        assertTrue(e.getMessage().contains("index 2"), e.getMessage());
        assertThrows(NullPointerException.class, () -> ring.offerBulk(withNull, 0, 4));
        assertEquals(1, ring.size());
        assertEquals(7, ring.poll());
        assertNull(ring.poll());
        // the elements before the null in range were checked, but a range that excludes it is fine
        assertEquals(2, ring.offerBurst(withNull, 0, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rings")
    void badRangesAreRejected(String name, IntFunction<Ring<Integer>> factory) {
        Ring<Integer> ring = factory.apply(8);
        Integer[] src = {1, 2, 3};
        assertThrows(IndexOutOfBoundsException.class, () -> ring.offerBurst(src, 2, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> ring.offerBulk(src, -1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> ring.pollBurst(new Integer[2], 1, 2));
        assertTrue(ring.isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rings")
    void burstTakesWhatFitsAndBulkAllOrNothing(String name, IntFunction<Ring<Integer>> factory) {
        Ring<Integer> ring = factory.apply(8);
        Integer[] src = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertEquals(5, ring.offerBurst(src, 0, 5));
        assertEquals(Ring.FULL, ring.offerBulk(src, 5, 4)); // only 3 free: nothing goes in
        assertEquals(5, ring.size());
        assertEquals(3, ring.offerBulk(src, 5, 3));
        assertEquals(0, ring.offerBurst(src, 8, 2));        // full: burst takes nothing
        assertEquals(0, ring.offerBurst(src, 0, 0));
        Integer[] dst = new Integer[10];
        assertEquals(8, ring.pollBurst(dst, 1, 9));
        assertArrayEquals(new Integer[] {null, 0, 1, 2, 3, 4, 5, 6, 7, null}, dst);
        assertEquals(2, ring.offerBurst(src, 8, 2));
        assertEquals(8, ring.poll());
        assertEquals(9, ring.poll());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rings")
    void wrapsAroundManyTimesInOrder(String name, IntFunction<Ring<Integer>> factory) {
        Ring<Integer> ring = factory.apply(16);
        int next = 0;
        int expected = 0;
        Integer[] src = new Integer[16];
        Integer[] dst = new Integer[16];
        for (int round = 0; round < 10_000; round++) {
            int burst = 1 + round % 13;
            for (int i = 0; i < burst; i++) {
                src[i] = next + i;
            }
            int in = ring.offerBurst(src, 0, burst);
            next += in;
            int out;
            switch (round % 3) {
                case 0:
                    out = ring.pollBurst(dst, 0, 1 + round % 11);
                    break;
                case 1:
                    List<Integer> drained = new ArrayList<>();
                    out = ring.drain(drained::add, 1 + round % 7);
                    dst = drained.toArray(dst);
                    break;
                default:
                    Integer one = ring.poll();
                    out = one == null ? 0 : 1;
                    dst[0] = one;
                    break;
            }
            for (int i = 0; i < out; i++) {
                assertEquals(expected++, dst[i]);
            }
            assertEquals(next - expected, ring.size());
        }
        Integer rest;
        while ((rest = ring.poll()) != null) {
            assertEquals(expected++, rest);
        }
        assertEquals(next, expected);
        assertTrue(expected > 10_000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rings")
    void drainRespectsLimitAndKeepsConsumedOnHandlerFailure(String name, IntFunction<Ring<Integer>> factory) {
        Ring<Integer> ring = factory.apply(8);
        for (int i = 0; i < 6; i++) {
            ring.offer(i);
        }
        List<Integer> seen = new ArrayList<>();
        assertEquals(2, ring.drain(seen::add, 2));
        assertEquals(List.of(0, 1), seen);
        RuntimeException boom = new RuntimeException("boom");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> ring.drain(e -> {
            seen.add(e);
            if (e == 3) {
                throw boom;
            }
        }, 10));
        assertSame(boom, thrown);
        assertEquals(List.of(0, 1, 2, 3), seen);
        assertEquals(2, ring.size(), "2 and 3 are consumed, 4 and 5 remain");
        assertEquals(6, ring.freeSpace(), "the slots of consumed elements are handed back");
        assertEquals(4, ring.poll());
        assertEquals(5, ring.poll());
        assertFalse(ring.size() > 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rings")
    void capacityOneWorks(String name, IntFunction<Ring<Integer>> factory) {
        Ring<Integer> ring = factory.apply(1);
        for (int i = 0; i < 100; i++) {
            assertEquals(0, ring.offer(i));
            assertEquals(Ring.FULL, ring.offer(-1));
            assertEquals(i, ring.poll());
        }
    }
}
