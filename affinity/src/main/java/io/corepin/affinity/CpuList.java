package io.corepin.affinity;

import java.util.BitSet;

/** The Linux CPU-list syntax ({@code "0-3,5,7-8"}) used by cpusets, {@code /proc/self/status} and isolcpus. */
final class CpuList {
    private CpuList() {
    }

    /**
     * Parses a CPU list. Blank text is the empty set.
     *
     * @throws IllegalArgumentException naming the text if it is not a CPU list
     */
    static BitSet parse(String text) {
        BitSet cpus = new BitSet();
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return cpus;
        }
        for (String part : trimmed.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                if (dash < 0) {
                    cpus.set(nonNegative(p));
                } else {
                    int from = nonNegative(p.substring(0, dash).trim());
                    int to = nonNegative(p.substring(dash + 1).trim());
                    if (to < from) {
                        throw new IllegalArgumentException("range runs backwards");
                    }
                    cpus.set(from, to + 1);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a CPU list: \"" + text.trim() + "\" (at \"" + p + "\": "
                    + e.getMessage() + ")", e);
            }
        }
        return cpus;
    }

    private static int nonNegative(String s) {
        int v = Integer.parseInt(s);
        if (v < 0) {
            throw new IllegalArgumentException("negative CPU id");
        }
        return v;
    }

    /** Formats a set in the same syntax, ranges collapsed: {0,1,2,5} → {@code "0-2,5"}. */
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
}
