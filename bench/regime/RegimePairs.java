/**
 * Issue #13 probe (bench/regime-pairs.sh): in one JVM, the same two threads (pinned to vCPUs 0 and 1) alternate
 * windows of a cache-line ping-pong (the round trip between the vCPUs as the JVM sees it) and of ExecThroughput's raw
 * ring loop (10,000 CountTasks and a BatchMarker per round, consumer draining bursts of 32). One line per pair of
 * windows; at the end the windows grouped by round trip. If the regimes are the host's placement of the two vCPUs,
 * throughput follows the round trip window by window.
 *   RegimePairs SECONDS [WINDOW_MS]
 */
import io.corepin.affinity.Pinning;
import io.corepin.bench.BatchMarker;
import io.corepin.bench.CountTask;
import io.corepin.ring.MpscRing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

public class RegimePairs {
    /** A long alone on its 128-byte pair of lines. */
    static final class Line {
        long p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15;
        volatile long v;
        long q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15;
    }

    static final int PING = 0, RING = 1, STOP = 2;
    static volatile int phase = PING;
    static final Line ping = new Line(), pong = new Line();

    public static void main(String[] a) throws Exception {
        final double seconds = Double.parseDouble(a[0]);
        final long window = (a.length > 1 ? Long.parseLong(a[1]) : 200) * 1_000_000L;
        final MpscRing<Runnable> ring = new MpscRing<>(16384);
        final Consumer<Runnable> run = Runnable::run;
        final Thread consumer = new Thread(() -> {
            if (Pinning.pinCurrentThread(1) != 1) {
                throw new IllegalStateException("consumer not pinned to CPU 1");
            }
            long seen = 0;
            int ph;
            while ((ph = phase) != STOP) {
                if (ph == PING) {
                    final long v = ping.v;
                    if (v != seen) {
                        seen = v;
                        pong.v = v;
                    } else {
                        Thread.onSpinWait();
                    }
                } else if (ring.drain(run, 32) == 0) {
                    Thread.onSpinWait();
                }
            }
        }, "pairs-consumer");
        consumer.setDaemon(true);
        consumer.start();
        if (Pinning.pinCurrentThread(0) != 0) {
            throw new IllegalStateException("producer not pinned to CPU 0");
        }
        final CountTask task = new CountTask();
        final BatchMarker marker = new BatchMarker();
        long i = 0, round = 0;
        final List<double[]> pairs = new ArrayList<>();
        final long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            phase = PING;
            final long[] batches = new long[100_000];
            int nb = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < window && nb < batches.length) {
                final long b0 = System.nanoTime();
                for (int k = 0; k < 1000; k++) {
                    ping.v = ++i;
                    while (pong.v != i) {
                        Thread.onSpinWait();
                    }
                }
                batches[nb++] = System.nanoTime() - b0;
            }
            Arrays.sort(batches, 0, nb);
            final double rt = batches[nb / 2] / 1000.0;
            phase = RING;
            long ops = 0;
            t0 = System.nanoTime();
            while (System.nanoTime() - t0 < window) {
                for (int k = 0; k < 10000; k++) {
                    while (ring.offer(task) < 0) {
                        Thread.onSpinWait();
                    }
                }
                marker.target = ++round;
                while (ring.offer(marker) < 0) {
                    Thread.onSpinWait();
                }
                marker.awaitDone(round);
                ops += 10000;
            }
            final double mps = ops / ((System.nanoTime() - t0) / 1000.0);
            pairs.add(new double[] {rt, mps});
            System.out.printf("round trip %6.1f ns   raw ring %6.1f M tasks/s%n", rt, mps);
        }
        phase = STOP;
        consumer.join(10_000);
        // drop the first two pairs (JIT warm-up), then group by round trip
        final List<double[]> warm = pairs.subList(Math.min(2, pairs.size()), pairs.size());
        final double[][] bands = {{0, 150}, {150, 250}, {250, 350}, {350, 1e9}};
        for (double[] band : bands) {
            int n = 0;
            double sum = 0, lo = Double.MAX_VALUE, hi = 0;
            for (double[] p : warm) {
                if (p[0] >= band[0] && p[0] < band[1]) {
                    n++;
                    sum += p[1];
                    lo = Math.min(lo, p[1]);
                    hi = Math.max(hi, p[1]);
                }
            }
            System.out.printf("round trip %s ns: %d windows%s%n",
                band[1] > 1e8 ? ">= " + (int) band[0] : (int) band[0] + "-" + (int) band[1], n,
                n == 0 ? "" : String.format(", raw ring mean %.1f M tasks/s (%.1f-%.1f)", sum / n, lo, hi));
        }
        final double[] x = warm.stream().mapToDouble(p -> p[0]).toArray();
        final double[] y = warm.stream().mapToDouble(p -> p[1]).toArray();
        System.out.printf("Pearson r (round trip, throughput) over %d windows: %.2f%n", x.length, pearson(x, y));
    }

    static double pearson(double[] x, double[] y) {
        final int n = x.length;
        final double mx = Arrays.stream(x).average().orElse(0), my = Arrays.stream(y).average().orElse(0);
        double sxy = 0, sxx = 0, syy = 0;
        for (int k = 0; k < n; k++) {
            sxy += (x[k] - mx) * (y[k] - my);
            sxx += (x[k] - mx) * (x[k] - mx);
            syy += (y[k] - my) * (y[k] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
