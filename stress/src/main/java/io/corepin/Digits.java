package io.corepin;

import io.corepin.ring.Ring;

/**
 * The digit encoding of the ring tests: their elements are the small boxed ints 1..9, and a sequence that a consumer
 * saw is reported as one decimal number, oldest first: {@code 0} is "nothing", {@code 12} is "1 then 2", {@code 21}
 * is "2 then 1". An outcome therefore shows both what was seen and in which order.
 */
final class Digits {
    private Digits() {
    }

    /** Drains {@code ring} once (one {@link Ring#drain} call, up to its capacity) and encodes what it handed over. */
    static int drain(Ring<Integer> ring) {
        final int[] seen = {0};
        ring.drain(e -> seen[0] = seen[0] * 10 + e, ring.capacity());
        return seen[0];
    }

    /** Polls {@code ring} until it returns {@code null} and encodes what it got. */
    static int pollAll(Ring<Integer> ring) {
        int seen = 0;
        for (Integer e = ring.poll(); e != null; e = ring.poll()) {
            seen = seen * 10 + e;
        }
        return seen;
    }
}
