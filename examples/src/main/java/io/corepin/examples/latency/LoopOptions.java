package io.corepin.examples.latency;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The latency loop's command line, parsed and checked; bad values throw naming the option and the value. */
final class LoopOptions {
    /** Every contender, in the order they run. */
    static final List<String> ALL = List.of("raw-ring", "raw-spsc", "corepin", "corepin-unguarded", "agrona", "netty");
    /** The contenders run when {@code --contenders} is not given. */
    static final List<String> DEFAULT = List.of("raw-ring", "corepin", "agrona", "netty");

    /** The options that take a value. */
    private static final List<String> VALUED = List.of("--round-trips", "--warmup", "--plot", "--cpus",
        "--contenders", "--queue-capacity", "--timeout-seconds");

    static final String USAGE = String.join("\n",
        "usage: latency-loop [--round-trips N] [--warmup N] [--plot PATH] [--cpus a,b | --no-pin]",
        "                    [--contenders " + String.join(",", ALL) + "] [--queue-capacity N]",
        "                    [--timeout-seconds N]",
        "  --round-trips N      measured round trips per contender (default 10,000,000; 1e7 works too)",
        "  --warmup N           unrecorded round trips before each contender's measurement (default 1,000,000)",
        "  --plot PATH          percentile plot PNG (default bench/results/latency-loop.png); .hgrm files go beside it",
        "  --cpus a,b           the two CPUs (initiator, responder); default: the affinity plan for 2 Execs",
        "  --no-pin             run every thread unpinned",
        "  --contenders list    which to run, in the order given (default " + String.join(",", DEFAULT) + ")",
        "  --queue-capacity N   capacity of the corepin, raw and Agrona rings/queues, a power of two (default 1024)",
        "  --timeout-seconds N  give up on a phase (warm-up or measurement) after N s (default 600)");

    long roundTrips = 10_000_000;
    long warmup = 1_000_000;
    Path plot = Path.of("bench", "results", "latency-loop.png");
    int[] cpus;
    boolean pin = true;
    List<String> contenders = DEFAULT;
    int queueCapacity = 1024;
    Duration timeout = Duration.ofSeconds(600);
    boolean help;

    private LoopOptions() {
    }

    /**
     * Parses the arguments; a later occurrence of an option wins.
     *
     * @throws IllegalArgumentException naming the option and the bad value
     */
    static LoopOptions parse(String... args) {
        LoopOptions o = new LoopOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h":
                case "--help":
                    o.help = true;
                    continue;
                case "--no-pin":
                    o.pin = false;
                    o.cpus = null;
                    continue;
                default:
                    break;
            }
            if (!VALUED.contains(a)) {
                throw new IllegalArgumentException("unknown option \"" + a + "\" (try --help)");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--round-trips": o.roundTrips = count(a, v, 1); break;
                case "--warmup": o.warmup = count(a, v, 0); break;
                case "--plot": o.plot = Path.of(v); break;
                case "--cpus": o.cpus = cpus(v); o.pin = true; break;
                case "--contenders": o.contenders = contenders(v); break;
                case "--queue-capacity": o.queueCapacity = capacity(v); break;
                case "--timeout-seconds": o.timeout = Duration.ofSeconds(count(a, v, 1)); break;
                default: throw new AssertionError(a);
            }
        }
        return o;
    }

    /** A whole number, in plain digits (underscores and commas allowed) or as 1e7. */
    static long count(String option, String value, long min) {
        long n;
        try {
            n = new BigDecimal(value.replace("_", "").replace(",", "")).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(option + " takes a whole number, got \"" + value + "\"");
        }
        if (n < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
        return n;
    }

    private static int[] cpus(String value) {
        String[] parts = value.split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("--cpus takes exactly two CPU ids (initiator,responder), got \""
                + value + "\"");
        }
        int[] cpus = new int[2];
        for (int i = 0; i < 2; i++) {
            try {
                cpus[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--cpus takes CPU ids, got \"" + parts[i] + "\" in \"" + value
                    + "\"");
            }
        }
        return cpus; // range, duplicates and the allowed set are checked by AffinityPlan.of
    }

    private static List<String> contenders(String value) {
        List<String> list = new ArrayList<>();
        for (String s : value.split(",", -1)) {
            String name = s.trim();
            if (!ALL.contains(name)) {
                throw new IllegalArgumentException("unknown contender \"" + name + "\" in --contenders " + value
                    + "; known: " + String.join(", ", ALL));
            }
            if (list.contains(name)) {
                throw new IllegalArgumentException("contender \"" + name + "\" listed twice in --contenders "
                    + value);
            }
            list.add(name);
        }
        return List.copyOf(list);
    }

    private static int capacity(String value) {
        long n = count("--queue-capacity", value, 2);
        if (n > (1 << 30) || Long.bitCount(n) != 1) {
            throw new IllegalArgumentException("--queue-capacity must be a power of two in [2, 2^30], got " + value);
        }
        return (int) n;
    }

    @Override
    public String toString() {
        return "--round-trips " + roundTrips + " --warmup " + warmup + " --plot " + plot
            + (pin ? cpus == null ? "" : " --cpus " + cpus[0] + "," + cpus[1] : " --no-pin")
            + " --contenders " + String.join(",", contenders) + " --queue-capacity " + queueCapacity
            + " --timeout-seconds " + timeout.toSeconds();
    }
}
