package io.corepin.examples.resp;

import java.nio.charset.StandardCharsets;

/**
 * One parsed request: its arguments as slices of the buffer it was parsed from (no copy), and where the whole
 * request lies in that buffer (so it can be forwarded to another core as raw bytes). Reused for every request a
 * core parses; valid until the buffer is read into again. Owner thread only.
 */
final class Command {
    byte[] buf;
    int argc;
    int[] off = new int[16];
    int[] len = new int[16];
    /** The raw request: {@code buf[start, end)}. */
    int start;
    int end;
    /** Set by {@link #parseLong(int)} when it returns {@code true}. */
    long number;

    void reset(byte[] buf, int start) {
        this.buf = buf;
        this.start = start;
        this.argc = 0;
    }

    void add(int argOff, int argLen) {
        if (argc == off.length) {
            off = java.util.Arrays.copyOf(off, argc * 2);
            len = java.util.Arrays.copyOf(len, argc * 2);
        }
        off[argc] = argOff;
        len[argc] = argLen;
        argc++;
    }

    /** Whether argument {@code i} equals the ASCII {@code upper} (given in upper case), ignoring case. */
    boolean argIs(int i, String upper) {
        int n = len[i];
        if (n != upper.length()) {
            return false;
        }
        int o = off[i];
        for (int k = 0; k < n; k++) {
            int c = buf[o + k];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != upper.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses argument {@code i} as a signed 64-bit decimal the way Redis does (no spaces, no plus sign, no leading
     * zeros, no overflow) into {@link #number}.
     *
     * @return whether it is one
     */
    boolean parseLong(int i) {
        return parseLong(buf, off[i], len[i]);
    }

    /** {@link #parseLong(int)} over any slice. */
    boolean parseLong(byte[] b, int o, int n) {
        if (n == 0 || n > 20) {
            return false;
        }
        boolean negative = b[o] == '-';
        int k = negative ? 1 : 0;
        if (k == n || (b[o + k] == '0' && n > k + 1) || (negative && b[o + k] == '0')) {
            return false; // "-", leading zero, "-0"
        }
        long v = 0;
        for (; k < n; k++) {
            int d = b[o + k] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return false; // accumulate negatively so Long.MIN_VALUE fits
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return false;
            }
            v = -v;
        }
        number = v;
        return true;
    }

    /** Argument {@code i} as a string (for error messages; may be lossy for binary data). */
    String arg(int i) {
        return new String(buf, off[i], len[i], StandardCharsets.UTF_8);
    }

    /** A copy of argument {@code i}. */
    byte[] copyArg(int i) {
        return java.util.Arrays.copyOfRange(buf, off[i], off[i] + len[i]);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Command[");
        for (int i = 0; i < argc; i++) {
            sb.append(i == 0 ? "" : " ").append(arg(i));
        }
        return sb.append(']').toString();
    }
}
