package io.corepin.examples.latency;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A percentile plot in the style of HdrHistogram's plotter, drawn with XChart into a PNG. The x axis is
 * {@code 1 / (1 - percentile)} on a log scale, so each decade is one more nine (0 %, 90 %, 99 %, 99.9 %, ...); XChart
 * cannot put custom labels on a logarithmic axis, so the plot carries {@code log10(1 / (1 - percentile))} on a linear
 * axis and labels its whole numbers with the percentiles they stand for. The y axis is the round trip in nanoseconds
 * on a log scale, so a p50 of a few hundred ns and a max of milliseconds fit on one chart. One line per contender.
 */
final class PercentilePlot {
    /** Points per halving of the distance to 100 %, as HdrHistogram's own percentile output uses. */
    private static final int TICKS_PER_HALF_DISTANCE = 5;

    private PercentilePlot() {
    }

    /**
     * Draws the results and writes the PNG, creating its directory if needed.
     *
     * @throws IOException if the file cannot be written
     */
    static void write(List<Result> results, String title, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(1100).height(650).title(title)
            .xAxisTitle("percentile").yAxisTitle("round trip (ns)").build();
        chart.getStyler()
            .setLegendPosition(Styler.LegendPosition.InsideNW)
            .setChartBackgroundColor(Color.WHITE);
        chart.getStyler()
            .setYAxisLogarithmic(true)
            .setYAxisDecimalPattern("#,##0")
            .setXAxisMin(0.0);
        long most = 1;
        for (Result r : results) {
            most = Math.max(most, r.count());
        }
        chart.getStyler().setXAxisMax(Math.max(1.0, Math.ceil(Math.log10(most))));
        chart.setCustomXAxisTickLabelsFormatter(PercentilePlot::percentileLabel);
        for (Result r : results) {
            double[][] xy = points(r.histogram());
            XYSeries series = chart.addSeries(String.format(Locale.ROOT, "%s (p50 %,d ns, p99.99 %,d ns)",
                r.name(), r.at(50), r.at(99.99)), xy[0], xy[1]);
            series.setMarker(SeriesMarkers.NONE);
        }
        Path dir = png.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /**
     * The histogram's percentile curve: x = log10(1 / (1 - percentile)), y = the value at that percentile (at least
     * 1, for the log axis). The 100 % point (the max) would be at infinity; it goes at x = log10(count), where the
     * last single value of the run sits.
     */
    static double[][] points(Histogram h) {
        List<double[]> pts = new ArrayList<>();
        double lastX = 0;
        for (HistogramIterationValue v : h.percentiles(TICKS_PER_HALF_DISTANCE)) {
            double fraction = v.getPercentileLevelIteratedTo() / 100.0;
            if (fraction >= 1.0) {
                break;
            }
            lastX = -Math.log10(1.0 - fraction);
            pts.add(new double[] {lastX, Math.max(1, v.getValueIteratedTo())});
        }
        pts.add(new double[] {Math.max(lastX, Math.log10(h.getTotalCount())), Math.max(1, h.getMaxValue())});
        double[][] xy = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            xy[0][i] = pts.get(i)[0];
            xy[1][i] = pts.get(i)[1];
        }
        return xy;
    }

    /** Axis label for x = number of nines: 0 → "0%", 1 → "90%", 2 → "99%", 3 → "99.9%", ...; "" between them. */
    static String percentileLabel(double x) {
        long nines = Math.round(x);
        if (Math.abs(x - nines) > 1e-6 || nines < 0) {
            return "";
        }
        if (nines == 0) {
            return "0%";
        }
        if (nines == 1) {
            return "90%";
        }
        return "99" + (nines > 2 ? "." + "9".repeat((int) nines - 2) : "") + "%";
    }
}
