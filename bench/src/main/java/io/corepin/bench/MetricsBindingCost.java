package io.corepin.bench;

import io.corepin.Exec;
import io.corepin.IdleStrategy;
import io.corepin.metrics.ExecMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the Micrometer binding costs the Exec: {@link ExecTelemetryCost}'s two workloads (one submitter → one Exec,
 * batches of {@value #BATCH} tasks, half of them spawning a local child; and the owner loop alone,
 * {@link LocalBurst}) on an Exec with no binding ({@code off}), on one bound by {@link ExecMetrics} to a
 * {@link PrometheusMeterRegistry} that nobody scrapes ({@code bound}: the binding itself), and on one whose registry
 * a thread of its own scrapes (renders the whole text exposition) every {@value #SCRAPE_MILLIS} ms during the
 * measurement ({@code scraped}) — a scrape rate far above a real Prometheus' (every 10–60 s), so that what scraping
 * costs shows.
 *
 * <p>Binding adds no code to the Exec (every meter is a function of the Exec's getters, read at scrape time). What
 * {@code scraped} can cost: the scraper's reads pull the cache lines the owner writes (its counters, the stall stamp)
 * to another core; the scraper's CPU time and allocation (GC) on a machine with fewer cores than busy threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms1g", "-Xmx1g"})
public class MetricsBindingCost {
    static final int BATCH = 10_000;
    static final long SCRAPE_MILLIS = 10;

    /**
     * {@code off}: no binding; {@code bound}: bound, never scraped; {@code scraped}: bound, scraped every 10 ms;
     * {@code alternate}: bound, and scraped during every second iteration only — measurement iterations 0, 2, 4, ...
     * unscraped, 1, 3, 5, ... scraped — so that one JVM measures both, a second apart (paired: immune to the slow
     * load changes of a shared machine; {@code bench/fork-table.py --pairs} splits them). {@code alternate-other}: as
     * {@code alternate}, but the registry is bound to another, idle Exec, not the measured one — the control: the
     * same scraping work on the same machine, without reading the measured Exec's memory.
     */
    @Param({"off", "bound", "scraped", "alternate", "alternate-other"})
    public String binding;

    private Exec exec;
    /** alternate-other: the idle Exec the registry is bound to instead. */
    private Exec other;
    private PrometheusMeterRegistry registry;
    private Thread scraper;
    /** The scraper thread runs until this is false. */
    private volatile boolean scraperOn;
    /** Whether it scrapes now (alternate: toggled between iterations); it parks a period when not. */
    private volatile boolean scraping;
    private int measured;
    /** Written by the scraper thread only; read after it has been joined. */
    private long scrapes;
    private long scrapeNanos;
    private long scrapeCpuNanos;
    private long scrapedChars;
    private final CountTask task = new CountTask();
    private final BatchMarker marker = new BatchMarker();
    private final LocalBurst burst = new LocalBurst(task, BATCH, marker);
    private final SpawningBatch batch = new SpawningBatch(task, BATCH, marker);
    private long round;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        exec = Exec.builder().name("bench-exec").ringCapacity(16_384).daemon(true).idleStrategy(IdleStrategy.park())
            .build();
        final boolean alternate = binding.startsWith("alternate");
        if (binding.equals("alternate-other")) {
            other = Exec.builder().name("bench-other").daemon(true).build();
        } else if (alternate && !binding.equals("alternate")) {
            throw new IllegalArgumentException("unknown binding " + binding);
        }
        if (binding.equals("bound") || binding.equals("scraped") || alternate) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ExecMetrics.of(other != null ? other : exec).bindTo(registry);
            if (!registry.scrape().contains("corepin_exec_loop_lag_seconds")) {
                throw new IllegalStateException("the binding is not in the scrape:\n" + registry.scrape());
            }
        }
        if (binding.equals("scraped") || alternate) {
            scraperOn = true;
            scraping = !alternate;
            scraper = new Thread(this::scrapeLoop, "bench-scraper");
            scraper.setDaemon(true);
            scraper.start();
        } else if (!binding.equals("off") && !binding.equals("bound")) {
            throw new IllegalArgumentException("binding must be off, bound, scraped or alternate, got " + binding);
        }
    }

    /** Alternate: warm-up iterations alternate too; measurement iteration k is scraped when k is odd. */
    @Setup(Level.Iteration)
    public void iteration(org.openjdk.jmh.infra.IterationParams params) {
        if (binding.startsWith("alternate")) {
            if (params.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT) {
                scraping = (measured++ & 1) == 1;
            } else {
                scraping = !scraping;
            }
        }
    }

    /** Every {@value #SCRAPE_MILLIS} ms: one whole scrape, as a Prometheus endpoint renders it. */
    private void scrapeLoop() {
        final long period = TimeUnit.MILLISECONDS.toNanos(SCRAPE_MILLIS);
        final java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long next = System.nanoTime();
        while (scraperOn) {
            if (!scraping) {
                LockSupport.parkNanos(period); // alternate, an unscraped iteration
                next = System.nanoTime();
                continue;
            }
            final long c0 = cpu.getCurrentThreadCpuTime();
            final long t0 = System.nanoTime();
            scrapedChars += registry.scrape().length();
            final long t1 = System.nanoTime();
            scrapeCpuNanos += cpu.getCurrentThreadCpuTime() - c0;
            scrapeNanos += t1 - t0;
            scrapes++;
            next += period;
            final long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime(); // fell behind: no burst of catch-up scrapes
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (scraper != null) {
            scraperOn = false;
            scraper.join(10_000);
            final long n = Math.max(1, scrapes);
            System.out.printf("%nscrapes: %d, each %.1f µs wall, %.1f µs CPU, %d chars%n", scrapes,
                scrapeNanos / 1e3 / n, scrapeCpuNanos / 1e3 / n, scrapedChars / n);
        }
        if (registry != null) {
            registry.close();
        }
        exec.close();
        if (other != null) {
            other.close();
        }
    }

    /** Cross-core: {@value #BATCH} submits from the benchmark thread (half spawn a local child), then a marker. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long submitAndRun() {
        batch.submitAndWait(exec, ++round);
        return task.count;
    }

    /** The owner loop alone ({@link LocalBurst}): one submit spawns {@value #BATCH} local tasks and the marker. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long ownerLoop() {
        burst.submitAndWait(exec, ++round);
        return task.count;
    }
}
