package io.corepin.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AffinityPlanTest {

    /** 8 CPUs: 4 physical cores with two hyperthreads each, siblings numbered n and n+4 (the usual Linux order). */
    private static final int[] HT_CORES = {0, 1, 2, 3, 0, 1, 2, 3};
    /** 8 CPUs, no hyperthreading. */
    private static final int[] FLAT_8 = {0, 1, 2, 3, 4, 5, 6, 7};

    private static CpuLayout layout(String allowed, int[] cores) {
        return CpuLayout.of(CpuList.parse(allowed), cores);
    }

    private static int[] cpus(AffinityPlan plan) {
        return IntStream.range(0, plan.execCount()).map(plan::cpuFor).toArray();
    }

    private static void assertMentions(AffinityPlan plan, String text) {
        assertTrue(plan.describe().contains(text), "expected \"" + text + "\" in: " + plan.describe());
    }

    @Test
    void autoSkipsCpu0WhenTheOthersSuffice() {
        AffinityPlan plan = AffinityPlan.auto(3, layout("0-7", FLAT_8));
        assertArrayEquals(new int[] {1, 2, 3}, cpus(plan));
        assertMentions(plan, "CPU 0 skipped");
        // exactly enough without CPU 0
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7}, cpus(AffinityPlan.auto(7, layout("0-7", FLAT_8))));
    }

    @Test
    void autoUsesCpu0WhenShortOfCpusAndSaysSo() {
        AffinityPlan plan = AffinityPlan.auto(2, layout("0-1", new int[] {0, 1}));
        assertArrayEquals(new int[] {0, 1}, cpus(plan));
        assertMentions(plan, "CPU 0 used");
        assertMentions(plan, "only 1 allowed CPU for 2 Execs");
        assertFalse(plan.describe().contains("unpinned"), plan.describe());
    }

    @Test
    void skippingCpu0CanBeTurnedOff() {
        AffinityPlan plan = AffinityPlan.auto(3, false, layout("0-7", FLAT_8));
        assertArrayEquals(new int[] {0, 1, 2}, cpus(plan));
        assertMentions(plan, "CPU 0 used (skipping it was turned off)");
    }

    @Test
    void cpu0OutsideTheAllowedSetIsNeverUsed() {
        AffinityPlan plan = AffinityPlan.auto(2, false, layout("2-3", FLAT_8));
        assertArrayEquals(new int[] {2, 3}, cpus(plan));
        assertFalse(plan.describe().contains("CPU 0"), plan.describe());
    }

    @Test
    void autoPrefersWholeCoresBeforeHyperthreadSiblings() {
        // cores 1,2,3 via cpus 1,2,3, then core 0 via cpu 4 (cpu 0 skipped): no two Execs share a core
        AffinityPlan four = AffinityPlan.auto(4, layout("0-7", HT_CORES));
        assertArrayEquals(new int[] {1, 2, 3, 4}, cpus(four));
        assertFalse(four.describe().contains("siblings"), four.describe());
        assertMentions(four, "CPU 4 shares a physical core with CPU 0");
        assertFalse(AffinityPlan.auto(3, layout("0-7", HT_CORES)).describe().contains("shares"));
        // the fifth has to share: the lowest remaining sibling, cpu 5
        AffinityPlan five = AffinityPlan.auto(5, layout("0-7", HT_CORES));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5}, cpus(five));
        assertMentions(five, "hyperthread siblings");
    }

    @Test
    void siblingsAvoidedWithinARestrictedCpuset() {
        // allowed 1,2,5,6: cpus 1/5 and 2/6 are siblings; two Execs go to different cores
        AffinityPlan plan = AffinityPlan.auto(2, layout("1-2,5-6", HT_CORES));
        assertArrayEquals(new int[] {1, 2}, cpus(plan));
        // with a layout listing siblings adjacently (0/1, 2/3, ...), ascending order alone would pair them
        int[] adjacent = {0, 0, 1, 1, 2, 2, 3, 3};
        assertArrayEquals(new int[] {2, 4, 6}, cpus(AffinityPlan.auto(3, layout("0-7", adjacent))));
        assertArrayEquals(new int[] {2, 4, 6, 1}, cpus(AffinityPlan.auto(4, layout("0-7", adjacent))));
    }

    @Test
    void extraExecsAreUnpinnedNeverDoubledUp() {
        AffinityPlan plan = AffinityPlan.auto(4, layout("2,5", HT_CORES));
        assertArrayEquals(new int[] {2, 5, AffinityPlan.UNPINNED, AffinityPlan.UNPINNED}, cpus(plan));
        assertMentions(plan, "2 of 4 Execs unpinned");
        assertMentions(plan, "exec3->unpinned");
        // CPU 0 is used before anyone goes unpinned
        AffinityPlan tight = AffinityPlan.auto(3, layout("0-1", new int[] {0, 1}));
        assertArrayEquals(new int[] {0, 1, AffinityPlan.UNPINNED}, cpus(tight));
        assertMentions(tight, "CPU 0 used");
        assertMentions(tight, "1 of 3 Execs unpinned");
        long distinct = IntStream.of(cpus(tight)).filter(c -> c >= 0).distinct().count();
        assertEquals(2, distinct);
    }

    @Test
    void ofTakesTheListExactly() {
        AffinityPlan plan = AffinityPlan.of(layout("0-3", FLAT_8), 3, 0, 1);
        assertArrayEquals(new int[] {3, 0, 1}, cpus(plan));
        assertMentions(plan, "exec1->cpu0");
    }

    @Test
    void ofRejectsBadListsNamingTheValueAndTheAllowedCpus() {
        CpuLayout l = layout("0-3", FLAT_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.of(l, 1, 6));
        assertTrue(e.getMessage().contains("CPU 6") && e.getMessage().contains("allowed CPUs are 0-3"),
            e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.of(l, 1, 2, 1));
        assertTrue(e.getMessage().contains("CPU 1 is listed twice") && e.getMessage().contains("0-3"),
            e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.of(l, -2));
        assertTrue(e.getMessage().contains("-2") && e.getMessage().contains("0-3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.of(l, AffinityPlan.UNPINNED));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.of(l));
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("0-3"), e.getMessage());
        assertThrows(NullPointerException.class, () -> AffinityPlan.of(l, (int[]) null));
    }

    @Test
    void ofChecksAgainstThisProcessByDefault() {
        int[] allowed = AllowedCpus.detect().stream().toArray();
        assertArrayEquals(allowed, cpus(AffinityPlan.of(allowed)));
        int outside = allowed[allowed.length - 1] + 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.of(outside));
        assertTrue(e.getMessage().contains("CPU " + outside), e.getMessage());
    }

    @Test
    void execCountMustBePositive() {
        CpuLayout l = layout("0-3", FLAT_8);
        for (int bad : new int[] {0, -3, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.auto(bad));
            assertTrue(e.getMessage().contains("execs=" + bad), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.auto(bad, false, l));
            assertTrue(e.getMessage().contains("execs=" + bad), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> AffinityPlan.unpinned(bad));
            assertTrue(e.getMessage().contains("execs=" + bad), e.getMessage());
        }
    }

    @Test
    void unpinnedPlans() {
        AffinityPlan plan = AffinityPlan.unpinned(2);
        assertArrayEquals(new int[] {AffinityPlan.UNPINNED, AffinityPlan.UNPINNED}, cpus(plan));
        assertMentions(plan, "exec0->unpinned, exec1->unpinned");
    }

    @Test
    void cpuForChecksTheIndex() {
        AffinityPlan plan = AffinityPlan.unpinned(2);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> plan.cpuFor(2));
        assertTrue(e.getMessage().contains("Exec index 2") && e.getMessage().contains("0-1"), e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> plan.cpuFor(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void autoOnThisMachine() {
        CpuLayout layout = CpuLayout.detect();
        int n = layout.allowedCpus().length;
        AffinityPlan plan = AffinityPlan.auto(n);
        System.out.println("[AffinityPlanTest] " + plan.describe());
        assertEquals(n, IntStream.of(cpus(plan)).filter(c -> c >= 0).distinct().count(), plan.describe());
        IntStream.of(cpus(plan)).forEach(c -> assertTrue(layout.isAllowed(c), plan.describe()));
    }
}
