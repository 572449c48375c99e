package io.corepin.examples.udp;

import io.corepin.Exec;
import io.corepin.IdleStrategy;
import io.corepin.affinity.AffinityPlan;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A UDP echo server on real sockets: one pinned {@link Exec} per core, in one of two {@link Mode}s. In
 * {@link Mode#REUSEPORT} each core has its own {@code SO_REUSEPORT} {@link DatagramChannel} on the same port, polled
 * by the Exec itself ({@link UdpCore}); the kernel hashes each flow (source address and port, destination address and
 * port, UDP) to one socket. In {@link Mode#DISPATCH} one socket is polled by core 0, which hands each datagram to the
 * core {@link io.corepin.balance.LoadBalancer#indexFor LoadBalancer.indexFor(flowKey, cores)} names
 * ({@link DispatchReceiver}). Either way a flow's datagrams are all handled by one core, against that core's flow
 * table, without a lock. Every datagram is answered ({@link EchoStamp}); a reply the socket cannot take is dropped
 * and counted.
 *
 * <pre>
 *   try (UdpEchoServer server = UdpEchoServer.builder().port(0).execs(2).mode(Mode.DISPATCH).start()) {
 *       int port = server.port();
 *   }
 * </pre>
 */
public final class UdpEchoServer implements AutoCloseable {
    /** Receive buffer asked for each socket (the kernel caps it at net.core.rmem_max). */
    private static final int RECEIVE_BUFFER = 4 << 20;

    /** How datagrams reach the core that handles their flow. */
    public enum Mode {
        /** One {@code SO_REUSEPORT} socket per core: the kernel hashes each flow to a socket, so to a core. */
        REUSEPORT,
        /**
         * One socket, polled by core 0 (the receiver), which hands each datagram by flow key to its core (itself
         * included) in batches through that core's ring; the buffers come back through one single-producer ring per
         * core. The handling core sends the reply on the same socket.
         */
        DISPATCH
    }

    private final CoreStats[] cores;
    private final Exec[] execs;
    private final int port;
    private final Mode mode;

    private UdpEchoServer(CoreStats[] cores, Exec[] execs, int port, Mode mode) {
        this.cores = cores;
        this.execs = execs;
        this.port = port;
        this.mode = mode;
    }

    /**
     * Defaults: 127.0.0.1, port 9999, one Exec per allowed CPU, {@link Mode#REUSEPORT}, batches of 32, datagrams up
     * to 2048 bytes.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The port every core's socket is bound to. */
    public int port() {
        return port;
    }

    /** How datagrams reach their core. */
    public Mode mode() {
        return mode;
    }

    /** Number of cores. */
    public int cores() {
        return cores.length;
    }

    /** Core {@code i}'s Exec. */
    public Exec exec(int i) {
        return execs[i];
    }

    /** Datagrams core {@code i} read from a socket (published once per batch; in DISPATCH mode only core 0 reads). */
    public long received(int i) {
        return cores[i].received.get();
    }

    /** Replies core {@code i} sent. */
    public long replied(int i) {
        return cores[i].replied.get();
    }

    /** Replies core {@code i} dropped (its socket's send buffer was full, or the send failed). */
    public long replyDrops(int i) {
        return cores[i].replyDrops.get();
    }

    /** Datagrams longer than the maximum, dropped unanswered by core {@code i}. */
    public long truncated(int i) {
        return cores[i].truncated.get();
    }

    /**
     * Datagrams core {@code i} received but could not hand to their core (DISPATCH only: that core's ring was full,
     * or it was closing, or no buffer batch for it was free); dropped unanswered.
     */
    public long dispatchDrops(int i) {
        return cores[i].dispatchDrops.get();
    }

    /**
     * Totals over all cores: received, replied, reply drops, truncated, dispatch drops. Once the server is idle and
     * its last batches published, received = replied + reply drops + truncated + dispatch drops.
     */
    public long[] totals() {
        long[] t = new long[5];
        for (int i = 0; i < cores.length; i++) {
            t[0] += received(i);
            t[1] += replied(i);
            t[2] += replyDrops(i);
            t[3] += truncated(i);
            t[4] += dispatchDrops(i);
        }
        return t;
    }

    /** Nanoseconds from the first batch received to the last, over all cores (0 if fewer than two). */
    public long activeNanos() {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (CoreStats c : cores) {
            long f = c.firstNanos.get();
            if (f != 0) {
                first = Math.min(first, f);
                last = Math.max(last, c.lastNanos.get());
            }
        }
        return first == Long.MAX_VALUE ? 0 : last - first;
    }

    /**
     * Core {@code i}'s flow table (flow key, see {@link #flowKey}, to datagrams answered or dropped), copied on
     * that core.
     *
     * @throws IllegalStateException if the core does not answer within {@code timeoutSeconds}
     */
    public Map<Long, Long> flows(int i, long timeoutSeconds) throws InterruptedException {
        CoreStats core = cores[i];
        try {
            return execs[i].submit(core::flowSnapshot).get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("udp core " + i + " did not copy its flow table: " + e, e);
        }
    }

    /** The flow key the server uses for datagrams from {@code source} (IPv4). */
    public static long flowKey(InetSocketAddress source) {
        return FlowTable.key(source);
    }

    /** Closes every core: its Exec stops, and its poller closes its socket. Waits at most 10 s per core. */
    @Override
    public void close() {
        for (Exec e : execs) {
            e.shutdown();
        }
        for (Exec e : execs) {
            try {
                if (!e.awaitTermination(10, TimeUnit.SECONDS)) {
                    e.shutdownNow();
                }
            } catch (InterruptedException ie) {
                e.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Where each core runs, one line per core. */
    public String describe() {
        StringBuilder sb = new StringBuilder("corepin udp-echo on port ").append(port).append(" (")
            .append(cores.length).append(mode == Mode.REUSEPORT ? " cores, one SO_REUSEPORT socket each)"
                : " cores, one socket received by core 0 and dispatched by flow key)");
        for (Exec e : execs) {
            sb.append(System.lineSeparator()).append("  ").append(e.name())
                .append(e.cpu() < 0 ? " (not pinned)" : " on CPU " + e.cpu());
        }
        return sb.toString();
    }

    /** Settings; each setter names a bad value. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 9999;
        private AffinityPlan plan;
        private int batch = 32;
        private int maxDatagram = 2048;
        private int spins = 100;
        private Mode mode = Mode.REUSEPORT;

        private Builder() {
        }

        /** How datagrams reach their core (default {@link Mode#REUSEPORT}). */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode (REUSEPORT or DISPATCH)");
            return this;
        }

        /** IPv4 address to bind (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port in [0, 65535]; 0 picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            }
            this.port = port;
            return this;
        }

        /** {@code n} cores placed by {@link AffinityPlan#auto(int)}. */
        public Builder execs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("execs must be >= 1, got " + n);
            }
            this.plan = AffinityPlan.auto(n);
            return this;
        }

        /** Exactly these CPUs, one core each. */
        public Builder affinity(AffinityPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /** Most datagrams received per turn, in [1, 1024] (default 32). */
        public Builder batch(int batch) {
            if (batch < 1 || batch > 1024) {
                throw new IllegalArgumentException("batch must be in [1, 1024], got " + batch);
            }
            this.batch = batch;
            return this;
        }

        /** Longest datagram answered, in [24, 65507] (default 2048); longer ones are counted and dropped. */
        public Builder maxDatagram(int bytes) {
            if (bytes < EchoStamp.HEADER || bytes > 65507) {
                throw new IllegalArgumentException("maxDatagram must be in [24, 65507], got " + bytes);
            }
            this.maxDatagram = bytes;
            return this;
        }

        /** Idle turns (each a non-blocking receive) before a core blocks in select (default 100). */
        public Builder spins(int spins) {
            if (spins < 0) {
                throw new IllegalArgumentException("spins must be >= 0, got " + spins);
            }
            this.spins = spins;
            return this;
        }

        /**
         * Binds one socket per core (REUSEPORT) or one socket (DISPATCH) and starts the cores.
         *
         * @throws IOException naming the address if a socket cannot be bound (nothing stays open then)
         */
        public UdpEchoServer start() throws IOException {
            AffinityPlan p = plan != null ? plan : AffinityPlan.auto(Runtime.getRuntime().availableProcessors());
            if (mode == Mode.DISPATCH) {
                return startDispatch(p);
            }
            int n = p.execCount();
            List<DatagramChannel> opened = new ArrayList<>();
            UdpCore[] cores = new UdpCore[n];
            Exec[] execs = new Exec[n];
            int bound = port;
            try {
                for (int i = 0; i < n; i++) { // all sockets bound before any Exec runs: the kernel's hash is stable
                    DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
                    opened.add(ch);
                    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
                    InetSocketAddress address = new InetSocketAddress(host, bound);
                    try {
                        ch.bind(address);
                    } catch (IOException e) {
                        throw new IOException("cannot bind udp socket " + i + " to " + address + ": "
                            + e.getMessage(), e);
                    }
                    bound = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                    cores[i] = new UdpCore(i, ch, batch, maxDatagram);
                }
                for (int i = 0; i < n; i++) {
                    UdpCore core = cores[i];
                    execs[i] = Exec.builder().name("udp-echo-" + i).cpu(p.cpuFor(i))
                        .idleStrategy(IdleStrategy.park(spins, 0)) // then block in the socket's select
                        .poller(() -> core)
                        .build();
                }
            } catch (IOException | RuntimeException | Error e) {
                for (int i = 0; i < n; i++) {
                    if (execs[i] != null) {
                        execs[i].shutdownNow(); // its poller closes the core's socket and selector
                    } else if (cores[i] != null) {
                        cores[i].close();
                    }
                }
                for (DatagramChannel ch : opened) {
                    try {
                        ch.close(); // no-op for those closed above
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
            return new UdpEchoServer(cores, execs, bound, Mode.REUSEPORT);
        }

        /** One socket; the other cores' Execs first, so they exist before core 0's receiver polls. */
        private UdpEchoServer startDispatch(AffinityPlan p) throws IOException {
            int n = p.execCount();
            DispatchCore[] cores = new DispatchCore[n];
            Exec[] execs = new Exec[n];
            DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
            DispatchReceiver receiver = null;
            try {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
                InetSocketAddress address = new InetSocketAddress(host, port);
                try {
                    ch.bind(address);
                } catch (IOException e) {
                    throw new IOException("cannot bind udp socket to " + address + ": " + e.getMessage(), e);
                }
                for (int i = 0; i < n; i++) {
                    cores[i] = new DispatchCore(i, ch);
                }
                DispatchReceiver r = new DispatchReceiver(cores, execs, ch, batch, maxDatagram);
                receiver = r;
                for (int i = n - 1; i >= 0; i--) { // core 0, the receiver, last: the others exist when it polls
                    Exec.Builder eb = Exec.builder().name("udp-echo-" + i).cpu(p.cpuFor(i))
                        .idleStrategy(IdleStrategy.park(spins, 0)); // core 0 then blocks in select, others park
                    if (i == 0) {
                        eb.poller(() -> r);
                    }
                    execs[i] = eb.build();
                }
            } catch (IOException | RuntimeException | Error e) {
                for (int i = 0; i < n; i++) {
                    if (execs[i] != null) {
                        execs[i].shutdownNow(); // Exec 0's poller closes the socket and selector
                    }
                }
                if (execs[0] == null && receiver != null) {
                    receiver.close();
                }
                try {
                    ch.close(); // no-op if closed above
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            return new UdpEchoServer(cores, execs, ((InetSocketAddress) ch.getLocalAddress()).getPort(),
                Mode.DISPATCH);
        }
    }
}
