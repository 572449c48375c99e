package io.corepin.examples.resp;

import io.corepin.Exec;
import io.corepin.IdleStrategy;
import io.corepin.affinity.AffinityPlan;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A shared-nothing key-value server speaking RESP2 (the Redis protocol): one {@link Exec} per core of the affinity
 * plan, each with its own NIO selector (plugged in as the Exec's {@link io.corepin.Poller}), its own connections and
 * its own shard of the keys. Connections reach a core by hashing (one listener) or through per-core
 * {@code SO_REUSEPORT} listeners; a request for a key another core owns travels to it as a task on its Exec and its
 * reply comes back the same way, in order.
 *
 * <pre>
 * try (RespServer server = RespServer.start(ServerConfig.builder().port(0).build())) {
 *     int port = server.port();
 * }
 * </pre>
 */
public final class RespServer implements AutoCloseable {
    private static final int RING_CAPACITY = 16 * 1024;
    private static final long STEP_TIMEOUT_SECONDS = 10;

    private final ServerConfig config;
    private final Core[] cores;
    private final Exec[] execs;
    private final AtomicLong clientIds = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private volatile int port;
    private volatile MetricsEndpoint metrics;
    private boolean closed;

    private RespServer(ServerConfig config, int n) throws IOException {
        this.config = config;
        this.cores = new Core[n];
        this.execs = new Exec[n];
        for (int i = 0; i < n; i++) {
            cores[i] = new Core(i, n, config, this);
        }
    }

    /**
     * Starts the Execs, binds the listeners and returns once the server accepts connections.
     *
     * @throws IOException if a listener cannot bind (the Execs started so far are closed)
     * @throws IllegalArgumentException if the config's CPUs are not allowed
     */
    public static RespServer start(ServerConfig config) throws IOException {
        AffinityPlan plan = config.plan();
        RespServer server = new RespServer(config, plan.execCount());
        try {
            server.startExecs(plan);
            server.listen();
            if (config.metricsPort >= 0) {
                server.metrics = MetricsEndpoint.start(config.host, config.metricsPort, server.execs);
            }
        } catch (IOException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void startExecs(AffinityPlan plan) {
        for (int i = 0; i < cores.length; i++) {
            Core core = cores[i];
            execs[i] = Exec.builder()
                .name("resp-kv-" + i)
                .cpu(plan.cpuFor(i))
                .ringCapacity(RING_CAPACITY)
                .idleStrategy(IdleStrategy.backoff(config.idleSpins, 0, 1, 1, TimeUnit.SECONDS)) // woken by the selector
                .poller(() -> new CorePoller(core))
                .build();
        }
        List<CompletableFuture<Void>> linked = new ArrayList<>();
        for (int i = 0; i < cores.length; i++) {
            Core core = cores[i];
            Exec exec = execs[i];
            linked.add(onCore(i, () -> core.link(exec, cores)));
        }
        await(linked, "linking the cores");
    }

    private void listen() throws IOException {
        InetSocketAddress address = new InetSocketAddress(config.host, config.port);
        List<CompletableFuture<Void>> registered = new ArrayList<>();
        if (config.acceptMode == ServerConfig.AcceptMode.HASH) {
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            bind(listener, address);
            port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            registered.add(onCore(0, () -> addListener(cores[0], listener)));
        } else {
            for (int i = 0; i < cores.length; i++) {
                ServerSocketChannel listener = ServerSocketChannel.open();
                if (!listener.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    listener.close();
                    throw new IOException("SO_REUSEPORT is not supported here: use --accept hash");
                }
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                bind(listener, i == 0 ? address : new InetSocketAddress(config.host, port));
                if (i == 0) {
                    port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
                }
                Core core = cores[i];
                registered.add(onCore(i, () -> addListener(core, listener)));
            }
        }
        await(registered, "registering the listeners");
    }

    private static void bind(ServerSocketChannel listener, InetSocketAddress address) throws IOException {
        try {
            listener.bind(address, 1024);
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    private static void addListener(Core core, ServerSocketChannel listener) {
        try {
            core.addListener(listener);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code action} on core {@code i}'s Exec; the future completes when it has run. */
    private CompletableFuture<Void> onCore(int i, Runnable action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        execs[i].execute(() -> {
            try {
                action.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    private static void await(List<CompletableFuture<Void>> steps, String what) {
        try {
            CompletableFuture.allOf(steps.toArray(new CompletableFuture<?>[0]))
                .get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(what + " took over " + STEP_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        }
    }

    /** The port the server listens on (the one picked by the OS when the config asked for 0). */
    public int port() {
        return port;
    }

    /** The port {@code GET /metrics} is served on, or -1 if the config did not ask for it. */
    public int metricsPort() {
        MetricsEndpoint m = metrics;
        return m == null ? -1 : m.port();
    }

    /** Number of cores (Execs). */
    public int cores() {
        return cores.length;
    }

    /** The Exec of core {@code i}. */
    public Exec exec(int i) {
        return execs[i];
    }

    /** How connections reach a core. */
    public ServerConfig.AcceptMode acceptMode() {
        return config.acceptMode;
    }

    long uptimeSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }

    long nextClientId() {
        return clientIds.incrementAndGet(); // atomic: one per accepted connection, never on the request path
    }

    /** Where it listens and which CPU each core's Exec got, one line per core. */
    public String describe() {
        StringBuilder sb = new StringBuilder("corepin resp-kv listening on ").append(config.host).append(':')
            .append(port).append(" (").append(cores.length).append(" cores, accept: ")
            .append(config.acceptMode.name().toLowerCase(java.util.Locale.ROOT)).append(")");
        for (int i = 0; i < cores.length; i++) {
            int cpu = execs[i] == null ? AffinityPlan.UNPINNED : execs[i].cpu();
            sb.append(System.lineSeparator()).append("  core ").append(i).append(": Exec ")
                .append(execs[i] == null ? "-" : execs[i].name())
                .append(cpu == AffinityPlan.UNPINNED ? " (not pinned)" : " on CPU " + cpu);
        }
        return sb.toString();
    }

    /**
     * Stops accepting, closes every connection (each core its own), then closes the Execs, whose pollers close the
     * selectors. Idempotent; waits at most a few seconds per step.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (metrics != null) {
            metrics.close();
        }
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (int i = 0; i < cores.length; i++) {
            if (execs[i] != null && !execs[i].isShutdown()) {
                Core core = cores[i];
                try {
                    stopped.add(onCore(i, core::stop));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // its ring is full: the poller's close at termination closes the connections instead
                }
            }
        }
        try {
            await(stopped, "closing the connections");
        } catch (IllegalStateException e) {
            System.getLogger("io.corepin.resp").log(System.Logger.Level.WARNING, e.getMessage());
        }
        for (Exec exec : execs) {
            if (exec != null) {
                exec.shutdown();
            }
        }
        for (Exec exec : execs) {
            if (exec == null) {
                continue;
            }
            try {
                if (!exec.awaitTermination(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    exec.shutdownNow();
                }
            } catch (InterruptedException e) {
                exec.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
