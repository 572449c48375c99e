package io.corepin.affinity;

import static io.corepin.affinity.CpuListTest.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowedCpusTest {

    private static AllowedCpus.Source src(String name, String cpus) {
        return new AllowedCpus.Source(name, CpuList.parse(cpus));
    }

    @Test
    void joinsThreadAndProcessMasksThenIntersectsWithTheCgroup() {
        // a thread pinned to 3 asks; the process was given 2-5; the container's cpuset is 0-4
        AllowedCpus.Reading r = AllowedCpus.combine(src("thread", "3"), src("process", "2-5"),
            src("cg", "0-4"), 64);
        assertEquals(set(2, 3, 4), r.cpus());
        assertTrue(r.source().contains("thread") && r.source().contains("process") && r.source().contains("cg"),
            r.source());
    }

    @Test
    void eachSourceAloneIsEnough() {
        assertEquals(set(1, 2), AllowedCpus.combine(src("t", "1-2"), null, null, 8).cpus());
        assertEquals(set(5), AllowedCpus.combine(null, src("p", "5"), null, 8).cpus());
        assertEquals(set(0, 7), AllowedCpus.combine(null, null, src("cg", "0,7"), 8).cpus());
    }

    @Test
    void aCgroupDisjointFromTheMaskIsIgnored() {
        AllowedCpus.Reading r = AllowedCpus.combine(src("t", "0-1"), null, src("cg", "4-5"), 8);
        assertEquals(set(0, 1), r.cpus());
        assertTrue(r.source().contains("ignored"), r.source());
    }

    @Test
    void nothingReadableFallsBackToAvailableProcessors() {
        AllowedCpus.Reading r = AllowedCpus.combine(null, null, null, 3);
        assertEquals(set(0, 1, 2), r.cpus());
        assertTrue(r.source().contains("availableProcessors"), r.source());
        assertEquals(set(0), AllowedCpus.combine(null, null, null, 0).cpus()); // never empty
    }

    @Test
    void cgroupV2IsPreferredThenV1EffectiveThenV1Cpus(@TempDir Path root) throws IOException {
        assertNull(AllowedCpus.cgroupCpuset(root));
        Files.createDirectories(root.resolve("cpuset"));
        Files.writeString(root.resolve("cpuset/cpuset.cpus"), "0-7\n");
        assertEquals(set(0, 1, 2, 3, 4, 5, 6, 7), AllowedCpus.cgroupCpuset(root).cpus());
        Files.writeString(root.resolve("cpuset/cpuset.effective_cpus"), "2-3\n");
        assertEquals(set(2, 3), AllowedCpus.cgroupCpuset(root).cpus());
        Files.writeString(root.resolve("cpuset.cpus.effective"), "1,5\n");
        AllowedCpus.Source v2 = AllowedCpus.cgroupCpuset(root);
        assertEquals(set(1, 5), v2.cpus());
        assertTrue(v2.name().endsWith("cpuset.cpus.effective"), v2.name());
    }

    @Test
    void malformedOrEmptyCgroupFilesAreSkipped(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("cpuset"));
        Files.writeString(root.resolve("cpuset.cpus.effective"), "garbage\n");
        Files.writeString(root.resolve("cpuset/cpuset.effective_cpus"), "\n");
        Files.writeString(root.resolve("cpuset/cpuset.cpus"), "4-5\n");
        assertEquals(set(4, 5), AllowedCpus.cgroupCpuset(root).cpus());
    }

    @Test
    void readsCpusAllowedListFromAStatusFile(@TempDir Path dir) throws IOException {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nCpus_allowed:\tf\nCpus_allowed_list:\t0-2,3\nMems_allowed:\t1\n");
        assertEquals(set(0, 1, 2, 3), AllowedCpus.processMask(status).cpus());
        Files.writeString(status, "Name:\tjava\n");
        assertNull(AllowedCpus.processMask(status));
        assertNull(AllowedCpus.processMask(dir.resolve("missing")));
    }

    @Test
    void detectOnThisMachineCoversThisThreadsMask() {
        BitSet allowed = AllowedCpus.detect();
        assertFalse(allowed.isEmpty());
        BitSet mask = Pinning.currentAffinity(); // the test thread is not pinned
        if (!mask.isEmpty()) {
            BitSet outside = (BitSet) mask.clone();
            outside.andNot(allowed);
            // anything the thread may run on, but detect() leaves out, must be excluded by the cgroup cpuset
            assertTrue(outside.isEmpty() || AllowedCpus.read().source().contains("cgroup"),
                "mask " + mask + " vs allowed " + allowed + " from " + AllowedCpus.read().source());
        }
        allowed.clear(); // a fresh copy each time
        assertFalse(AllowedCpus.detect().isEmpty());
    }
}
