package io.corepin.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan.Numa;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Default plans on machines with isolated / nohz_full CPUs and several NUMA nodes, read from a fake /sys. */
class IsolationNumaPlanTest {

    /** 8 CPUs, no hyperthreading. */
    private static final int[] FLAT_8 = {0, 1, 2, 3, 4, 5, 6, 7};
    /** 8 CPUs: 4 physical cores with two hyperthreads each, siblings n and n+4. */
    private static final int[] HT_CORES = {0, 1, 2, 3, 0, 1, 2, 3};

    @TempDir
    Path dir;
    private int roots;

    /** A fresh, empty fake /sys (several per test). */
    private FakeSys sys() {
        return new FakeSys(dir.resolve("sys" + roots++));
    }

    /** Two nodes: CPUs 0-3 on node 0, 4-7 on node 1. */
    private FakeSys twoNodes() {
        return sys().node(0, "0-3").node(1, "4-7");
    }

    private static CpuLayout layout(String allowed, int[] cores, FakeSys sys) {
        return CpuLayout.of(CpuList.parse(allowed), cores).withSysfs(sys.read());
    }

    private static int[] cpus(AffinityPlan plan) {
        return IntStream.range(0, plan.execCount()).map(plan::cpuFor).toArray();
    }

    private static int[] nodes(AffinityPlan plan) {
        return IntStream.range(0, plan.execCount()).map(plan::nodeFor).toArray();
    }

    private static void assertMentions(AffinityPlan plan, String text) {
        assertTrue(plan.describe().contains(text), "expected \"" + text + "\" in: " + plan.describe());
    }

    // ---- isolation ----

    @Test
    void isolatedCpusComeFirst() {
        CpuLayout l = layout("0-7", FLAT_8, sys().isolated("4-7"));
        AffinityPlan two = AffinityPlan.auto(2, l);
        assertArrayEquals(new int[] {4, 5}, cpus(two));
        assertMentions(two, "on isolated CPUs 4-5");
        // then the rest, in the usual order (CPU 0 still skipped)
        assertArrayEquals(new int[] {4, 5, 6, 7, 1, 2}, cpus(AffinityPlan.auto(6, l)));
        // no isolation: the plan is as before
        assertArrayEquals(new int[] {1, 2}, cpus(AffinityPlan.auto(2, layout("0-7", FLAT_8, sys()))));
    }

    @Test
    void isolatedAndNohzFullBeforeIsolatedBeforeNohzFullBeforeTheRest() {
        CpuLayout l = layout("0-7", FLAT_8, sys().isolated("6-7").nohzFull("3,6"));
        AffinityPlan plan = AffinityPlan.auto(4, l);
        assertArrayEquals(new int[] {6, 7, 3, 1}, cpus(plan));
        assertMentions(plan, "on isolated CPUs 6-7");
        assertMentions(plan, "on nohz_full CPUs 3,6");
        // nohz_full alone is preferred too
        assertArrayEquals(new int[] {5, 1}, cpus(AffinityPlan.auto(2, layout("0-7", FLAT_8, sys().nohzFull("5")))));
    }

    @Test
    void onlyIsolatedCpusInTheAllowedSetAreUsed() {
        // isolcpus takes CPUs out of every process's default mask: without taskset they are not ours
        CpuLayout outside = layout("0-3", FLAT_8, sys().isolated("4-7"));
        AffinityPlan plan = AffinityPlan.auto(2, outside);
        assertArrayEquals(new int[] {1, 2}, cpus(plan));
        assertMentions(plan, "isolated CPUs 4-7 are not allowed to this process");
        // partly allowed: the allowed part first
        CpuLayout partly = layout("0-5", FLAT_8, sys().isolated("4-7").nohzFull("7"));
        AffinityPlan p2 = AffinityPlan.auto(3, partly);
        assertArrayEquals(new int[] {4, 5, 1}, cpus(p2));
        assertMentions(p2, "isolated CPUs 6-7 are not allowed to this process");
        assertMentions(p2, "nohz_full CPU 7 is not allowed to this process");
    }

    @Test
    void wholeIsolatedCoresFirstThenTheirSiblings() {
        // both hyperthreads of cores 2 and 3 isolated (CPUs 2,6 and 3,7)
        CpuLayout l = layout("0-7", HT_CORES, sys().isolated("2-3,6-7"));
        assertArrayEquals(new int[] {2, 3}, cpus(AffinityPlan.auto(2, l)));
        AffinityPlan four = AffinityPlan.auto(4, l);
        assertArrayEquals(new int[] {2, 3, 6, 7}, cpus(four), "isolated siblings before the non-isolated cores");
        assertMentions(four, "hyperthread siblings");
        assertArrayEquals(new int[] {2, 3, 6, 7, 1, 4}, cpus(AffinityPlan.auto(6, l)));
    }

    @Test
    void malformedIsolatedFileIsIgnoredAndTheLayoutSaysWhy() {
        CpuLayout l = layout("0-7", FLAT_8, sys().isolated("4-7,").nohzFull("5"));
        assertArrayEquals(new int[0], l.isolated());
        assertArrayEquals(new int[] {5}, l.nohzFull());
        assertArrayEquals(new int[] {5, 1}, cpus(AffinityPlan.auto(2, l)));
        assertTrue(l.toString().contains("isolated") && l.toString().contains("\"4-7,\""), l.toString());
    }

    // ---- NUMA ----

    @Test
    void aGroupIsKeptOnOneNode() {
        CpuLayout l = layout("0-7", FLAT_8, twoNodes());
        AffinityPlan two = AffinityPlan.auto(2, l);
        assertArrayEquals(new int[] {1, 2}, cpus(two));
        assertArrayEquals(new int[] {0, 0}, nodes(two));
        assertMentions(two, "on NUMA node 0");
        // node 0 has only 3 CPUs besides CPU 0: the whole group moves to node 1 rather than straddle
        AffinityPlan four = AffinityPlan.auto(4, l);
        assertArrayEquals(new int[] {4, 5, 6, 7}, cpus(four));
        assertArrayEquals(new int[] {1, 1, 1, 1}, nodes(four));
        assertMentions(four, "on NUMA node 1");
    }

    @Test
    void aGroupNoNodeHoldsFillsTheBiggestNodeFirstAndSaysSo() {
        AffinityPlan plan = AffinityPlan.auto(6, layout("0-7", FLAT_8, twoNodes()));
        assertArrayEquals(new int[] {4, 5, 6, 7, 1, 2}, cpus(plan));
        assertArrayEquals(new int[] {1, 1, 1, 1, 0, 0}, nodes(plan));
        assertMentions(plan, "over NUMA nodes 1,0: no node has 6 usable CPUs");
    }

    @Test
    void spreadDealsExecsAcrossNodes() {
        CpuLayout l = layout("0-7", FLAT_8, twoNodes());
        AffinityPlan plan = AffinityPlan.auto(4, true, l, Numa.SPREAD);
        assertArrayEquals(new int[] {1, 4, 2, 5}, cpus(plan));
        assertArrayEquals(new int[] {0, 1, 0, 1}, nodes(plan));
        assertMentions(plan, "spread over NUMA nodes 0,1");
        // a node that runs out leaves the rest to the others
        assertArrayEquals(new int[] {1, 4, 2, 5, 3, 6, 7}, cpus(AffinityPlan.auto(7, true, l, Numa.SPREAD)));
        assertThrows(NullPointerException.class, () -> AffinityPlan.auto(2, true, l, null));
    }

    @Test
    void theNodeWithIsolatedCpusIsChosen() {
        CpuLayout l = layout("0-7", FLAT_8, twoNodes().isolated("6-7"));
        AffinityPlan plan = AffinityPlan.auto(2, l);
        assertArrayEquals(new int[] {6, 7}, cpus(plan));
        assertArrayEquals(new int[] {1, 1}, nodes(plan));
        AffinityPlan three = AffinityPlan.auto(3, l);
        assertArrayEquals(new int[] {6, 7, 4}, cpus(three));
        // isolated CPUs on both nodes: the lower node on a tie; spread takes one node's isolated CPUs each
        CpuLayout both = layout("0-7", FLAT_8, twoNodes().isolated("2-3,6-7"));
        assertArrayEquals(new int[] {2, 3}, cpus(AffinityPlan.auto(2, both)));
        assertArrayEquals(new int[] {2, 6, 3, 7}, cpus(AffinityPlan.auto(4, true, both, Numa.SPREAD)));
    }

    @Test
    void oneNodeOutranksIsolationAndTheLeftOverIsolatedCpusAreNamed() {
        // isolated 2-3 are on node 0, which cannot hold 4 Execs without CPU 0: the group goes to node 1
        AffinityPlan plan = AffinityPlan.auto(4, layout("0-7", FLAT_8, twoNodes().isolated("2-3")));
        assertArrayEquals(new int[] {4, 5, 6, 7}, cpus(plan));
        assertMentions(plan, "isolated CPUs 2-3 unused");
        assertMentions(plan, "Numa.SPREAD");
    }

    @Test
    void theAllowedSetDecidesTheNodes() {
        // a cpuset of node 1 only
        AffinityPlan plan = AffinityPlan.auto(2, layout("4-7", FLAT_8, twoNodes().isolated("2-3,7")));
        assertArrayEquals(new int[] {7, 4}, cpus(plan));
        assertArrayEquals(new int[] {1, 1}, nodes(plan));
        // spread over an allowed set within one node is the same plan
        assertArrayEquals(new int[] {7, 4},
            cpus(AffinityPlan.auto(2, true, layout("4-7", FLAT_8, twoNodes().isolated("7")), Numa.SPREAD)));
    }

    @Test
    void nodesAreReportedPerExecAndMinusOneWhenUnknownOrUnpinned() {
        CpuLayout l = layout("0-7", FLAT_8, twoNodes());
        AffinityPlan given = AffinityPlan.of(l, 6, 0, 3);
        assertArrayEquals(new int[] {1, 0, 0}, nodes(given));
        AffinityPlan tooMany = AffinityPlan.auto(10, l);
        assertEquals(-1, tooMany.nodeFor(9), tooMany.describe());
        assertArrayEquals(new int[] {-1, -1}, nodes(AffinityPlan.unpinned(2)));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> given.nodeFor(3));
        assertTrue(e.getMessage().contains("Exec index 3"), e.getMessage());

        CpuLayout unknown = layout("0-7", FLAT_8, sys());
        assertFalse(unknown.numaKnown());
        AffinityPlan flat = AffinityPlan.auto(2, true, unknown, Numa.SPREAD);
        assertArrayEquals(new int[] {1, 2}, cpus(flat));
        assertArrayEquals(new int[] {-1, -1}, nodes(flat));
        assertMentions(flat, "NUMA nodes unknown");
    }

    @Test
    void aMalformedNodeFileLeavesNumaUnknownAndPlansAsBefore() {
        CpuLayout l = layout("0-7", FLAT_8, sys().node(0, "0-3").node(1, "four-7"));
        assertFalse(l.numaKnown());
        assertEquals(-1, l.numaNode(5));
        assertArrayEquals(new int[] {1, 2, 3, 4}, cpus(AffinityPlan.auto(4, l)));
        assertTrue(l.toString().contains("node1/cpulist") && l.toString().contains("\"four-7\""), l.toString());
    }

    @Test
    void layoutReportsWhatWasFound() {
        CpuLayout l = layout("0-7", FLAT_8, twoNodes().isolated("2-5").nohzFull("4-5"));
        assertArrayEquals(new int[] {2, 3, 4, 5}, l.isolated());
        assertArrayEquals(new int[] {4, 5}, l.nohzFull());
        assertTrue(l.numaKnown());
        assertEquals(0, l.numaNode(3));
        assertEquals(1, l.numaNode(4));
        assertThrows(IndexOutOfBoundsException.class, () -> l.numaNode(8));
        String s = l.toString();
        assertTrue(s.contains("isolated 2-5") && s.contains("nohz_full 4-5") && s.contains("2 NUMA nodes"), s);
        // a layout made from explicit facts knows nothing of /sys
        CpuLayout plain = CpuLayout.of(CpuList.parse("0-1"), new int[] {0, 1});
        assertArrayEquals(new int[0], plain.isolated());
        assertFalse(plain.numaKnown());
        assertEquals(-1, plain.numaNode(0));
    }
}
