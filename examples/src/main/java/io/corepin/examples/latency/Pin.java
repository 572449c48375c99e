package io.corepin.examples.latency;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.Pinning;

/** Shared helpers of the contenders for pinning and describing where their threads run. */
final class Pin {
    private Pin() {
    }

    /** Pins the calling thread to {@code cpu} (or leaves it alone for {@link AffinityPlan#UNPINNED}). */
    static int self(int cpu) {
        return Pinning.pinCurrentThread(cpu);
    }

    /** {@code "cpu0 <-> cpu1"}, with {@code "unpinned"} for a thread that did not get its CPU. */
    static String placement(int initiatorCpu, int responderCpu) {
        return show(initiatorCpu) + " <-> " + show(responderCpu);
    }

    private static String show(int cpu) {
        return cpu == AffinityPlan.UNPINNED ? "unpinned" : "cpu" + cpu;
    }
}
