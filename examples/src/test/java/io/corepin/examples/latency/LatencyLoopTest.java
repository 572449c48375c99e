package io.corepin.examples.latency;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole comparison with small counts. The pairs spin (that is what they measure), but only for the few
 * thousand round trips asked for: every phase has a timeout, and the whole run a hard bound. No timing is asserted.
 */
class LatencyLoopTest {
    private static final int ROUND_TRIPS = 20_000;
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void everyContenderRecordsExactlyTheRoundTripsAskedForAndThePlotIsWritten(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("plots").resolve("latency-loop.png"); // the directory does not exist yet
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Result> results = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> LatencyLoop.run(
            LoopOptions.parse("--round-trips", String.valueOf(ROUND_TRIPS), "--warmup", "5000",
                "--plot", png.toString(), "--timeout-seconds", "20"),
            new PrintStream(printed, true, UTF_8)));
        String out = printed.toString(UTF_8);

        assertEquals(LoopOptions.DEFAULT, results.stream().map(Result::name).collect(Collectors.toList()), out);
        for (Result r : results) {
            assertEquals(ROUND_TRIPS, r.count(), r.name() + " samples");
            long p50 = r.at(50);
            long p99 = r.at(99);
            long p999 = r.at(99.9);
            long p9999 = r.at(99.99);
            assertTrue(r.histogram().getMinValue() > 0, r.name() + ": a round trip cannot take 0 ns");
            assertTrue(p50 > 0 && p50 <= p99 && p99 <= p999 && p999 <= p9999 && p9999 <= r.max(),
                r.name() + " percentiles out of order: " + p50 + " " + p99 + " " + p999 + " " + p9999 + " " + r.max());
            assertTrue(r.seconds() > 0, r.name() + " seconds");
            assertTrue(r.allocatedBytesPerRoundTrip() >= 0, r.name() + ": HotSpot counts allocation per thread");
            assertTrue(r.placement().contains("<->"), r.placement());
            assertTrue(Files.size(LatencyLoop.hgrmPath(png, r.name())) > 0, r.name() + " .hgrm");
        }

        byte[] head = Arrays.copyOf(Files.readAllBytes(png), PNG_MAGIC.length);
        assertArrayEquals(PNG_MAGIC, head, "not a PNG");
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "PNG does not decode");
        assertEquals(1100, image.getWidth());
        assertEquals(650, image.getHeight());

        assertTrue(out.contains("IdleStrategy.busySpin()"), out);
        assertTrue(out.contains("| contender | p50 (ns) | p99 (ns) | p99.9 (ns) | p99.99 (ns) | max (ns) |"), out);
        for (String name : LoopOptions.DEFAULT) {
            long rows = out.lines().filter(l -> l.startsWith("| " + name + " | ")).count();
            assertEquals(1, rows, name + " rows in\n" + out);
        }
        assertTrue(out.lines().anyMatch(l -> l.startsWith("| raw-ring | ") && l.contains("| 1.00x |")), out);
        assertTrue(out.contains("corepin p50 ") && out.contains("corepin p99.99 "), "targets missing:\n" + out);
    }

    @Test
    void theOptionalSpscPairRunsAndWithoutTheRawRingThereIsNoRatio(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Result> results = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> LatencyLoop.run(
            LoopOptions.parse("--round-trips", "5000", "--warmup", "0",
                "--contenders", "raw-spsc,corepin,corepin-unguarded", "--no-pin", "--queue-capacity", "64", "--plot", dir.resolve("p.png").toString(),
                "--timeout-seconds", "20"),
            new PrintStream(printed, true, UTF_8)));
        String out = printed.toString(UTF_8);
        assertEquals(List.of("raw-spsc", "corepin", "corepin-unguarded"),
            results.stream().map(Result::name).collect(Collectors.toList()));
        for (Result r : results) {
            assertEquals(5000, r.count(), r.name());
            assertEquals("unpinned <-> unpinned", r.placement());
        }
        assertTrue(out.lines().anyMatch(l -> l.startsWith("| corepin | ") && l.contains("| n/a |")), out);
        assertTrue(out.contains("SpscRing pair (capacity 64)"), out);
        assertTrue(out.contains("no stall guard (stallThreshold 0)"), out);
        assertTrue(!out.contains("corepin p50 "), "no raw ring, no p50 target:\n" + out);
        assertTrue(Files.size(dir.resolve("p.png")) > 0);
    }
}
