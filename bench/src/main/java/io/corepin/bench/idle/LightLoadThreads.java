package io.corepin.bench.idle;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.IdleStrategy;
import io.corepin.affinity.AffinityPlan;
import io.corepin.balance.LoadBalancer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A diagnostic beside {@link LightLoad}: where the CPU goes at light load, per thread — user and system ticks and
 * voluntary context switches per task, from {@code /proc/self/task} — over 4 s of paced tiny tasks after 1 s of
 * warm-up (or as many seconds as a third argument says), for one executor per run: {@code corepin} (the default group of 2),
 * {@code corepin-rr} (the same with strict round robin), {@code corepin-one} (pinned, every task to Exec 1), {@code corepin-park0} (idle strategy {@code park(0, 0)}), {@code unpinned},
 * {@code unpinned-noguard} (no stall guard), {@code unpinned-one} (every task to Exec 0), {@code fjp}.
 * {@code java -cp bench/target/benchmarks.jar io.corepin.bench.idle.LightLoadThreads unpinned 10000}. Linux only.
 */
public final class LightLoadThreads {
    private LightLoadThreads() {
    }

    static Map<String, long[]> threads() throws Exception {
        Map<String, long[]> m = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
            for (Path t : ds) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ut = Long.parseLong(f[11]), st = Long.parseLong(f[12]);
                    long vol = 0, invol = 0;
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches")) vol = Long.parseLong(line.split("\\s+")[1]);
                        if (line.startsWith("nonvoluntary_ctxt_switches")) invol = Long.parseLong(line.split("\\s+")[1]);
                    }
                    m.put(name + "#" + t.getFileName(), new long[]{ut, st, vol, invol});
                } catch (Exception gone) { }
            }
        }
        return m;
    }

    public static void main(String[] a) throws Exception {
        String kind = a[0];
        int rate = Integer.parseInt(a[1]);
        int seconds = 4;
        long warmUpNanos = (a.length > 2 ? Integer.parseInt(a[2]) : 1) * 1_000_000_000L;
        Executor ex; AutoCloseable closer;
        switch (kind) {
            case "corepin": { ExecGroup g = ExecGroup.builder().execs(2).build(); ex = g; closer = g; break; }
            case "unpinned": { ExecGroup g = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).build(); ex = g; closer = g; break; }
            case "unpinned-noguard": { ExecGroup g = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).execSettings(Exec.builder().name("ng").stallThreshold(0, TimeUnit.MILLISECONDS)).build(); ex = g; closer = g; break; }
            case "unpinned-one": { ExecGroup g = ExecGroup.builder().affinity(AffinityPlan.unpinned(2)).balancer((t, ts) -> 0).build(); ex = g; closer = g; break; }
            case "corepin-park0": { ExecGroup g = ExecGroup.builder().execs(2).execSettings(Exec.builder().name("p0").idleStrategy(IdleStrategy.park(0, 0))).build(); ex = g; closer = g; break; }
            case "corepin-one": { ExecGroup g = ExecGroup.builder().execs(2).balancer((t, ts) -> 1).build(); ex = g; closer = g; break; }
            case "corepin-rr": { ExecGroup g = ExecGroup.builder().execs(2).balancer(LoadBalancer.roundRobin()).build(); ex = g; closer = g; break; }
            case "fjp": { ForkJoinPool p = new ForkJoinPool(2); ex = p; closer = p::shutdown; break; }
            default: throw new IllegalArgumentException(kind);
        }
        Runnable tiny = () -> { };
        long every = 1_000_000_000L / rate;
        // warm up 1 s
        long next = System.nanoTime();
        for (long end = next + warmUpNanos; System.nanoTime() < end; ) { ex.execute(tiny); next += every; LockSupport.parkNanos(next - System.nanoTime()); }
        Map<String, long[]> before = threads();
        long n = 0;
        next = System.nanoTime();
        for (long end = next + seconds * 1_000_000_000L; System.nanoTime() < end; n++) { ex.execute(tiny); next += every; LockSupport.parkNanos(next - System.nanoTime()); }
        Map<String, long[]> after = threads();
        long tu = 0, ts = 0;
        System.out.printf("%s rate %d: %d tasks in %d s%n", kind, rate, n, seconds);
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[4]);
            long[] x = e.getValue();
            long du = x[0] - b[0], dsy = x[1] - b[1], dv = x[2] - b[2], di = x[3] - b[3];
            tu += du; ts += dsy;
            if (du + dsy > 0 || dv > 100)
                System.out.printf("  %-40s user %4d sys %4d ticks  vol-cs/task %.2f invol %d%n", e.getKey(), du, dsy, dv / (double) n, di);
        }
        System.out.printf("  TOTAL user %d sys %d ticks (10 ms each) = %.2f CPU s per 5 s%n", tu, ts, (tu + ts) / 100.0 * 5 / seconds);
        closer.close();
        System.exit(0);
    }
}
