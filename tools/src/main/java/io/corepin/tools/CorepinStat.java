package io.corepin.tools;

import io.corepin.telemetry.CountersFile;
import io.corepin.telemetry.ExecSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code corepin-stat [PID | FILE] [-i SECONDS] [-n COUNT]}: attaches to a running corepin process's counters file
 * (see {@link io.corepin.telemetry.Telemetry}) and prints a per-core table every interval, like {@code top}: tasks,
 * local and ring enqueues per second, ring depth and high-water mark, busy percentage, parks, wake-ups and rejects
 * per second, task errors, and totals. Without a target it picks the newest counters file of a live process in
 * {@code /dev/shm} or {@code java.io.tmpdir}. On a terminal it redraws in place; piped, it prints one table after
 * another. It exits when the process does, or after {@code -n} tables.
 */
public final class CorepinStat {
    private static final String USAGE = "usage: corepin-stat [PID | FILE] [-i SECONDS] [-n COUNT]";

    private CorepinStat() {
    }

    public static void main(String[] args) throws Exception {
        String target = null;
        double interval = 1;
        long count = Long.MAX_VALUE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h":
                case "--help":
                    System.out.println(USAGE);
                    return;
                case "-i":
                    interval = positive(args, ++i, "-i");
                    break;
                case "-n":
                    count = (long) positive(args, ++i, "-n");
                    break;
                default:
                    if (args[i].startsWith("-") || target != null) {
                        fail("unexpected argument " + args[i] + "\n" + USAGE);
                    }
                    target = args[i];
            }
        }
        Path path;
        try {
            path = CountersFiles.resolve(target);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        try (CountersFile file = CountersFile.open(path)) {
            run(file, (long) (interval * 1000), count);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }
    }

    private static void run(CountersFile file, long intervalMillis, long count) throws InterruptedException {
        final boolean terminal = System.console() != null;
        final long pid = file.pid();
        final StatTable table = new StatTable();
        table.prime(file.sample(), System.nanoTime());
        for (long n = 0; n < count; n++) {
            Thread.sleep(intervalMillis);
            if (!CountersFiles.alive(pid) || !Files.exists(file.path())) {
                System.out.println("corepin-stat: process " + pid + " has exited");
                return;
            }
            List<ExecSample> samples = file.sample();
            long now = System.nanoTime();
            Duration up = Duration.ofMillis(System.currentTimeMillis() - file.startMillis());
            String head = String.format("corepin-stat  pid %d  %s  up %d:%02d:%02d  %s  %d Exec%s", pid, file.path(),
                up.toHours(), up.toMinutesPart(), up.toSecondsPart(),
                LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), samples.size(),
                samples.size() == 1 ? "" : "s");
            String body = table.render(samples, now);
            System.out.print((terminal ? "\033[H\033[2J" : "\n") + head + "\n" + body);
            System.out.flush();
        }
    }

    private static double positive(String[] args, int i, String option) {
        if (i >= args.length) {
            fail(option + " needs a value\n" + USAGE);
        }
        try {
            double v = Double.parseDouble(args[i]);
            if (v > 0 && !Double.isInfinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        fail(option + " takes a positive number, got \"" + args[i] + "\"");
        return 0;
    }

    private static void fail(String message) {
        System.err.println("corepin-stat: " + message);
        System.exit(2);
    }
}
