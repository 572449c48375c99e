package io.corepin.examples.resp;

/**
 * Parses RESP2 requests — arrays of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and inline commands
 * ({@code PING\r\n}) — out of a byte array, without copying the arguments.
 *
 * <p>Stateless: a request that is not complete yet is parsed again from its first byte when more bytes arrived.
 * Only the short header lines are scanned; bulk payloads are skipped by their length, so a 1 MB value that arrives in
 * sixteen reads costs sixteen short header scans, not sixteen megabyte scans.
 */
final class RespParser {
    /** Returned by {@link #parse} when the request is not complete yet. */
    static final int NEED_MORE = -1;

    /** Longest inline request and longest header line (Redis' PROTO_INLINE_MAX_SIZE). */
    static final int MAX_INLINE = 64 * 1024;

    private final int maxBulk;
    private final int maxArgs;
    private final CoreStats stats;

    RespParser(int maxBulk, int maxArgs) {
        this(maxBulk, maxArgs, new CoreStats());
    }

    RespParser(int maxBulk, int maxArgs, CoreStats stats) {
        this.maxBulk = maxBulk;
        this.maxArgs = maxArgs;
        this.stats = stats;
    }

    /**
     * Parses one request from {@code buf[from, to)} into {@code cmd}.
     *
     * @return the index just past the request ({@code cmd.argc} may be 0 for an empty request, which is skipped), or
     *     {@link #NEED_MORE}
     * @throws ProtocolException with Redis' message when the bytes are not RESP
     */
    int parse(byte[] buf, int from, int to, Command cmd) {
        cmd.reset(buf, from);
        if (from >= to) {
            return NEED_MORE;
        }
        int end = buf[from] == '*' ? parseMultibulk(buf, from, to, cmd) : parseInline(buf, from, to, cmd);
        cmd.end = end;
        return end;
    }

    private int parseMultibulk(byte[] buf, int from, int to, Command cmd) {
        int lineEnd = findCrlf(buf, from + 1, to);
        if (lineEnd < 0) {
            if (to - from > MAX_INLINE) {
                throw new ProtocolException("Protocol error: too big mbulk count string");
            }
            return NEED_MORE;
        }
        long count = parseLength(buf, from + 1, lineEnd);
        if (count == BAD || count > maxArgs) {
            throw new ProtocolException("Protocol error: invalid multibulk length");
        }
        int pos = lineEnd + 2;
        for (long i = 0; i < count; i++) { // count <= 0 ("*0", "*-1") is an empty request, skipped as Redis does
            if (pos >= to) {
                return NEED_MORE;
            }
            if (buf[pos] != '$') {
                throw new ProtocolException("Protocol error: expected '$', got '" + printable(buf[pos]) + "'");
            }
            lineEnd = findCrlf(buf, pos + 1, to);
            if (lineEnd < 0) {
                if (to - pos > MAX_INLINE) {
                    throw new ProtocolException("Protocol error: too big bulk count string");
                }
                return NEED_MORE;
            }
            long n = parseLength(buf, pos + 1, lineEnd);
            if (n < 0 || n > maxBulk) { // BAD is negative too
                throw new ProtocolException("Protocol error: invalid bulk length");
            }
            int dataStart = lineEnd + 2;
            long dataEnd = dataStart + n;
            if (dataEnd + 2 > to) {
                return NEED_MORE;
            }
            if (buf[(int) dataEnd] != '\r' || buf[(int) dataEnd + 1] != '\n') {
                throw new ProtocolException("Protocol error: bulk string of length " + n + " not followed by CRLF");
            }
            cmd.add(dataStart, (int) n);
            pos = (int) dataEnd + 2;
        }
        return pos;
    }

    private int parseInline(byte[] buf, int from, int to, Command cmd) {
        int nl = -1;
        int i0 = from;
        for (; i0 < to; i0++) {
            if (buf[i0] == '\n') {
                nl = i0;
                break;
            }
        }
        stats.parseScanned += i0 - from;
        if (nl < 0) {
            if (to - from > MAX_INLINE) {
                throw new ProtocolException("Protocol error: too big inline request");
            }
            return NEED_MORE;
        }
        int lineEnd = nl > from && buf[nl - 1] == '\r' ? nl - 1 : nl;
        int i = from;
        while (i < lineEnd) {
            while (i < lineEnd && isSpace(buf[i])) {
                i++;
            }
            int s = i;
            while (i < lineEnd && !isSpace(buf[i])) {
                if (buf[i] == '"' || buf[i] == '\'') {
                    throw new ProtocolException("Protocol error: quoted inline arguments are not supported");
                }
                i++;
            }
            if (i > s) {
                if (cmd.argc >= maxArgs) {
                    throw new ProtocolException("Protocol error: invalid multibulk length");
                }
                cmd.add(s, i - s);
            }
        }
        return nl + 1;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** Index of the CR of the first CRLF in {@code [from, to)}, or -1. A CR not followed by LF is an error. */
    private int findCrlf(byte[] buf, int from, int to) {
        int limit = Math.min(to, from + MAX_INLINE + 1);
        for (int i = from; i < limit; i++) {
            stats.parseScanned++;
            if (buf[i] == '\r') {
                if (i + 1 >= to) {
                    return -1;
                }
                if (buf[i + 1] != '\n') {
                    throw new ProtocolException("Protocol error: CR not followed by LF in a header line");
                }
                return i;
            }
        }
        return -1;
    }

    private static final long BAD = Long.MIN_VALUE;

    /** A decimal in {@code [from, to)}: -1 allowed (null), otherwise digits only, at most 10 of them; else BAD. */
    private static long parseLength(byte[] buf, int from, int to) {
        int n = to - from;
        if (n == 2 && buf[from] == '-' && buf[from + 1] == '1') {
            return -1;
        }
        if (n == 0 || n > 10) {
            return BAD;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                return BAD;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static String printable(byte b) {
        return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
