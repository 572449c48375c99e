package io.corepin.affinity;

import java.util.BitSet;

/**
 * The Linux CPU-list syntax ({@code "0-3,5,7-8"}) used by cpusets, {@code /proc/self/status},
 * {@code /sys/devices/system/cpu/online} and {@code isolcpus}.
 */
final class CpuList {
    /** CPU ids at or above this are rejected: no Linux build supports them, and they would blow up a BitSet. */
    static final int MAX_CPU_ID = 1 << 16;

    private CpuList() {
    }

    /**
     * Parses a CPU list. Whitespace around entries and a trailing newline are ignored; blank text is the empty set.
     *
     * @throws IllegalArgumentException naming the text if it is not a CPU list
     */
    static BitSet parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("not a CPU list: null");
        }
        BitSet cpus = new BitSet();
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return cpus;
        }
        for (String part : trimmed.split(",", -1)) {
            String p = part.strip();
            try {
                int dash = p.indexOf('-');
                if (dash < 0) {
                    cpus.set(cpuId(p));
                } else {
                    int from = cpuId(p.substring(0, dash).strip());
                    int to = cpuId(p.substring(dash + 1).strip());
                    if (to < from) {
                        throw new IllegalArgumentException("range runs backwards");
                    }
                    cpus.set(from, to + 1);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a CPU list: \"" + trimmed + "\" (at \"" + p + "\": "
                    + e.getMessage() + ")", e);
            }
        }
        return cpus;
    }

    /** A decimal CPU id: digits only (no sign, no hex), below {@link #MAX_CPU_ID}. */
    private static int cpuId(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("missing CPU id");
        }
        if (s.length() > 6) {
            throw new IllegalArgumentException("CPU id too large");
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("'" + c + "' is not a digit");
            }
            v = v * 10 + (c - '0');
        }
        if (v >= MAX_CPU_ID) {
            throw new IllegalArgumentException("CPU id too large");
        }
        return v;
    }

    /** Formats a set in the same syntax, ranges collapsed: {0,1,2,5} → {@code "0-2,5"}; the empty set is "". */
    static String format(BitSet cpus) {
        StringBuilder sb = new StringBuilder();
        for (int from = cpus.nextSetBit(0); from >= 0; ) {
            int to = cpus.nextClearBit(from) - 1;
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(from);
            if (to > from) {
                sb.append('-').append(to);
            }
            from = cpus.nextSetBit(to + 1);
        }
        return sb.toString();
    }

    /** {@link #format} for display: the empty set shows as {@code "none"}. */
    static String show(BitSet cpus) {
        return cpus == null || cpus.isEmpty() ? "none" : format(cpus);
    }
}
