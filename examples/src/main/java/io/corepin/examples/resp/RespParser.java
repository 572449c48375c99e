package io.corepin.examples.resp;

/**
 * Parses RESP2 requests — arrays of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and inline commands
 * ({@code PING\r\n}) — out of a byte array, without copying the arguments.
 *
 * <p>Resumable: a request that is not complete yet is not parsed again from its first byte when more bytes arrive;
 * the parser remembers where it stopped (the argument found so far, the header it is in, the bulk it waits for) and
 * goes on from there, so a request that arrives in any number of reads costs one pass over its header bytes (a
 * client trickling a 4 MB MSET used to make every read re-parse it from the start: quadratic). Positions are kept
 * relative to the request's first byte, so the caller may move the bytes (compact or grow its buffer) between
 * calls, as long as it passes the request's new start. Bulk payloads are skipped by their length. One parser per
 * connection (and one per core for the batches it runs for others); owner thread only.
 */
final class RespParser {
    /** Returned by {@link #parse} when the request is not complete yet. */
    static final int NEED_MORE = -1;

    /** Longest inline request and longest header line (Redis' PROTO_INLINE_MAX_SIZE). */
    static final int MAX_INLINE = 64 * 1024;

    private static final int START = 0;
    private static final int INLINE = 1;
    private static final int COUNT = 2;
    private static final int BULK_HEADER = 3;
    private static final int BULK_DATA = 4;

    private final int maxBulk;
    private final int maxArgs;
    private final CoreStats stats;

    // The request in progress; every position is relative to its first byte. Plain: owner thread.
    private int phase = START;
    /** Where the current header line (or the inline line) begins. */
    private int header;
    /** Where the search for the end of that line resumes. */
    private int scan;
    private long argsLeft;
    private int bulkLen;
    /** Where the current bulk's payload begins. */
    private int data;

    RespParser(int maxBulk, int maxArgs) {
        this(maxBulk, maxArgs, new CoreStats());
    }

    RespParser(int maxBulk, int maxArgs, CoreStats stats) {
        this.maxBulk = maxBulk;
        this.maxArgs = maxArgs;
        this.stats = stats;
    }

    /**
     * Parses (or goes on parsing) one request that starts at {@code buf[from]} and whose bytes so far are
     * {@code buf[from, to)} into {@code cmd}. After {@link #NEED_MORE}, call again with the same {@code cmd}, the
     * request's (possibly moved) start and more bytes. {@code cmd} holds the arguments only once the request is
     * complete.
     *
     * @return the index just past the request ({@code cmd.argc} may be 0 for an empty request, which is skipped), or
     *     {@link #NEED_MORE}
     * @throws ProtocolException with Redis' message when the bytes are not RESP (the parser starts afresh after it)
     */
    int parse(byte[] buf, int from, int to, Command cmd) {
        try {
            return resume(buf, from, to, cmd);
        } catch (ProtocolException e) {
            phase = START;
            throw e;
        }
    }

    /** Whether a request is partly parsed. */
    boolean inProgress() {
        return phase != START;
    }

    private int resume(byte[] buf, int from, int to, Command cmd) {
        if (phase == START) {
            cmd.reset(buf, from);
            if (from >= to) {
                return NEED_MORE;
            }
            header = 0;
            if (buf[from] == '*') {
                phase = COUNT;
                scan = 1;
            } else {
                phase = INLINE;
                scan = 0;
            }
        }
        final int n = to - from;
        while (true) {
            switch (phase) {
                case INLINE: {
                    int nl = indexOfLf(buf, from + scan, to);
                    if (nl < 0) {
                        if (n > MAX_INLINE) {
                            throw new ProtocolException("Protocol error: too big inline request");
                        }
                        scan = n;
                        return NEED_MORE;
                    }
                    splitInline(buf, from, nl, cmd);
                    return finish(buf, from, nl + 1 - from, cmd);
                }
                case COUNT: {
                    int cr = findCrlf(buf, from + scan, to, from + header + 1);
                    if (cr < 0) {
                        if (n - header > MAX_INLINE) {
                            throw new ProtocolException("Protocol error: too big mbulk count string");
                        }
                        scan = Math.max(header + 1, n - 1); // a CR at the very end is looked at again
                        return NEED_MORE;
                    }
                    long count = parseLength(buf, from + header + 1, cr);
                    if (count == BAD || count > maxArgs) {
                        throw new ProtocolException("Protocol error: invalid multibulk length");
                    }
                    int next = cr + 2 - from;
                    if (count <= 0) { // "*0", "*-1": an empty request, skipped as Redis does
                        return finish(buf, from, next, cmd);
                    }
                    argsLeft = count;
                    header = next;
                    scan = next + 1;
                    phase = BULK_HEADER;
                    break;
                }
                case BULK_HEADER: {
                    if (header >= n) {
                        return NEED_MORE;
                    }
                    byte b = buf[from + header];
                    if (b != '$') {
                        throw new ProtocolException("Protocol error: expected '$', got '" + printable(b) + "'");
                    }
                    int cr = findCrlf(buf, from + scan, to, from + header + 1);
                    if (cr < 0) {
                        if (n - header > MAX_INLINE) {
                            throw new ProtocolException("Protocol error: too big bulk count string");
                        }
                        scan = Math.max(header + 1, n - 1);
                        return NEED_MORE;
                    }
                    long len = parseLength(buf, from + header + 1, cr);
                    if (len < 0 || len > maxBulk) { // BAD is negative too
                        throw new ProtocolException("Protocol error: invalid bulk length");
                    }
                    bulkLen = (int) len;
                    data = cr + 2 - from;
                    phase = BULK_DATA;
                    break;
                }
                case BULK_DATA: {
                    long end = (long) data + bulkLen;
                    if (end + 2 > n) {
                        return NEED_MORE; // O(1): the payload is skipped by its length
                    }
                    int e = from + (int) end;
                    if (buf[e] != '\r' || buf[e + 1] != '\n') {
                        throw new ProtocolException("Protocol error: bulk string of length " + bulkLen
                            + " not followed by CRLF");
                    }
                    cmd.add(data, bulkLen); // relative until the request is complete
                    if (--argsLeft == 0) {
                        return finish(buf, from, (int) end + 2, cmd);
                    }
                    header = (int) end + 2;
                    scan = header + 1;
                    phase = BULK_HEADER;
                    break;
                }
                default:
                    throw new IllegalStateException("parser phase " + phase);
            }
        }
    }

    /** The request is complete: its argument positions become indexes into {@code buf}. */
    private int finish(byte[] buf, int from, int length, Command cmd) {
        phase = START;
        cmd.buf = buf;
        cmd.start = from;
        for (int i = 0; i < cmd.argc; i++) {
            cmd.off[i] += from;
        }
        cmd.end = from + length;
        return cmd.end;
    }

    /** Splits the complete inline line {@code buf[from, nl)} into arguments (relative positions). */
    private void splitInline(byte[] buf, int from, int nl, Command cmd) {
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
                cmd.add(s - from, i - s);
            }
        }
    }

    /** Index of the first LF in {@code [from, to)}, or -1; counts what it examined. */
    private int indexOfLf(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                stats.parseScanned += i - from + 1;
                return i;
            }
        }
        stats.parseScanned += Math.max(0, to - from);
        return -1;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    /**
     * Index of the CR of the first CRLF in {@code [from, to)} of the header line that begins at {@code lineStart}
     * (looked at no further than {@link #MAX_INLINE} past it), or -1. A CR not followed by LF is an error. Counts
     * what it examined.
     */
    private int findCrlf(byte[] buf, int from, int to, int lineStart) {
        int limit = Math.min(to, lineStart + MAX_INLINE + 1);
        for (int i = from; i < limit; i++) {
            if (buf[i] == '\r') {
                stats.parseScanned += i - from + 1;
                if (i + 1 >= to) {
                    return -1;
                }
                if (buf[i + 1] != '\n') {
                    throw new ProtocolException("Protocol error: CR not followed by LF in a header line");
                }
                return i;
            }
        }
        stats.parseScanned += Math.max(0, limit - from);
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
