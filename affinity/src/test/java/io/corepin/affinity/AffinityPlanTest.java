package io.corepin.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AffinityPlanTest {

    /** 8 CPUs: 4 physical cores with two hyperthreads each, siblings numbered n and n+4 (the usual Linux order). */
    private static final int[] HT_CORES = {0, 1, 2, 3, 0, 1, 2, 3};

    private static CpuLayout layout(String allowed, int[] cores) {
        return CpuLayout.of(CpuList.parse(allowed), cores);
    }

    private static int[] cpus(AffinityPlan plan) {
        return IntStream.range(0, plan.execCount()).map(plan::cpuFor).toArray();
    }

    @Test
    void autoSkipsCpu0WhenTheOthersSuffice() {
        AffinityPlan plan = AffinityPlan.auto(3, true, layout("0-7", HT_CORES));
        assertArrayEquals(new int[] {1, 2, 3}, cpus(plan));
        assertTrue(plan.describe().contains("CPU 0 skipped"), plan.describe());
    }

    @Test
    void autoUsesCpu0WhenShortOfCpus() {
        AffinityPlan plan = AffinityPlan.auto(2, true, layout("0-1", new int[] {0, 1}));
        assertArrayEquals(new int[] {0, 1}, cpus(plan));
        assertTrue(plan.describe().contains("CPU 0 used"), plan.describe());
        assertArrayEquals(new int[] {0, 1}, cpus(AffinityPlan.auto(2, false, layout("0-1", new int[] {0, 1}))));
    }

    @Test
    void autoPrefersWholeCoresBeforeHyperthreadSiblings() {
        AffinityPlan plan = AffinityPlan.auto(5, true, layout("0-7", HT_CORES));
        // cores 1,2,3 via cpus 1,2,3; core 0 via cpu 4 (cpu 0 skipped); then the first sibling, cpu 5
        assertArrayEquals(new int[] {1, 2, 3, 4, 5}, cpus(plan));
        assertTrue(plan.describe().contains("siblings"), plan.describe());
    }

    @Test
    void autoHonoursTheAllowedSetAndLeavesExtrasUnpinned() {
        AffinityPlan plan = AffinityPlan.auto(4, true, layout("2,5", HT_CORES));
        assertArrayEquals(new int[] {2, 5, AffinityPlan.UNPINNED, AffinityPlan.UNPINNED}, cpus(plan));
        assertTrue(plan.describe().contains("2 Execs unpinned"), plan.describe());
    }

    @Test
    void ofTakesTheListExactly() {
        assertArrayEquals(new int[] {3, 1}, cpus(AffinityPlan.of(layout("0-3", new int[] {0, 1, 2, 3}), 3, 1)));
    }

    @Test
    void ofRejectsBadListsNamingTheValue() {
        CpuLayout l = layout("0-3", new int[] {0, 1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.of(l, 1, 9));
        assertTrue(e.getMessage().contains("CPU 9") && e.getMessage().contains("0-3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.of(l, 1, 2, 1));
        assertTrue(e.getMessage().contains("CPU 1 is listed twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.of(l, -2));
        assertTrue(e.getMessage().contains("-2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.of(l));
        assertTrue(e.getMessage().contains("at least one CPU"), e.getMessage());
    }

    @Test
    void execCountMustBePositive() {
        for (int bad : new int[] {0, -3}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.auto(bad));
            assertTrue(e.getMessage().contains("got " + bad), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.unpinned(bad));
            assertTrue(e.getMessage().contains("got " + bad), e.getMessage());
        }
    }

    @Test
    void cpuForChecksTheIndex() {
        AffinityPlan plan = AffinityPlan.unpinned(2);
        assertEquals(AffinityPlan.UNPINNED, plan.cpuFor(1));
        assertThrows(IndexOutOfBoundsException.class, () -> plan.cpuFor(2));
    }

    @Test
    void layoutRejectsAnAllowedSetOutsideTheMachine() {
        BitSet allowed = CpuList.parse("0,9");
        assertThrows(IllegalArgumentException.class, () -> CpuLayout.of(allowed, new int[] {0, 1}));
    }
}
