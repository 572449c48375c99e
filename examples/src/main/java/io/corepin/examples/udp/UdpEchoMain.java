package io.corepin.examples.udp;

import io.corepin.affinity.AffinityPlan;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link UdpEchoServer} until Ctrl-C (or {@code --seconds}), printing each second the datagrams received and
 * answered per core, and at the end one {@code RESULT} line that {@code examples/udp-echo.sh} reads.
 *
 * <pre>
 * usage: UdpEchoMain [--host 127.0.0.1] [--port 9999] [--execs N | --cpus a,b,..] [--batch 32]
 *                    [--max-datagram 2048] [--spins 100] [--mode reuseport|dispatch]
 *                    [--seconds N (0: until Ctrl-C)] [--quiet]
 * </pre>
 */
public final class UdpEchoMain {
    private UdpEchoMain() {
    }

    public static void main(String[] args) throws Exception {
        UdpEchoServer.Builder b = UdpEchoServer.builder();
        int seconds = 0;
        boolean quiet = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--quiet")) {
                    quiet = true;
                    continue;
                }
                if (option.equals("-h") || option.equals("--help")) {
                    System.out.println(usage());
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String v = args[++i];
                switch (option) {
                    case "--host": b.host(v); break;
                    case "--port": b.port(integer(option, v)); break;
                    case "--execs": b.execs(integer(option, v)); break;
                    case "--cpus": b.affinity(AffinityPlan.of(cpus(v))); break;
                    case "--batch": b.batch(integer(option, v)); break;
                    case "--max-datagram": b.maxDatagram(integer(option, v)); break;
                    case "--spins": b.spins(integer(option, v)); break;
                    case "--mode": b.mode(mode(v)); break;
                    case "--seconds": seconds = integer(option, v); break;
                    default: throw new IllegalArgumentException("unknown option " + option);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        UdpEchoServer server = b.start();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch printed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                printed.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "udp-echo-shutdown"));
        System.out.println(server.describe());
        System.out.flush();
        long start = System.nanoTime();
        long[] prev = new long[server.cores()];
        try {
            while (!stop.await(1, TimeUnit.SECONDS)) {
                if (!quiet) {
                    StringBuilder sb = new StringBuilder("udp-echo:");
                    for (int i = 0; i < server.cores(); i++) {
                        long rx = server.received(i);
                        sb.append(String.format(Locale.ROOT, " core %d %,d pkt/s (rx %,d tx %,d drop %,d)", i,
                            rx - prev[i], rx, server.replied(i), server.replyDrops(i)));
                        prev[i] = rx;
                    }
                    System.out.println(sb);
                }
                if (seconds > 0 && System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(seconds)) {
                    break;
                }
            }
        } finally {
            server.close();
            System.out.println(result("corepin-" + server.mode().name().toLowerCase(Locale.ROOT), server.totals(),
                server.activeNanos()));
            System.out.flush();
            printed.countDown();
        }
    }

    /**
     * The line {@code udp-echo.sh} parses:
     * {@code RESULT <who> rx=N tx=N replyDrops=N truncated=N dispatchDrops=N activeNanos=N}.
     */
    static String result(String who, long[] totals, long activeNanos) {
        return "RESULT " + who + " rx=" + totals[0] + " tx=" + totals[1] + " replyDrops=" + totals[2]
            + " truncated=" + totals[3] + " dispatchDrops=" + (totals.length > 4 ? totals[4] : 0)
            + " activeNanos=" + activeNanos;
    }

    /** {@code reuseport} or {@code dispatch} (any case). */
    static UdpEchoServer.Mode mode(String v) {
        for (UdpEchoServer.Mode m : UdpEchoServer.Mode.values()) {
            if (m.name().equalsIgnoreCase(v.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("--mode must be reuseport or dispatch, got '" + v + "'");
    }

    static String usage() {
        return "usage: UdpEchoMain [--host 127.0.0.1] [--port 9999] [--execs N | --cpus a,b,..] [--batch 32]\n"
            + "                   [--max-datagram 2048] [--spins 100] [--mode reuseport|dispatch]\n"
            + "                   [--seconds N (0: until Ctrl-C)] [--quiet]";
    }

    static int integer(String option, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, got '" + v + "'", e);
        }
    }

    static int[] cpus(String v) {
        try {
            return Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--cpus needs a comma-separated list of CPU numbers, got '" + v + "'", e);
        }
    }
}
