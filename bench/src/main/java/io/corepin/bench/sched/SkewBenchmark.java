package io.corepin.bench.sched;

import io.corepin.Backpressure;
import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.WorkBalancing;
import io.corepin.affinity.AffinityPlan;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A skewed load with and without {@link WorkBalancing}, in one run: a producer submits {@code TASKS} un-keyed tasks
 * (each {@code WORK_MICROS} of busy work) to a group of two pinned Execs through a balancer that sends 90 % of them
 * to Exec 0, blocking when its ring (1024) is full. Reports throughput and the queueing delay (submit → start),
 * p50 / p99, from HdrHistogram.
 *
 * <p>Run: {@code bash bench/run.sh sched}.
 */
public final class SkewBenchmark {
    static final int TASKS = 100_000;
    static final long WORK_MICROS = 10;

    private SkewBenchmark() {
    }

    /** One task: records its queueing delay, then busy-works. */
    static final class Job implements Runnable {
        final int index;
        private final long submitted;
        private final Recorder delays;
        private final Exec second;
        private final long[] ranOn1;
        private final CountDownLatch done;

        Job(int index, long submitted, Recorder delays, Exec second, long[] ranOn1, CountDownLatch done) {
            this.index = index;
            this.submitted = submitted;
            this.delays = delays;
            this.second = second;
            this.ranOn1 = ranOn1;
            this.done = done;
        }

        @Override
        public void run() {
            long begin = System.nanoTime();
            delays.recordValue(Math.max(0, begin - submitted) / 1_000);
            if (Exec.current() == second) {
                ranOn1[0]++; // only Exec 1 writes it
            }
            while (System.nanoTime() - begin < WORK_MICROS * 1_000) {
                Thread.onSpinWait();
            }
            done.countDown();
        }
    }

    static final class Result {
        double tasksPerSecond;
        long p50Micros;
        long p99Micros;
        double shareOnExec1;
    }

    static Result round(WorkBalancing balancing) throws InterruptedException {
        Recorder delays = new Recorder(3);
        CountDownLatch done = new CountDownLatch(TASKS);
        long[] ranOn1 = new long[1];
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.auto(2, false))
            // by the task itself, so that a retry under backpressure asks again and gets the same Exec
            .balancer((task, g) -> ((Job) task).index % 10 == 9 ? 1 : 0)
            .backpressure(Backpressure.block(Duration.ofSeconds(30)))
            .workBalancing(balancing)
            .execSettings(Exec.builder().name("skew").ringCapacity(1024).daemon(true)).build()) {
            Exec second = group.exec(1);
            long start = System.nanoTime();
            for (int i = 0; i < TASKS; i++) {
                group.execute(new Job(i, System.nanoTime(), delays, second, ranOn1, done));
            }
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("round did not finish");
            }
            long elapsed = System.nanoTime() - start;
            Histogram h = delays.getIntervalHistogram();
            Result r = new Result();
            r.tasksPerSecond = TASKS / (elapsed / 1e9);
            r.p50Micros = h.getValueAtPercentile(50);
            r.p99Micros = h.getValueAtPercentile(99);
            group.shutdown();
            if (!group.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("group did not stop");
            }
            r.shareOnExec1 = ranOn1[0] / (double) TASKS; // read after termination: happens-after Exec 1's writes
            return r;
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        round(WorkBalancing.off()); // warm-up
        round(WorkBalancing.donateAbove(64));
        Result[] off = new Result[rounds];
        Result[] on = new Result[rounds];
        for (int r = 0; r < rounds; r++) {
            off[r] = round(WorkBalancing.off());
            on[r] = round(WorkBalancing.donateAbove(64));
        }
        System.out.printf("%,d tasks × %d µs, 90 %% submitted to Exec 0 of 2 pinned Execs, ring 1024, blocking "
            + "backpressure; medians of %d rounds each%n%n", TASKS, WORK_MICROS, rounds);
        System.out.println("| work balancing | tasks/s | queueing delay p50 (µs) | p99 (µs) | share run on Exec 1 |");
        System.out.println("|---|--:|--:|--:|--:|");
        row("off", off);
        row("`donateAbove(64)`", on);
        System.out.printf("%nthroughput on/off: %.2f×; p99 delay on/off: %.2f×%n",
            median(on, 0) / median(off, 0), median(on, 2) / median(off, 2));
    }

    private static void row(String name, Result[] rs) {
        System.out.printf("| %s | %,.0f | %,.0f | %,.0f | %.0f %% |%n", name, median(rs, 0), median(rs, 1),
            median(rs, 2), 100 * median(rs, 3));
    }

    private static double median(Result[] rs, int column) {
        double[] v = new double[rs.length];
        for (int i = 0; i < rs.length; i++) {
            Result r = rs[i];
            v[i] = column == 0 ? r.tasksPerSecond : column == 1 ? r.p50Micros : column == 2 ? r.p99Micros
                : r.shareOnExec1;
        }
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
