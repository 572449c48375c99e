package io.corepin.bench.audit;

import io.corepin.Exec;
import io.corepin.IdleStrategy;
import java.util.concurrent.TimeUnit;

/**
 * Drives one Exec hard enough for C2 to compile its loop, for {@code bench/asm-audit.sh}.
 *
 * <p>A producer thread pushes pre-built tasks through the Exec's ring; every eighth of them spawns a pre-built child
 * onto the Exec's local queue, so both sources of a turn are compiled. Now and then the producer pauses so that the
 * Exec goes idle and parks, which exercises the wake-up path. Tasks do plain arithmetic on a plain field, so any
 * atomic instruction the audit finds comes from corepin, not from the task.
 *
 * <p>Usage: {@code HotLoopWorkload [seconds]} (default 8).
 */
public final class HotLoopWorkload {
    private static long sink;

    private HotLoopWorkload() {
    }

    /** Plain work: no synchronisation of any kind. */
    private static final class PlainTask implements Runnable {
        private final long add;

        PlainTask(long add) {
            this.add = add;
        }

        @Override
        public void run() {
            sink += add;
        }
    }

    /** Spawns its child on the current Exec: a local, owner-thread enqueue. */
    private static final class SpawningTask implements Runnable {
        private final Runnable child;

        SpawningTask(Runnable child) {
            this.child = child;
        }

        @Override
        public void run() {
            Exec.current().execute(child);
        }
    }

    public static void main(String[] args) throws Exception {
        final long seconds = args.length > 0 ? Long.parseLong(args[0]) : 8;
        final Runnable[] tasks = new Runnable[64];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = (i & 7) == 0 ? new SpawningTask(new PlainTask(-i)) : new PlainTask(i);
        }
        long offered = 0;
        long full = 0;
        try (Exec exec = Exec.builder().name("audited").idleStrategy(IdleStrategy.park()).build()) {
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long phase = 0;
            while (System.nanoTime() < end) {
                // bursts of work, then a short quiet spell so the Exec parks and must be woken
                for (int i = 0; i < 200_000; i++) {
                    if (exec.offer(tasks[i & 63]) >= 0) {
                        offered++;
                    } else {
                        full++;
                        Thread.onSpinWait();
                    }
                }
                if ((++phase & 7) == 0) {
                    Thread.sleep(2);
                }
            }
            System.out.printf("offered %,d tasks (%,d full rings) in %d s; exec ran %,d, parked %,d times%n",
                offered, full, seconds, exec.tasksRun(), exec.parks());
        }
        System.out.println("sink " + sink);
    }
}
