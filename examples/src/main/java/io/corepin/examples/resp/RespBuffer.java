package io.corepin.examples.resp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer of RESP2 (replies, or requests forwarded to another core): writers append at the tail, the
 * reader (a socket writer, or a core executing forwarded requests) consumes from the head.
 * Not thread-safe: it belongs to one core at a time (a reply built on another core is handed over through an
 * Exec's ring, whose release/acquire publication makes the plain writes visible).
 */
final class RespBuffer {
    static final byte[] OK = bytes("+OK\r\n");
    static final byte[] PONG = bytes("+PONG\r\n");
    static final byte[] NULL_BULK = bytes("$-1\r\n");
    static final byte[] ZERO = bytes(":0\r\n");
    static final byte[] ONE = bytes(":1\r\n");
    static final byte[] CRLF = bytes("\r\n");

    private static final int SHRINK_ABOVE = 64 * 1024;
    private static final byte[] MIN_LONG = bytes("-9223372036854775808");

    /**
     * What a buffer's heap is charged to: told of every change of its capacity, a growth before it is allocated
     * (and may refuse it by throwing {@link LimitExceeded}). Called on the thread that writes the buffer.
     */
    interface Budget {
        void grow(long bytes);

        void shrink(long bytes);
    }

    private final int initialCapacity;
    private final Budget budget;
    private byte[] buf;
    private int head;
    private int tail;

    RespBuffer(int initialCapacity) {
        this(initialCapacity, null);
    }

    /** A buffer whose capacity (the initial one included) is charged to {@code budget} (null: none). */
    RespBuffer(int initialCapacity, Budget budget) {
        this.initialCapacity = initialCapacity;
        this.budget = budget;
        if (budget != null) {
            budget.grow(initialCapacity);
        }
        this.buf = new byte[initialCapacity];
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The backing array: unconsumed bytes are {@code array()[start(), end())}; valid until the next write. */
    byte[] array() {
        return buf;
    }

    int start() {
        return head;
    }

    int end() {
        return tail;
    }

    /** Unconsumed bytes. */
    int readable() {
        return tail - head;
    }

    boolean isEmpty() {
        return head == tail;
    }

    /** Bytes of heap held (for the leak accounting in INFO). */
    int capacity() {
        return buf.length;
    }

    // -------------------------------------------------------------------------------------------------- writers

    void raw(byte[] b) {
        raw(b, 0, b.length);
    }

    void raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, tail, len);
        tail += len;
    }

    /** Everything unconsumed in {@code other}, which is left untouched. */
    void raw(RespBuffer other) {
        raw(other.buf, other.head, other.readable());
    }

    /** {@code +text\r\n}; text must not contain CR or LF. */
    void simple(String text) {
        byte[] b = bytes(text);
        ensure(b.length + 3);
        buf[tail++] = '+';
        raw(b);
        crlf();
    }

    /** {@code -text\r\n} with CR and LF in the text replaced by spaces, as Redis does. */
    void error(String text) {
        byte[] b = bytes(text);
        ensure(b.length + 3);
        buf[tail++] = '-';
        for (byte c : b) {
            buf[tail++] = c == '\r' || c == '\n' ? (byte) ' ' : c;
        }
        crlf();
    }

    void integer(long v) {
        if (v == 0) {
            raw(ZERO);
        } else if (v == 1) {
            raw(ONE);
        } else {
            prefixed((byte) ':', v);
        }
    }

    void bulk(byte[] b) {
        if (b == null) {
            raw(NULL_BULK);
        } else {
            bulk(b, 0, b.length);
        }
    }

    void bulk(byte[] b, int off, int len) {
        ensure(len + 16);
        prefixed((byte) '$', len);
        System.arraycopy(b, off, buf, tail, len);
        tail += len;
        crlf();
    }

    void bulk(String s) {
        bulk(bytes(s));
    }

    void arrayHeader(int n) {
        prefixed((byte) '*', n);
    }

    /** {@code type}, the decimal {@code v}, CRLF; digits written in place, no allocation. */
    private void prefixed(byte type, long v) {
        ensure(24);
        buf[tail++] = type;
        if (v == Long.MIN_VALUE) {
            raw(MIN_LONG);
        } else {
            if (v < 0) {
                buf[tail++] = '-';
                v = -v;
            }
            int digits = 1;
            for (long t = v; t >= 10; t /= 10) {
                digits++;
            }
            for (int i = tail + digits - 1; i >= tail; i--) {
                buf[i] = (byte) ('0' + (int) (v % 10));
                v /= 10;
            }
            tail += digits;
        }
        crlf();
    }

    private void crlf() {
        ensure(2);
        buf[tail++] = '\r';
        buf[tail++] = '\n';
    }

    private void ensure(int more) {
        if (buf.length - tail >= more) {
            return;
        }
        if (head > 0 && buf.length - readable() >= more && head >= buf.length / 2) {
            compact();
            return;
        }
        long needed = (long) readable() + more;
        if (needed > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("reply buffer would exceed 2 GiB: " + needed + " bytes");
        }
        int cap = Math.max(buf.length, 64);
        while (cap < needed) {
            cap = cap > (Integer.MAX_VALUE - 16) / 2 ? Integer.MAX_VALUE - 16 : cap << 1;
        }
        if (budget != null) {
            try {
                budget.grow(cap - buf.length); // may refuse: nothing is allocated then
            } catch (LimitExceeded doubledDoesNotFit) {
                if (cap == needed) {
                    throw doubledDoesNotFit;
                }
                cap = (int) needed; // near the limit: just what is needed, or refused again
                budget.grow(cap - buf.length);
            }
        }
        byte[] grown = new byte[cap];
        System.arraycopy(buf, head, grown, 0, readable());
        tail = readable();
        head = 0;
        buf = grown;
    }

    private void compact() {
        int n = readable();
        System.arraycopy(buf, head, buf, 0, n);
        head = 0;
        tail = n;
    }

    // -------------------------------------------------------------------------------------------------- readers

    /** Copies up to {@code dst.remaining()} unconsumed bytes into dst without consuming them; returns how many. */
    int peekInto(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), readable());
        dst.put(buf, head, n);
        return n;
    }

    /** Consumes {@code n} bytes; once empty, a large buffer goes back to its initial size. */
    void consume(int n) {
        head += n;
        if (head == tail) {
            head = 0;
            tail = 0;
            if (buf.length > SHRINK_ABOVE && buf.length > initialCapacity) {
                if (budget != null) {
                    budget.shrink(buf.length - initialCapacity);
                }
                buf = new byte[initialCapacity];
            }
        }
    }

    /** Keeps only the first {@code readable} unconsumed bytes (a {@link #readable()} taken earlier, no consume since). */
    void truncate(int readable) {
        tail = head + readable;
    }

    /** Forgets everything. */
    void clear() {
        consume(readable());
    }

    /** A copy of the unconsumed bytes (tests and debugging). */
    byte[] toArray() {
        return Arrays.copyOfRange(buf, head, tail);
    }

    @Override
    public String toString() {
        return new String(buf, head, readable(), StandardCharsets.UTF_8);
    }
}
