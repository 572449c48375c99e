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
 * {@link LocalBurst}) on an Exec with no binding ({@code off}) and on one bound by {@link ExecMetrics} to a
 * {@link PrometheusMeterRegistry} that a thread of its own scrapes (renders the whole text exposition) every
 * {@value #SCRAPE_MILLIS} ms during the measurement ({@code on}) — a scrape rate far above a real Prometheus' (every
 * 10–60 s), so that what scraping costs shows.
 *
 * <p>Binding adds no code to the Exec (every meter is a function of the Exec's getters, read at scrape time). What
 * {@code on} can cost: the scraper's reads pull the cache lines the owner writes (its counters, the stall stamp)
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

    @Param({"off", "on"})
    public String binding;

    private Exec exec;
    private PrometheusMeterRegistry registry;
    private Thread scraper;
    private volatile boolean scraping;
    /** Written by the scraper thread only; read after it has been joined. */
    private long scrapes;
    private long scrapeNanos;
    private long scrapeCpuNanos;
    private long scrapedChars;
    private final CountTask task = new CountTask();
    private final SpawnTask spawner = new SpawnTask();
    private final BatchMarker marker = new BatchMarker();
    private final LocalBurst burst = new LocalBurst(task, BATCH, marker);
    private long round;

    /** Spawns one local child (the owner's local queue and its counter), then counts. */
    final class SpawnTask implements Runnable {
        @Override
        public void run() {
            exec.execute(task); // on the Exec's own thread: the local queue
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        exec = Exec.builder().name("bench-exec").ringCapacity(16_384).daemon(true).idleStrategy(IdleStrategy.park())
            .build();
        if (binding.equals("on")) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ExecMetrics.of(exec).bindTo(registry);
            if (!registry.scrape().contains("corepin_exec_loop_lag_seconds")) {
                throw new IllegalStateException("the binding is not in the scrape:\n" + registry.scrape());
            }
            scraping = true;
            scraper = new Thread(this::scrapeLoop, "bench-scraper");
            scraper.setDaemon(true);
            scraper.start();
        } else if (!binding.equals("off")) {
            throw new IllegalArgumentException("binding must be off or on, got " + binding);
        }
    }

    /** Every {@value #SCRAPE_MILLIS} ms: one whole scrape, as a Prometheus endpoint renders it. */
    private void scrapeLoop() {
        final long period = TimeUnit.MILLISECONDS.toNanos(SCRAPE_MILLIS);
        final java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long next = System.nanoTime();
        while (scraping) {
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
            scraping = false;
            scraper.join(10_000);
            final long n = Math.max(1, scrapes);
            System.out.printf("%nscrapes: %d, each %.1f µs wall, %.1f µs CPU, %d chars%n", scrapes,
                scrapeNanos / 1e3 / n, scrapeCpuNanos / 1e3 / n, scrapedChars / n);
            registry.close();
        }
        exec.close();
    }

    private void submit(Runnable r) {
        BatchMarker.offerSpinning(exec, r);
    }

    /** Cross-core: {@value #BATCH} submits from the benchmark thread (half spawn a local child), then a marker. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long submitAndRun() {
        final Runnable t = task;
        final Runnable s = spawner;
        for (int i = 0; i < BATCH; i += 2) {
            submit(t);
            submit(s);
        }
        marker.target = ++round; // plain: published to the Exec by the submit below
        submit(marker);
        marker.awaitDone(round);
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
