package io.corepin;

import io.corepin.ring.Ring;

/**
 * The ring publication tests' element: one mutable, plain field, so only the ring's ordering publishes what the
 * producer wrote into it. What a consumer got is reported in the {@link Digits} encoding of the fields, oldest first
 * (a payload whose field is still 0 shows as a 0 or a missing digit).
 */
final class StressPayload {
    /** Plain: written by the producer before it offers the payload. */
    int value;

    /** Polls {@code ring} until it returns {@code null} and encodes the fields of what it got. */
    static int pollAll(Ring<StressPayload> ring) {
        int seen = 0;
        for (StressPayload p = ring.poll(); p != null; p = ring.poll()) {
            seen = seen * 10 + p.value;
        }
        return seen;
    }

    /** Encodes the fields of {@code got[0 .. n)}, continuing {@code seen}. */
    static int append(int seen, StressPayload[] got, int n) {
        for (int i = 0; i < n; i++) {
            seen = seen * 10 + got[i].value;
        }
        return seen;
    }
}
