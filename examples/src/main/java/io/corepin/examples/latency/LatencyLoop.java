package io.corepin.examples.latency;

import io.corepin.IdleStrategy;
import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.CpuLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Run-to-completion latency: two parties on two cores bounce one message back and forth, and the round trip is
 * recorded in an HdrHistogram, for a corepin {@link io.corepin.Exec} pair and, in the same run, for its peers — the
 * raw corepin ring between two spinning threads (the ceiling), an Agrona {@code AgentRunner} pair over
 * {@code OneToOneConcurrentArrayQueue}, and a Netty event-loop pair. Contenders run one after another (a 2-CPU
 * machine has no room for two pairs at once), each with its own warm-up; every pair spins rather than parks
 * (corepin with {@link IdleStrategy#busySpin()}), is pinned by the same {@link AffinityPlan}, and bounces
 * pre-allocated objects, so the steady state allocates nothing (the table shows bytes allocated per round trip).
 *
 * <p>The round trip is measured by the initiator: {@code System.nanoTime()} just before it hands the message over and
 * again when the message is back in its hands, so the figure includes two hand-overs and two wake-ups of a spinning
 * consumer. The loop is closed (the next message goes when the last one is back), so there is no coordinated omission
 * to correct: every round trip that happened is recorded.
 *
 * <p>Prints a Markdown table ready for {@code bench/RESULTS.md} (p50, p99, p99.9, p99.99, max, p50 as a multiple of
 * the raw ring's, allocation per round trip), reports the two targets without asserting them, and writes a
 * percentile plot (PNG) and one {@code .hgrm} percentile file per contender.
 *
 * <p>Options: {@code LoopOptions.USAGE}, which {@code --help} prints.
 */
public final class LatencyLoop {
    private LatencyLoop() {
    }

    /**
     * Runs the comparison (see {@link LatencyLoop}). Exits with status 2 on bad options and 1 if a contender failed.
     *
     * @param args the options; {@code --help} lists them
     * @throws Exception if the run fails for a reason other than a contender
     */
    public static void main(String[] args) throws Exception {
        LoopOptions options;
        try {
            options = LoopOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("latency-loop: " + e.getMessage());
            System.err.println(LoopOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(LoopOptions.USAGE);
            return;
        }
        try {
            run(options, System.out);
        } catch (ContenderFailed e) {
            System.err.println("latency-loop: " + e.getMessage());
            System.exit(1);
        } catch (IllegalArgumentException e) { // e.g. --cpus naming a CPU this process may not use
            System.err.println("latency-loop: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Runs every chosen contender in turn, prints the table and the targets, writes the plot.
     *
     * @return the results, in run order
     * @throws ContenderFailed after printing the others' results, if a contender could not finish
     * @throws IllegalArgumentException if the CPUs asked for are not allowed
     */
    static List<Result> run(LoopOptions o, PrintStream out) throws IOException, InterruptedException {
        CpuLayout layout = CpuLayout.detect();
        AffinityPlan plan = !o.pin ? AffinityPlan.unpinned(2)
            : o.cpus != null ? AffinityPlan.of(layout, o.cpus) : AffinityPlan.auto(2, true, layout);
        out.printf(Locale.ROOT, "corepin latency loop: %,d round trips per contender after %,d warm-up round trips,"
            + " one contender at a time%n", o.roundTrips, o.warmup);
        out.println("options: " + o);
        out.println("machine: " + layout);
        out.println("plan:    " + plan.describe());
        out.println("jvm:     " + System.getProperty("java.vm.name") + " " + Runtime.version() + ", GC "
            + ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining("/"))
            + ", args " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        out.println("corepin Execs idle with " + IdleStrategy.busySpin()
            + " (IdleStrategy.busySpin(): never park, this is a latency loop); every peer spins too");
        out.println();

        List<Result> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int n = o.contenders.size();
        for (int i = 0; i < n; i++) {
            String name = o.contenders.get(i);
            settle();
            try (PingPong pair = create(name, plan, o.queueCapacity)) {
                out.printf(Locale.ROOT, "[%d/%d] %s: %s%n      threads %s%n", i + 1, n, name, pair.description(),
                    pair.placement());
                Result r = measure(pair, o);
                results.add(r);
                out.printf(Locale.ROOT, "      %,d round trips in %.2f s: p50 %,d ns, p99.99 %,d ns, max %,d ns;"
                        + " %s B allocated per round trip%n",
                    r.count(), r.seconds(), r.at(50), r.at(99.99), r.max(),
                    r.allocatedBytesPerRoundTrip() < 0 ? "n/a"
                        : String.format(Locale.ROOT, "%.2f", r.allocatedBytesPerRoundTrip()));
            } catch (IllegalStateException e) {
                failures.add(name + ": " + e.getMessage());
                out.println("      FAILED: " + e.getMessage());
            }
        }
        out.println();
        if (!results.isEmpty()) {
            out.println("---- Markdown for bench/RESULTS.md (round trip, ns; " + String.format(Locale.ROOT,
                "%,d round trips per contender after %,d warm-up", o.roundTrips, o.warmup) + ") ----");
            out.print(ResultTable.markdown(results));
            out.println("----");
            out.println();
            List<String> targets = ResultTable.targets(results);
            if (!targets.isEmpty()) {
                out.println("targets (reported, not asserted):");
                targets.forEach(t -> out.println("  " + t));
                out.println();
            }
            String title = String.format(Locale.ROOT,
                "Round trip between two threads on two cores: %,d per contender, %s", o.roundTrips,
                plan.execCount() == 2 && plan.cpuFor(0) >= 0 ? "pinned" : "unpinned");
            PercentilePlot.write(results, title, o.plot);
            out.println("plot:  " + o.plot.toAbsolutePath());
            for (Result r : results) {
                Path hgrm = hgrmPath(o.plot, r.name());
                writeHgrm(r.histogram(), hgrm);
                out.println("hgrm:  " + hgrm.toAbsolutePath() + " (values in ns)");
            }
        }
        if (!failures.isEmpty()) {
            throw new ContenderFailed(String.join("; ", failures));
        }
        return results;
    }

    /** Builds and starts one contender's pair of threads. */
    static PingPong create(String name, AffinityPlan plan, int queueCapacity) {
        int a = plan.cpuFor(0);
        int b = plan.cpuFor(1);
        switch (name) {
            case "raw-ring": return RawRingPingPong.mpsc(queueCapacity, a, b);
            case "raw-spsc": return RawRingPingPong.spsc(queueCapacity, a, b);
            case "corepin": return new CorepinPingPong(plan, queueCapacity, true);
            case "corepin-unguarded": return new CorepinPingPong(plan, queueCapacity, false);
            case "agrona": return new AgronaPingPong(queueCapacity, a, b);
            case "netty": return new NettyPingPong(a, b);
            default: throw new IllegalArgumentException("unknown contender \"" + name + "\"");
        }
    }

    /** The warm-up (thrown away), then the measured phase with the two threads' allocation counters around it. */
    private static Result measure(PingPong pair, LoopOptions o) throws InterruptedException {
        if (o.warmup > 0) {
            Phase warmup = new Phase(o.warmup);
            pair.start(warmup);
            warmup.await(o.timeout, pair.name() + " warm-up");
        }
        long[] threads = pair.threadIds();
        Phase phase = new Phase(o.roundTrips);
        long allocatedBefore = AllocationMeter.allocated(threads);
        long start = System.nanoTime();
        pair.start(phase);
        Histogram histogram = phase.await(o.timeout, pair.name());
        double seconds = (System.nanoTime() - start) / 1e9;
        long allocatedAfter = AllocationMeter.allocated(threads);
        double perRoundTrip = allocatedBefore < 0 || allocatedAfter < 0 ? -1
            : (double) (allocatedAfter - allocatedBefore) / o.roundTrips;
        return new Result(pair.name(), pair.description(), pair.placement(), histogram, perRoundTrip, seconds);
    }

    /** Lets the previous contender's garbage and threads go before the next one starts. */
    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
    }

    /** {@code bench/results/latency-loop.png} → {@code bench/results/latency-loop-corepin.hgrm}. */
    static Path hgrmPath(Path plot, String contender) {
        String file = plot.getFileName().toString();
        String base = file.toLowerCase(Locale.ROOT).endsWith(".png") ? file.substring(0, file.length() - 4) : file;
        return plot.resolveSibling(base + "-" + contender + ".hgrm");
    }

    private static void writeHgrm(Histogram histogram, Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        try (PrintStream ps = new PrintStream(Files.newOutputStream(path), false, "UTF-8")) {
            histogram.outputPercentileDistribution(ps, 5, 1.0);
        }
    }

    /** A contender could not finish (timeout, or a task that threw); the others' results were still printed. */
    static final class ContenderFailed extends IllegalStateException {
        ContenderFailed(String message) {
            super(message);
        }
    }
}
