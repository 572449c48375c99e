package io.corepin.stress.ring;

import io.corepin.ring.Ring;

/** The digit encoding of the package doc: a consumed sequence of elements 1..9 as one decimal number, oldest first. */
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
