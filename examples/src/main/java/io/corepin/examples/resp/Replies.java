package io.corepin.examples.resp;

import java.util.Arrays;

/**
 * Reads the few reply shapes that cores send each other for split commands: an integer, an array of integers, an
 * array of bulk strings. The bytes were written by this server, so a shape that does not match is a bug and throws.
 */
final class Replies {
    private Replies() {
    }

    /** {@code :n\r\n} → n. */
    static long integer(byte[] r) {
        return integerAt(r, 0, ':');
    }

    /** {@code *k\r\n:n1\r\n...} → the integers. */
    static long[] integers(byte[] r) {
        int k = (int) integerAt(r, 0, '*');
        long[] out = new long[k];
        int pos = lineEnd(r, 0) + 2;
        for (int i = 0; i < k; i++) {
            out[i] = integerAt(r, pos, ':');
            pos = lineEnd(r, pos) + 2;
        }
        return out;
    }

    /** {@code *k\r\n} then k bulk strings (or nulls) → each element's raw bytes, header included. */
    static byte[][] arrayElements(byte[] r) {
        int k = (int) integerAt(r, 0, '*');
        byte[][] out = new byte[k][];
        int pos = lineEnd(r, 0) + 2;
        for (int i = 0; i < k; i++) {
            long len = integerAt(r, pos, '$');
            int end = lineEnd(r, pos) + 2 + (len < 0 ? 0 : (int) len + 2);
            out[i] = Arrays.copyOfRange(r, pos, end);
            pos = end;
        }
        return out;
    }

    private static long integerAt(byte[] r, int pos, char type) {
        if (r[pos] != type) {
            throw new IllegalStateException("expected '" + type + "' at " + pos + " of a core's reply, got '"
                + (char) r[pos] + "'");
        }
        int end = lineEnd(r, pos);
        boolean negative = r[pos + 1] == '-';
        long v = 0;
        for (int i = pos + (negative ? 2 : 1); i < end; i++) {
            v = v * 10 + (r[i] - '0');
        }
        return negative ? -v : v;
    }

    private static int lineEnd(byte[] r, int from) {
        for (int i = from; i < r.length - 1; i++) {
            if (r[i] == '\r' && r[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("no CRLF after " + from + " in a core's reply");
    }
}
