package io.corepin.bench.sched;

import io.corepin.AsyncTask;
import io.corepin.Exec;
import io.corepin.IdleStrategy;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Time to completion with and without a higher-priority followup lane (smartpool's claim), measured in one run.
 *
 * <p>{@code TASKS} tasks of {@code STEPS} steps each (a step is {@code STEP_MICROS} of busy work, then a yield) are
 * spawned at once into a {@code backlog} lane of one Exec with two levels ({@code responsive} above
 * {@code backlog}). Without followup a yielded task goes back to the end of {@code backlog}: the steps of all tasks
 * interleave and every task finishes near the end. With {@code followup(backlog → responsive)} a task that has
 * started is resumed before any new one starts: they finish one after another. Same work, same makespan; the mean
 * time to completion should roughly halve.
 *
 * <p>Run: {@code bash bench/run.sh sched} (or {@code java -cp bench/target/benchmarks.jar
 * io.corepin.bench.sched.FollowupBenchmark [rounds]}).
 */
public final class FollowupBenchmark {
    static final int TASKS = 1_000;
    static final int STEPS = 10;
    static final long STEP_MICROS = 5;

    private FollowupBenchmark() {
    }

    /** Busy work, then yield until STEPS steps are done; records its completion time. */
    static final class Stepper extends AsyncTask {
        private final long start;
        private final long[] doneAt;
        private final int index;
        private final CountDownLatch finished;
        private int step;

        Stepper(long start, long[] doneAt, int index, CountDownLatch finished) {
            this.start = start;
            this.doneAt = doneAt;
            this.index = index;
            this.finished = finished;
        }

        @Override
        protected boolean poll() {
            long until = System.nanoTime() + STEP_MICROS * 1_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            if (++step < STEPS) {
                wake(); // yield: re-queued in the followup lane of the one it came from
                return false;
            }
            doneAt[index] = System.nanoTime() - start;
            finished.countDown();
            return true;
        }
    }

    /** One round: mean, p50, p99 and max completion time in µs. */
    static double[] round(boolean followupHigher) throws InterruptedException {
        Lane responsive = Lane.fifo("responsive");
        Lane backlog = Lane.fifo("backlog");
        Levels.Builder lb = Levels.builder().level(responsive).level(backlog);
        if (followupHigher) {
            lb.followup(backlog, responsive);
        }
        long[] doneAt = new long[TASKS];
        CountDownLatch finished = new CountDownLatch(TASKS);
        try (Exec exec = Exec.builder().name("followup").levels(lb.build()).idleStrategy(IdleStrategy.park())
            .daemon(true).build()) {
            exec.execute(() -> {
                long start = System.nanoTime();
                for (int i = 0; i < TASKS; i++) {
                    exec.spawn(backlog, new Stepper(start, doneAt, i, finished));
                }
            });
            if (!finished.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("round did not finish");
            }
        }
        long[] sorted = doneAt.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1_000.0;
        return new double[] {mean, sorted[TASKS / 2] / 1_000.0, sorted[TASKS * 99 / 100] / 1_000.0,
            sorted[TASKS - 1] / 1_000.0};
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        for (int w = 0; w < 5; w++) { // warm-up: both paths compiled
            round(false);
            round(true);
        }
        double[][] same = new double[rounds][];
        double[][] higher = new double[rounds][];
        for (int r = 0; r < rounds; r++) { // alternate so drift hits both alike
            same[r] = round(false);
            higher[r] = round(true);
        }
        System.out.printf("%d tasks × %d steps of %d µs busy work, one Exec, %d rounds each (medians over rounds)%n%n",
            TASKS, STEPS, STEP_MICROS, rounds);
        System.out.println("| followup of `backlog` | mean completion (µs) | p50 (µs) | p99 (µs) | makespan (µs) |");
        System.out.println("|---|--:|--:|--:|--:|");
        row("`backlog` (default: same lane)", same);
        row("`responsive` (one level higher)", higher);
        System.out.printf("%nmean completion, higher followup / same lane: %.2f×%n",
            median(higher, 0) / median(same, 0));
    }

    private static void row(String name, double[][] rounds) {
        System.out.printf("| %s | %,.0f | %,.0f | %,.0f | %,.0f |%n", name, median(rounds, 0), median(rounds, 1),
            median(rounds, 2), median(rounds, 3));
    }

    private static double median(double[][] rounds, int column) {
        double[] v = new double[rounds.length];
        for (int i = 0; i < rounds.length; i++) {
            v[i] = rounds[i][column];
        }
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
