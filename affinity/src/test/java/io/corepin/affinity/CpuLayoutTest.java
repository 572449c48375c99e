package io.corepin.affinity;

import static io.corepin.affinity.CpuListTest.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.Callable;
import net.openhft.affinity.impl.VanillaCpuLayout;
import org.junit.jupiter.api.Test;

class CpuLayoutTest {

    /** /proc/cpuinfo text, one block per {socket, core} pair, in processor order. */
    private static String cpuinfo(int[]... socketCore) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < socketCore.length; i++) {
            sb.append("processor\t: ").append(i).append("\nvendor_id\t: GenuineIntel\n")
                .append("physical id\t: ").append(socketCore[i][0]).append('\n')
                .append("core id\t\t: ").append(socketCore[i][1]).append("\n\n");
        }
        return sb.toString();
    }

    private static Callable<VanillaCpuLayout> openhft(String text) {
        return () -> VanillaCpuLayout.fromCpuInfo(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** 2 cores x 2 hyperthreads, Linux numbering: cpu0/cpu2 share core 0, cpu1/cpu3 share core 1. */
    private static final String HT = cpuinfo(new int[] {0, 0}, new int[] {0, 1}, new int[] {0, 0}, new int[] {0, 1});

    @Test
    void readsSocketCoreAndThreadThroughOpenHft() {
        CpuLayout.Topology t = CpuLayout.topology(openhft(HT), set(0, 1, 2, 3));
        assertTrue(t.known(), t.source());
        CpuLayout l = CpuLayout.build(set(0, 1, 2, 3), "test", t);
        assertTrue(l.topologyKnown());
        assertEquals(4, l.cpuCount());
        assertEquals(l.physicalCoreOf(0), l.physicalCoreOf(2));
        assertEquals(l.physicalCoreOf(1), l.physicalCoreOf(3));
        assertNotEquals(l.physicalCoreOf(0), l.physicalCoreOf(1));
        assertEquals(0, l.socketId(3));
        assertEquals(1, l.coreId(3));
        assertEquals(0, l.threadId(1));
        assertEquals(1, l.threadId(3));
        assertTrue(l.toString().contains("2 physical cores"), l.toString());
        assertTrue(l.toString().contains("3=0/1/1"), l.toString());
    }

    @Test
    void cpuinfoPositionsMapOntoOnlineCpuIds() {
        // CPUs 2-3 offline: /proc/cpuinfo lists 0,1,4,5 as its four blocks
        CpuLayout.Topology t = CpuLayout.topology(openhft(HT), set(0, 1, 4, 5));
        assertTrue(t.known(), t.source());
        CpuLayout l = CpuLayout.build(set(0, 1, 4, 5), "test", t);
        assertEquals(6, l.cpuCount());
        assertEquals(l.physicalCoreOf(0), l.physicalCoreOf(4));
        assertEquals(1, l.threadId(5));
        assertEquals(-1, l.socketId(2), "offline CPU: unknown");
        assertFalse(l.isAllowed(2));
    }

    @Test
    void oddCpuinfoDegradesToAFlatLayout() {
        // counts disagree with the online set
        assertFalse(CpuLayout.topology(openhft(HT), set(0, 1, 2)).known());
        // garbage ids
        CpuLayout.Topology t = CpuLayout.topology(openhft("processor : 0\ncore id : x\n\n"), set(0, 1, 2));
        assertFalse(t.known());
        assertTrue(t.source().contains("not understood"), t.source());
        // no file
        assertFalse(CpuLayout.topology(() -> {
            throw new IOException("no /proc/cpuinfo");
        }, null).known());
        // nothing in it
        assertFalse(CpuLayout.topology(openhft(""), null).known());

        CpuLayout flat = CpuLayout.build(set(0, 1, 2), "test", t);
        assertFalse(flat.topologyKnown());
        assertEquals(3, flat.cpuCount());
        assertEquals(-1, flat.socketId(1));
        assertEquals(-1, flat.coreId(1));
        assertEquals(-1, flat.threadId(1));
        assertNotEquals(flat.physicalCoreOf(0), flat.physicalCoreOf(1));
        assertTrue(flat.toString().contains("own core"), flat.toString());
    }

    @Test
    void hybridCpusKeepTheirTopology() {
        // a P-core with two hyperthreads and an E-core with one: sockets x cores x threads does not add up, which
        // OpenHFT 2026.2 only warns about; the per-CPU ids are still right
        String hybrid = cpuinfo(new int[] {0, 0}, new int[] {0, 0}, new int[] {0, 8});
        CpuLayout l = CpuLayout.build(set(0, 1, 2), "test", CpuLayout.topology(openhft(hybrid), set(0, 1, 2)));
        assertTrue(l.topologyKnown());
        assertEquals(l.physicalCoreOf(0), l.physicalCoreOf(1));
        assertNotEquals(l.physicalCoreOf(0), l.physicalCoreOf(2));
        assertArrayEquals(new int[] {0, 2}, cpus(AffinityPlan.auto(2, false, l)));
    }

    private static int[] cpus(AffinityPlan plan) {
        int[] cpus = new int[plan.execCount()];
        for (int i = 0; i < cpus.length; i++) {
            cpus[i] = plan.cpuFor(i);
        }
        return cpus;
    }

    @Test
    void armStyleCpuinfoWithoutIdsIsOneCorePerCpu() {
        String arm = "processor\t: 0\nBogoMIPS\t: 50.00\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n\n";
        CpuLayout l = CpuLayout.build(set(0, 1), "test", CpuLayout.topology(openhft(arm), set(0, 1)));
        assertNotEquals(l.physicalCoreOf(0), l.physicalCoreOf(1));
    }

    @Test
    void allowedCpusBeyondTheTopologyStillFit() {
        CpuLayout l = CpuLayout.build(set(0, 9), "test", CpuLayout.Topology.unknown(2, "unknown"));
        assertEquals(10, l.cpuCount());
        assertArrayEquals(new int[] {0, 9}, l.allowedCpus());
        assertEquals("0,9", l.allowedList());
    }

    @Test
    void explicitLayoutsForTests() {
        CpuLayout l = CpuLayout.of(set(0, 1, 2, 3), new int[] {0, 0, 1, 1}, new int[] {0, 0, 0, 0});
        assertEquals(l.physicalCoreOf(0), l.physicalCoreOf(1)); // same socket, same core id
        assertNotEquals(l.physicalCoreOf(0), l.physicalCoreOf(2)); // core 0 of another socket
        assertEquals(1, l.threadId(1));
        assertEquals(0, l.threadId(2));
        BitSet allowed = set(0, 9);
        assertThrows(IllegalArgumentException.class, () -> CpuLayout.of(allowed, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> CpuLayout.of(new BitSet(), new int[] {0, 1}));
    }

    @Test
    void accessorsRejectCpusNotOnTheMachine() {
        CpuLayout l = CpuLayout.of(set(0, 1), new int[] {0, 1});
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> l.coreId(2));
        assertTrue(e.getMessage().contains("CPU 2") && e.getMessage().contains("0-1"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> l.physicalCoreOf(-1));
        assertFalse(l.isAllowed(-1));
        assertFalse(l.isAllowed(5));
    }

    @Test
    void detectOnThisMachine() {
        CpuLayout layout = CpuLayout.detect();
        System.out.println("[CpuLayoutTest] " + layout);
        assertTrue(layout.cpuCount() >= 1);
        assertTrue(layout.allowedCpus().length >= 1);
        for (int cpu : layout.allowedCpus()) {
            assertTrue(cpu < layout.cpuCount(), layout.toString());
            assertTrue(layout.physicalCoreOf(cpu) >= 0);
        }
        assertArrayEquals(AllowedCpus.detect().stream().toArray(), layout.allowedCpus());
    }

    @Test
    void isolationAndNumaOfThisMachine() {
        // only what holds on every machine: the real /sys, read through the same code as the fake ones
        CpuLayout layout = CpuLayout.detect();
        System.out.println("[CpuLayoutTest] isolated=" + Arrays.toString(layout.isolated()) + " nohz_full="
            + Arrays.toString(layout.nohzFull()) + " numaKnown=" + layout.numaKnown());
        for (int cpu : layout.isolated()) {
            assertTrue(cpu >= 0, layout.toString());
        }
        for (int cpu : layout.allowedCpus()) {
            int node = layout.numaNode(cpu);
            // an allowed CPU is online, and every online CPU is on some node: known means >= 0, unknown means -1
            assertTrue(layout.numaKnown() ? node >= 0 : node == -1, "CPU " + cpu + " node " + node + ": " + layout);
            assertEquals(node, Pinning.numaNodeOf(cpu), "the process-wide map agrees");
        }
        assertEquals(-1, Pinning.numaNodeOf(AffinityPlan.UNPINNED));
        AffinityPlan plan = AffinityPlan.auto(layout.allowedCpus().length, false, layout);
        for (int i = 0; i < plan.execCount(); i++) {
            int cpu = plan.cpuFor(i);
            assertEquals(cpu < 0 ? -1 : layout.numaNode(cpu), plan.nodeFor(i), plan.describe());
        }
        // on real /sys, the files read are well-formed
        assertTrue(CpuSysfs.machine().problems().isEmpty(), CpuSysfs.machine().problems().toString());
    }
}
