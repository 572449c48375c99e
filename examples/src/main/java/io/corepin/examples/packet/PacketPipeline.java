package io.corepin.examples.packet;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.CpuLayout;
import io.corepin.affinity.Pinning;
import io.corepin.telemetry.Telemetry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The flagship demo: a synthetic packet pipeline in the style of a DPDK run-to-completion application.
 *
 * <p>One RX thread (the generator, standing in for a NIC queue) takes packets from a fixed pool, fills each with a
 * 5-tuple from a set of flows, hashes the flow key to one core ({@link ExecGroup#indexFor(long)}) and enqueues the
 * packets to that core's Exec in bursts ({@link Exec#offerBurst}: one CAS per burst). Each Exec runs its packets to
 * completion — flow table, ACL, NAT rewrite, checksum — touching only state its own core owns, then returns the
 * packet to the pool through an SPSC ring. A full ring drops the packets that did not fit, as a NIC would.
 *
 * <p>Every second it prints the rate, each core's share and CPU load, and the drops; at the end a summary that also
 * checks that every flow was handled by exactly one core.
 *
 * <pre>
 * usage: PacketPipeline [--seconds N] [--execs N] [--flows N] [--pool N] [--burst N] [--rate MPPS] [--cpus a,b,..]
 * </pre>
 * Without {@code --rate} the generator offers packets as fast as it can, which overloads the cores and shows
 * drops; with it, the generator paces itself to that offered load.
 */
public final class PacketPipeline {
    private final int seconds;
    private final int flowsCount;
    private final int poolSize;
    private final int burst;
    private final AffinityPlan plan;
    private final double rateMpps;

    private PacketPipeline(int seconds, int flowsCount, int poolSize, int burst, AffinityPlan plan, double rateMpps) {
        this.rateMpps = rateMpps;
        this.seconds = seconds;
        this.flowsCount = flowsCount;
        this.poolSize = poolSize;
        this.burst = burst;
        this.plan = plan;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int flows = 10_000;
        int pool = 65_536;
        int burst = 32;
        int execs = -1;
        int[] cpus = null;
        double rate = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: PacketPipeline [--seconds N] [--execs N] [--flows N] [--pool N]"
                    + " [--burst N] [--rate MPPS] [--cpus a,b,..]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--seconds": seconds = positive(a, v); break;
                case "--execs": execs = positive(a, v); break;
                case "--flows": flows = positive(a, v); break;
                case "--pool": pool = positive(a, v); break;
                case "--burst": burst = positive(a, v); break;
                case "--rate": rate = rate(v); break;
                case "--cpus": cpus = Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                    break;
                default: throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
        CpuLayout layout = CpuLayout.detect();
        if (execs < 0) {
            // leave one CPU for the generator (the "NIC"), which is the other busy thread
            execs = cpus != null ? cpus.length : Math.max(1, layout.allowedCpus().length - 1);
        }
        AffinityPlan plan = cpus != null ? AffinityPlan.of(cpus) : AffinityPlan.auto(execs);
        new PacketPipeline(seconds, flows, pool, burst, plan, rate).run(layout);
    }

    private static double rate(String value) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rate takes Mpps as a number, got \"" + value + "\"");
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("--rate must be a positive number of Mpps, got " + value);
        }
        return v;
    }

    private static int positive(String option, String value) {
        int v;
        try {
            v = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number, got \"" + value + "\"");
        }
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + v);
        }
        return v;
    }

    private void run(CpuLayout layout) throws Exception {
        final int n = plan.execCount();
        final CoreState[] cores = new CoreState[n];
        for (int c = 0; c < n; c++) {
            cores[c] = new CoreState(poolSize);
        }
        final Flow[] flows = Flow.random(flowsCount, 42);
        final Packet[] free = new Packet[poolSize];
        for (int i = 0; i < poolSize; i++) {
            free[i] = new Packet(cores);
        }
        int freeCount = poolSize;
        final Packet[][] stage = new Packet[n][burst];
        final int[] staged = new int[n];
        final SplittableRandom random = new SplittableRandom(7);
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        System.out.println("corepin packet pipeline: " + layout);
        System.out.println("plan: " + plan.describe());
        try (ExecGroup group = ExecGroup.builder().affinity(plan)
            .execSettings(Exec.builder().name("core").ringCapacity(8192)).build()) {
            for (int c = 0; c < n; c++) {
                Exec e = group.exec(c);
                System.out.printf("  %s on cpu %s%n", e.name(), e.cpu() < 0 ? "(unpinned)" : e.cpu());
            }
            int rxCpu = firstFreeCpu(layout, group);
            int rxGot = Pinning.pinCurrentThread(rxCpu);
            System.out.printf("  rx generator on cpu %s; %,d flows, pool of %,d packets, bursts of %d, %d s, %s%n",
                rxGot < 0 ? "(unpinned)" : rxGot, flowsCount, poolSize, burst, seconds,
                rateMpps > 0 ? "offered load " + rateMpps + " Mpps" : "offered load: as fast as possible");
            Telemetry.countersFile().ifPresent(f -> System.out.printf(
                "  live counters in %s: watch them with  bash bin/corepin-stat %d%n", f.path(), f.pid()));
            System.out.println();

            long generated = 0;
            long drops = 0;
            long poolEmpty = 0;
            final long start = System.nanoTime();
            final long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long nextReport = start + TimeUnit.SECONDS.toNanos(1);
            long lastReport = start;
            long lastGenerated = 0;
            long lastDrops = 0;
            long[] lastRun = new long[n];
            long[] lastCpu = new long[n];
            for (int c = 0; c < n; c++) {
                lastCpu[c] = threads.getThreadCpuTime(group.exec(c).threadId());
            }
            long now = start;
            while (now < end) {
                // 1. the pool: take back what the cores have freed
                for (int c = 0; c < n && freeCount < poolSize; c++) {
                    freeCount += cores[c].freeRing.pollBurst(free, freeCount, poolSize - freeCount);
                }
                // 2. receive a burst: fill packets and sort them by owning core
                int rx = Math.min(burst, freeCount);
                if (rateMpps > 0 && generated >= (now - start) * rateMpps / 1e3) {
                    rx = 0; // ahead of the offered load: wait
                    Thread.onSpinWait();
                }
                if (freeCount == 0) {
                    poolEmpty++;
                    Thread.onSpinWait();
                }
                for (int i = 0; i < rx; i++) {
                    Packet p = free[--freeCount];
                    Flow f = flows[random.nextInt(flows.length)];
                    int core = group.indexFor(f.key);
                    p.fill(f, 64 + random.nextInt(1436), core);
                    stage[core][staged[core]++] = p;
                }
                generated += rx;
                // 3. one burst enqueue per core; what does not fit is dropped back into the pool
                for (int c = 0; c < n; c++) {
                    int k = staged[c];
                    if (k == 0) {
                        continue;
                    }
                    int accepted = group.exec(c).offerBurst(stage[c], 0, k);
                    for (int i = Math.max(accepted, 0); i < k; i++) {
                        free[freeCount++] = stage[c][i];
                        drops++;
                    }
                    Arrays.fill(stage[c], 0, k, null);
                    staged[c] = 0;
                }
                now = System.nanoTime();
                if (now >= nextReport) {
                    double secs = (now - lastReport) / 1e9;
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%3.0fs  %6.2f Mpps  |",
                        (now - start) / 1e9, (generated - drops - lastGenerated + lastDrops) / secs / 1e6));
                    for (int c = 0; c < n; c++) {
                        Exec e = group.exec(c);
                        long run = e.tasksRun();
                        long cpu = threads.getThreadCpuTime(e.threadId());
                        line.append(String.format(Locale.ROOT, "  %s %5.2f Mpps %3.0f%% cpu",
                            e.name(), (run - lastRun[c]) / secs / 1e6, 100.0 * (cpu - lastCpu[c]) / (now - lastReport)));
                        lastRun[c] = run;
                        lastCpu[c] = cpu;
                    }
                    line.append(String.format(Locale.ROOT, "  | drops %,d/s", (long) ((drops - lastDrops) / secs)));
                    System.out.println(line);
                    lastReport = now;
                    lastGenerated = generated;
                    lastDrops = drops;
                    nextReport += TimeUnit.SECONDS.toNanos(1);
                }
            }
            final double elapsed = (System.nanoTime() - start) / 1e9;
            group.close(); // every accepted packet runs; thread exit orders the cores' state before our reads
            summary(group, cores, generated, drops, poolEmpty, elapsed);
        }
    }

    private static int firstFreeCpu(CpuLayout layout, ExecGroup group) {
        Set<Integer> used = new HashSet<>();
        for (int c = 0; c < group.size(); c++) {
            used.add(group.exec(c).cpu());
        }
        for (int cpu : layout.allowedCpus()) {
            if (!used.contains(cpu)) {
                return cpu;
            }
        }
        return AffinityPlan.UNPINNED;
    }

    private void summary(ExecGroup group, CoreState[] cores, long generated, long drops, long poolEmpty,
        double elapsed) {
        long processed = 0;
        long aclDrops = 0;
        long bytes = 0;
        long flowsSeen = 0;
        Set<Long> distinct = new HashSet<>();
        System.out.println();
        System.out.println("summary");
        for (int c = 0; c < cores.length; c++) {
            CoreState s = cores[c];
            processed += s.packets;
            aclDrops += s.aclDrops;
            bytes += s.bytes;
            flowsSeen += s.flows.size();
            for (long key : s.flows.keySet()) {
                distinct.add(key);
            }
            System.out.printf(Locale.ROOT, "  %s (cpu %d): %,d packets (%.1f%%), %,d flows, %,d ACL drops%n",
                group.exec(c).name(), group.exec(c).cpu(), s.packets, 100.0 * s.packets / Math.max(1, generated - drops),
                s.flows.size(), s.aclDrops);
        }
        System.out.printf(Locale.ROOT, "  generated %,d packets in %.1f s; processed %,d (%.2f Mpps, %.2f Gbit/s)%n",
            generated, elapsed, processed, processed / elapsed / 1e6, bytes * 8 / elapsed / 1e9);
        System.out.printf(Locale.ROOT, "  ring-full drops %,d (%.3f%%), ACL drops %,d, pool-empty waits %,d%n",
            drops, 100.0 * drops / Math.max(1, generated), aclDrops, poolEmpty);
        boolean accounted = processed == generated - drops;
        boolean oneCorePerFlow = distinct.size() == flowsSeen;
        System.out.printf("  every accepted packet processed: %s; every flow on exactly one core: %s (%,d flows)%n",
            accounted ? "yes" : "NO", oneCorePerFlow ? "yes" : "NO", distinct.size());
        if (!accounted || !oneCorePerFlow) {
            System.exit(1);
        }
    }
}
