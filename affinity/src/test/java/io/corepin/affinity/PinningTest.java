package io.corepin.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** Pins a real thread on this machine: to each allowed CPU, checked by reading the mask and sched_getcpu back. */
class PinningTest {

    @Test
    void detectedLayoutIsSane() {
        CpuLayout layout = CpuLayout.detect();
        assertTrue(layout.cpuCount() >= 1);
        assertTrue(layout.allowedCpus().length >= 1);
        for (int cpu : layout.allowedCpus()) {
            assertTrue(cpu < layout.cpuCount(), layout.toString());
        }
    }

    @Test
    void pinsToEachAllowedCpuOrReportsUnpinned() throws Exception {
        BitSet original = Pinning.currentAffinity();
        Thread t = new Thread(() -> {
            for (int cpu : CpuLayout.detect().allowedCpus()) {
                int got = Pinning.pinCurrentThread(cpu);
                BitSet mask = Pinning.currentAffinity();
                BitSet only = new BitSet();
                only.set(cpu);
                if (only.equals(mask)) {
                    assertEquals(cpu, got, "the mask says pinned, so the answer must be the CPU");
                    Thread.yield(); // let the scheduler move us
                    assertEquals(cpu, Pinning.currentCpu(), "running on the pinned CPU");
                } else {
                    assertEquals(AffinityPlan.UNPINNED, got, "the mask says not pinned: " + mask);
                }
            }
        });
        Throwable[] failure = new Throwable[1];
        t.setUncaughtExceptionHandler((th, e) -> failure[0] = e);
        t.start();
        t.join(10_000);
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
        assertEquals(original, Pinning.currentAffinity(), "the test thread itself was not touched");
    }

    @Test
    void unpinnedInIsUnpinnedOut() {
        BitSet before = Pinning.currentAffinity();
        assertEquals(AffinityPlan.UNPINNED, Pinning.pinCurrentThread(AffinityPlan.UNPINNED));
        assertEquals(before, Pinning.currentAffinity());
    }
}
