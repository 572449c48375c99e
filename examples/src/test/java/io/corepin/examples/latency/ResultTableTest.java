package io.corepin.examples.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The table, the targets and the plot's axis, from histograms made here (no threads). */
class ResultTableTest {
    private static Result result(String name, long... values) {
        Histogram h = new Histogram(Phase.HIGHEST_TRACKABLE_NANOS, Phase.SIGNIFICANT_DIGITS);
        for (long v : values) {
            h.recordValue(v);
        }
        return new Result(name, name + " pair", "cpu0 <-> cpu1", h, 0, 1);
    }

    @Test
    void rowsCarryThePercentilesTheRatioToTheRawRingAndTheAllocation() {
        Result raw = result("raw-ring", 200, 200, 200, 400);
        Result corepin = result("corepin", 300, 300, 300, 90_000);
        String md = ResultTable.markdown(List.of(raw, corepin));
        assertTrue(md.contains("| raw-ring | 200 | 400 | 400 | 400 | 400 | 1.00x | 0.00 |"), md);
        assertTrue(md.contains("| corepin | 300 | 90,047 | 90,047 | 90,047 | 90,047 | 1.50x | 0.00 |"), md);
        assertTrue(md.contains("- `corepin`: corepin pair; cpu0 <-> cpu1"), md);
    }

    @Test
    void targetsSayMetOrNotMetFromTheNumbers() {
        List<String> met = ResultTable.targets(List.of(result("raw-ring", 200), result("corepin", 300),
            result("netty", 2000)));
        assertEquals(List.of(
            "corepin p50 300 ns is 1.50x the raw ring's 200 ns (target: within 1.5x): met",
            "corepin p99.99 300 ns vs Netty 2,000 ns (target: better than Netty): met"), met);
        List<String> missed = ResultTable.targets(List.of(result("raw-ring", 200), result("corepin", 301),
            result("netty", 301)));
        assertEquals(List.of(
            "corepin p50 301 ns is 1.51x the raw ring's 200 ns (target: within 1.5x): NOT met",
            "corepin p99.99 301 ns vs Netty 301 ns (target: better than Netty): NOT met"), missed);
        assertEquals(List.of(), ResultTable.targets(List.of(result("agrona", 1))));
    }

    @Test
    void percentileAxisIsOneNinePerDecade() {
        assertEquals("0%", PercentilePlot.percentileLabel(0));
        assertEquals("90%", PercentilePlot.percentileLabel(1));
        assertEquals("99%", PercentilePlot.percentileLabel(2));
        assertEquals("99.99%", PercentilePlot.percentileLabel(4));
        assertEquals("99.99999%", PercentilePlot.percentileLabel(7));
        assertEquals("", PercentilePlot.percentileLabel(2.5));

        Result r = result("x", 100, 200, 300, 400, 500, 600, 700, 800, 900, 10_000);
        double[][] xy = PercentilePlot.points(r.histogram());
        for (int i = 1; i < xy[0].length; i++) {
            assertTrue(xy[0][i] >= xy[0][i - 1] && xy[1][i] >= xy[1][i - 1], "not monotonic at " + i);
        }
        int last = xy[0].length - 1;
        assertTrue(xy[0][last] >= 1.0, "the max sits at log10(count) = 1 or beyond, got " + xy[0][last]);
        assertEquals(r.max(), (long) xy[1][last]);
    }
}
