package io.corepin.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.telemetry.CountersFile;
import io.corepin.telemetry.Metric;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** corepin-stat's table from a counters file written the way an Exec writes it, and its target resolution. */
class CorepinStatTest {
    @TempDir
    Path dir;

    private static void put(CountersFile.Registration r, Metric m, long v) {
        ByteBuffer values = r.values();
        values.putLong(r.offset(m), v);
    }

    @Test
    void tableShowsRatesOverTheIntervalPerExecAndTotals() throws Exception {
        Path path = dir.resolve("t.counters");
        try (CountersFile writer = CountersFile.create(path, 64);
             CountersFile reader = CountersFile.open(path)) {
            CountersFile.Registration a = writer.register(1, "core-0", 3, 1024);
            CountersFile.Registration b = writer.register(2, "core-1", 5, 1024);
            StatTable table = new StatTable();
            long t0 = 1_000_000_000L;
            table.prime(reader.sample(), t0);
            put(a, Metric.TASKS_RUN, 2_000_000);
            put(a, Metric.RING_ENQUEUES, 1_500_000);
            put(a, Metric.LOCAL_ENQUEUES, 500_000);
            put(a, Metric.REJECTS, 42);
            put(a, Metric.RING_DEPTH, 7);
            put(a, Metric.RING_DEPTH_HWM, 900);
            put(a, Metric.BUSY_NANOS, 500_000_000); // half of the 1 s interval
            put(b, Metric.TASKS_RUN, 1_000);
            put(b, Metric.BUSY_SINCE, t0); // busy through the whole interval, not yet published
            put(b, Metric.TASK_ERRORS, 3);
            String out = table.render(reader.sample(), t0 + 1_000_000_000L);
            String[] lines = out.split("\n");
            assertEquals(4, lines.length, out);
            assertTrue(lines[1].matches("core-0 +3 +2\\.00M +500k +1\\.50M +7 +900 +50\\.0 .* 42 +0"), lines[1]);
            assertTrue(lines[2].matches("core-1 +5 +1\\.00k +0 +0 +0 +0 +100\\.0 .* 0 +3"), lines[2]);
            assertTrue(lines[3].matches("total \\(2\\) +2\\.00M +500k +1\\.50M +7 +75\\.0 .* 42 +3"), lines[3]);
        }
    }

    /** The global group's Execs and its standby ones have long names that differ only at the end: shown whole. */
    @Test
    void longExecNamesAreShownWholeSoRowsStayApart() throws Exception {
        Path path = dir.resolve("n.counters");
        try (CountersFile writer = CountersFile.create(path, 64);
             CountersFile reader = CountersFile.open(path)) {
            writer.register(1, "corepin-global-0", 0, 1024);
            writer.register(2, "corepin-global-1", 1, 1024);
            writer.register(3, "corepin-global-standby-0", -1, 1024);
            StatTable table = new StatTable();
            table.prime(reader.sample(), 1_000_000_000L);
            String[] lines = table.render(reader.sample(), 2_000_000_000L).split("\n");
            assertTrue(lines[0].matches("exec +cpu +tasks/s .*"), lines[0]);
            assertTrue(lines[1].startsWith("corepin-global-0 "), lines[1]);
            assertTrue(lines[2].startsWith("corepin-global-1 "), lines[2]);
            assertTrue(lines[3].matches("corepin-global-standby-0 +- .*"), lines[3]);
            for (int i = 1; i < 4; i++) { // right-aligned columns end where their headings end
                assertEquals(endOfToken(lines[0], 2), endOfToken(lines[i], 2), "columns line up:\n" + lines[0]
                    + "\n" + lines[i]);
            }
        }
    }

    /** Where the {@code k}-th (from 0) run of non-blanks in {@code line} ends. */
    private static int endOfToken(String line, int k) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\S+").matcher(line);
        for (int i = 0; i <= k; i++) {
            assertTrue(m.find(), line);
        }
        return m.end();
    }

    @Test
    void siFormatsThreeDigits() {
        assertEquals("999", StatTable.si(999));
        assertEquals("1.23k", StatTable.si(1234));
        assertEquals("12.7M", StatTable.si(12_700_000));
        assertEquals("1.00G", StatTable.si(1e9));
    }

    @Test
    void targetsAreResolvedOrRefusedNamingWhatWasMissing() throws Exception {
        Path path = dir.resolve("x.counters");
        try (CountersFile ignored = CountersFile.create(path, 16)) {
            assertEquals(path, CountersFiles.resolve(path.toString()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CountersFiles.resolve(dir.resolve("nope.counters").toString()));
        assertTrue(e.getMessage().contains("nope.counters"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CountersFiles.resolve("999999999"));
        assertTrue(e.getMessage().contains("pid 999999999") && e.getMessage().contains("no such process"),
            e.getMessage());
        assertEquals(1234, CountersFiles.pidOf(Path.of("/dev/shm/corepin-1234.counters")));
        assertEquals(-1, CountersFiles.pidOf(Path.of("/tmp/other.counters")));
    }
}
