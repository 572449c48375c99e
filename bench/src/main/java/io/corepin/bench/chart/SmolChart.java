package io.corepin.bench.chart;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.Color;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the smolscale suite's chart from its JMH JSON: one group of bars per workload, one bar per executor, time
 * per op in microseconds on a log axis, and the published smolscale/smartpool figure as a last bar for scale.
 *
 * <p>usage: {@code java -cp bench/target/benchmarks.jar io.corepin.bench.chart.SmolChart RESULT.json OUT.png}
 */
public final class SmolChart {
    /** JMH class simple name → smolscale's name, in the suite's order. */
    private static final String[][] WORKLOADS = {
        {"SpawnOne", "spawn_one"}, {"SpawnMany", "spawn_many"}, {"YieldNow", "yield_now"},
        {"PingPong", "ping_pong"}, {"ContextSwitchQuiet", "context_switch_quiet"},
        {"ContextSwitchBusy", "context_switch_busy"}, {"SpawnExecutorsRecursively", "spawn_executors_recursively"},
        {"Fanout", "fanout"}, {"Scoped", "scoped (per op)"},
    };
    private static final String[] EXECUTORS = {"corepin", "fjp", "netty", "tpe", "vthreads"};
    private static final Map<String, Color> COLORS = Map.of("corepin", new Color(214, 39, 40),
        "fjp", new Color(31, 119, 180), "netty", new Color(255, 127, 14), "tpe", new Color(44, 160, 44),
        "vthreads", new Color(148, 103, 189));
    /** Published time per op in µs (smolscale's README; smartpool's 824 ns/op for scoped); null: none published. */
    private static final Map<String, Double> PUBLISHED_US = new LinkedHashMap<>();

    static {
        PUBLISHED_US.put("SpawnOne", 0.10521);
        PUBLISHED_US.put("SpawnMany", 3059.8);
        PUBLISHED_US.put("YieldNow", 4191.7);
        PUBLISHED_US.put("PingPong", 8699.0);
        PUBLISHED_US.put("ContextSwitchQuiet", 102.05);
        PUBLISHED_US.put("ContextSwitchBusy", 8901.2);
        PUBLISHED_US.put("SpawnExecutorsRecursively", 180_400.0);
        PUBLISHED_US.put("Scoped", 0.824);
    }

    private SmolChart() {
    }

    /** Reads RESULT.json, writes OUT.png. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: SmolChart RESULT.json OUT.png (got " + args.length + " args)");
        }
        System.setProperty("java.awt.headless", "true");
        Map<String, Map<String, Double>> us = read(Paths.get(args[0]));
        CategoryChart chart = draw(us);
        Path out = Paths.get(args[1]);
        BitmapEncoder.saveBitmapWithDPI(chart, out.toString(), BitmapEncoder.BitmapFormat.PNG, 120);
        System.out.println("chart: " + out);
    }

    /** workload class → executor → µs per op. */
    static Map<String, Map<String, Double>> read(Path json) throws IOException {
        Map<String, Map<String, Double>> us = new LinkedHashMap<>();
        try (Reader r = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            for (JsonElement e : JsonParser.parseReader(r).getAsJsonArray()) {
                JsonObject run = e.getAsJsonObject();
                String[] name = run.get("benchmark").getAsString().split("\\.");
                String workload = name[name.length - 2];
                String executor = run.getAsJsonObject("params").get("executor").getAsString();
                JsonObject metric = run.getAsJsonObject("primaryMetric");
                double score = metric.get("score").getAsDouble() * toMicros(metric.get("scoreUnit").getAsString());
                us.computeIfAbsent(workload, k -> new LinkedHashMap<>()).put(executor, score);
            }
        }
        if (us.isEmpty()) {
            throw new IllegalArgumentException("no results in " + json);
        }
        return us;
    }

    static CategoryChart draw(Map<String, Map<String, Double>> us) {
        List<String> workloads = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (String[] w : WORKLOADS) {
            if (us.containsKey(w[0])) {
                workloads.add(w[0]);
                labels.add(w[1]);
            }
        }
        CategoryChart chart = new CategoryChartBuilder().width(1600).height(760)
            .title("smolscale suite: time per op, log scale, lower is better (no bar: did not finish, see table)")
            .xAxisTitle("workload").yAxisTitle("µs per op").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisLabelRotation(15);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setAvailableSpaceFill(0.85);
        for (String executor : EXECUTORS) {
            List<Double> ys = new ArrayList<>();
            boolean any = false;
            for (String w : workloads) {
                Double v = us.get(w).get(executor);
                ys.add(v);
                any |= v != null;
            }
            if (any) {
                chart.addSeries(executor, labels, ys).setFillColor(COLORS.get(executor));
            }
        }
        List<Double> published = new ArrayList<>();
        for (String w : workloads) {
            published.add(PUBLISHED_US.get(w));
        }
        chart.addSeries("published smolscale / smartpool (other machine)", labels, published)
            .setFillColor(new Color(160, 160, 160));
        // a log axis needs positive bounds; missing bars (nulls) would otherwise pull the minimum to 0
        double min = Double.MAX_VALUE;
        double max = 0;
        for (String w : workloads) {
            for (double v : us.get(w).values()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            Double p = PUBLISHED_US.get(w);
            if (p != null) {
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
        }
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min * 0.9))));
        chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max))));
        return chart;
    }

    private static double toMicros(String unit) {
        switch (unit.toLowerCase(Locale.ROOT)) {
            case "ns/op": return 1e-3;
            case "us/op": return 1;
            case "ms/op": return 1e3;
            case "s/op": return 1e6;
            default: throw new IllegalArgumentException("unexpected JMH score unit " + unit);
        }
    }
}
