package io.corepin.affinity;

import static io.corepin.affinity.CpuListTest.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuSysfsTest {

    private static void assertOneProblem(CpuSysfs s, String... parts) {
        assertEquals(1, s.problems().size(), s.problems().toString());
        for (String part : parts) {
            assertTrue(s.problems().get(0).contains(part), "expected \"" + part + "\" in: " + s.problems());
        }
    }

    @Test
    void readsIsolatedNohzFullAndNodes(@TempDir Path dir) {
        CpuSysfs s = new FakeSys(dir).isolated("2-5,8").nohzFull("4-5").node(0, "0-3,8").node(1, "4-7").read();
        assertEquals(set(2, 3, 4, 5, 8), s.isolated());
        assertEquals(set(4, 5), s.nohzFull());
        assertTrue(s.numaKnown());
        assertEquals(0, s.nodeOf(8));
        assertEquals(1, s.nodeOf(4));
        assertEquals(-1, s.nodeOf(9), "in no node");
        assertEquals(-1, s.nodeOf(-1));
        assertEquals(-1, s.nodeOf(1 << 20));
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }

    @Test
    void absentFilesMeanNothingIsolatedAndNumaUnknown(@TempDir Path dir) {
        CpuSysfs s = CpuSysfs.read(dir.resolve("no-such-sys"));
        assertTrue(s.isolated().isEmpty());
        assertTrue(s.nohzFull().isEmpty());
        assertFalse(s.numaKnown());
        assertEquals(-1, s.nodeOf(0));
        assertTrue(s.problems().isEmpty(), "absent files are normal: " + s.problems());
    }

    @Test
    void emptyFilesAndTheKernelsNullMaskMeanNothing(@TempDir Path dir) {
        // no isolcpus= gives an empty line; a kernel without nohz_full= prints "(null)" on some versions
        CpuSysfs s = new FakeSys(dir).isolated("").nohzFull("(null)").node(0, "0-1").read();
        assertTrue(s.isolated().isEmpty());
        assertTrue(s.nohzFull().isEmpty());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }

    @Test
    void malformedIsolatedIsIgnoredNamingTheFileAndTheText(@TempDir Path dir) {
        CpuSysfs s = new FakeSys(dir).isolated("2-x").nohzFull("3").node(0, "0-3").read();
        assertTrue(s.isolated().isEmpty());
        assertEquals(set(3), s.nohzFull(), "the other file still counts");
        assertOneProblem(s, "devices/system/cpu/isolated", "\"2-x\"", "ignored");
    }

    @Test
    void malformedNohzFullIsIgnoredNamingTheFileAndTheText(@TempDir Path dir) {
        CpuSysfs s = new FakeSys(dir).isolated("1").nohzFull("5-3").read();
        assertEquals(set(1), s.isolated());
        assertTrue(s.nohzFull().isEmpty());
        assertOneProblem(s, "devices/system/cpu/nohz_full", "\"5-3\"", "ignored");
    }

    @Test
    void aMalformedNodeCpulistMakesNumaUnknownNamingTheFile(@TempDir Path dir) {
        CpuSysfs s = new FakeSys(dir).node(0, "0-3").node(1, "4;7").read();
        assertFalse(s.numaKnown());
        assertEquals(-1, s.nodeOf(0), "nothing half-known");
        assertOneProblem(s, "node1/cpulist", "\"4;7\"", "NUMA nodes unknown");
    }

    @Test
    void aCpuInTwoNodesMakesNumaUnknown(@TempDir Path dir) {
        CpuSysfs s = new FakeSys(dir).node(0, "0-3").node(1, "3-7").read();
        assertFalse(s.numaKnown());
        assertOneProblem(s, "CPU 3", "node0", "node1");
    }

    @Test
    void aNodeDirectoryWithoutCpulistMakesNumaUnknown(@TempDir Path dir) throws IOException {
        FakeSys sys = new FakeSys(dir).node(0, "0-1");
        Files.createDirectories(dir.resolve("devices/system/node/node1"));
        CpuSysfs s = sys.read();
        assertFalse(s.numaKnown());
        assertOneProblem(s, "node1/cpulist");
    }

    @Test
    void memoryOnlyNodesAndOtherEntriesAreFine(@TempDir Path dir) throws IOException {
        FakeSys sys = new FakeSys(dir).node(0, "0-1").node(2, "");      // node 2: memory only (CXL, HBM)
        Files.writeString(dir.resolve("devices/system/node/online"), "0,2\n");
        Files.createDirectories(dir.resolve("devices/system/node/power"));
        Files.createDirectories(dir.resolve("devices/system/node/nodefoo"));
        CpuSysfs s = sys.read();
        assertTrue(s.numaKnown(), s.problems().toString());
        assertEquals(0, s.nodeOf(1));
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }

    @Test
    void perCpuNodeLinksWhenThereIsNoNodeDirectory(@TempDir Path dir) throws IOException {
        CpuSysfs s = new FakeSys(dir).cpuLink(0, 0).cpuLink(1, 0).cpuLink(2, 1).cpuLink(3, 1).read();
        assertTrue(s.numaKnown(), s.problems().toString());
        assertEquals(0, s.nodeOf(1));
        assertEquals(1, s.nodeOf(2));
        // a CPU linked to two nodes: unknown, said so
        CpuSysfs twice = new FakeSys(dir).cpuLink(3, 0).read();
        assertFalse(twice.numaKnown());
        assertTrue(twice.problems().toString().contains("CPU 3"), twice.problems().toString());
    }

    @Test
    void nodeArraysAreCopiesNotViews(@TempDir Path dir) {
        CpuSysfs s = new FakeSys(dir).isolated("1").read();
        BitSet iso = s.isolated();
        iso.set(7);
        assertEquals(set(1), s.isolated());
        assertArrayEquals(new int[0], CpuSysfs.NONE.isolated().stream().toArray());
    }
}
