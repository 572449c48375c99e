package io.corepin.examples.resp;

import io.corepin.affinity.AffinityPlan;
import java.util.Arrays;
import java.util.Objects;

/**
 * Settings of a {@link RespServer}: where it listens, how many Execs (cores) it runs, how connections reach a core,
 * and the per-connection limits that keep one bad client from hurting the others. Immutable; build with
 * {@link #builder()} or parse command-line options with {@link #parse(String...)}.
 */
public final class ServerConfig {
    /** How accepted connections are spread over the cores. */
    public enum AcceptMode {
        /** One listener on core 0; each accepted connection is handed to the core its remote port hashes to. */
        HASH,
        /** One {@code SO_REUSEPORT} listener per core; the kernel hashes each connection's 4-tuple to a listener. */
        REUSEPORT
    }

    /** Redis' own default port. */
    public static final int DEFAULT_PORT = 6379;

    final String host;
    final int port;
    final int execs;
    final int[] cpus;
    final AcceptMode acceptMode;
    final int maxBulkBytes;
    final int maxArgs;
    final int maxQueryBytes;
    final int maxOutputBytes;
    final int maxInflight;
    final int idleSpins;
    /** Heap all client buffers may hold together, split evenly over the cores. */
    final long maxClientMemory;
    /** Tests only: called with every request a core is about to run (to inject faults); null in production. */
    final java.util.function.BiConsumer<String, Command> faultHook;
    final int metricsPort;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.execs = b.execs;
        this.cpus = b.cpus;
        this.acceptMode = b.acceptMode;
        this.maxBulkBytes = b.maxBulkBytes;
        this.maxArgs = b.maxArgs;
        this.maxQueryBytes = Math.max(b.maxQueryBytes, b.maxBulkBytes + 1024); // one largest argument must fit
        this.maxOutputBytes = b.maxOutputBytes;
        this.maxInflight = b.maxInflight;
        this.idleSpins = b.idleSpins;
        this.maxClientMemory = b.maxClientMemory > 0 ? b.maxClientMemory : defaultClientMemory();
        this.faultHook = b.faultHook;
        this.metricsPort = b.metricsPort;
    }

    /** Half the heap, and at least 64 MiB. */
    private static long defaultClientMemory() {
        long heap = Runtime.getRuntime().maxMemory();
        return Math.max(64L << 20, heap == Long.MAX_VALUE ? 1L << 30 : heap / 2);
    }

    /**
     * Defaults: 127.0.0.1:6379, one Exec per allowed CPU (one on a machine of two CPUs or fewer: {@link #defaultExecs}),
     * SO_REUSEPORT accept, 64 MiB bulks, 64 MiB output.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses {@code --host H --port N --execs N --cpus a,b,.. --accept hash|reuseport --max-bulk BYTES
     * --max-args N --max-query BYTES --max-output BYTES --max-client-memory BYTES --max-inflight N --idle-spins N
     * --metrics-port N}.
     *
     * @throws IllegalArgumentException naming the option and value that are bad or unknown
     */
    public static ServerConfig parse(String... args) {
        Builder b = builder();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value (try --help)");
            }
            String v = args[++i];
            switch (option) {
                case "--host": b.host(v); break;
                case "--port": b.port(integer(option, v)); break;
                case "--execs": b.execs(integer(option, v)); break;
                case "--cpus": b.cpus(cpuList(v)); break;
                case "--accept": b.acceptMode(acceptMode(v)); break;
                case "--max-bulk": b.maxBulkBytes(integer(option, v)); break;
                case "--max-args": b.maxArgs(integer(option, v)); break;
                case "--max-query": b.maxQueryBytes(integer(option, v)); break;
                case "--max-output": b.maxOutputBytes(integer(option, v)); break;
                case "--max-inflight": b.maxInflight(integer(option, v)); break;
                case "--idle-spins": b.idleSpins(integer(option, v)); break;
                case "--max-client-memory": b.maxClientMemory(longValue(option, v)); break;
                case "--metrics-port": b.metricsPort(integer(option, v)); break;
                default: throw new IllegalArgumentException("unknown option " + option + " (try --help)");
            }
        }
        return b.build();
    }

    /** The usage text of {@link #parse(String...)}. */
    public static String usage() {
        return "usage: run.sh [--host 127.0.0.1] [--port 6379 (0: any free port)] [--execs N | --cpus a,b,..]\n"
            + "              [--accept reuseport|hash] [--max-bulk BYTES] [--max-args N] [--max-query BYTES]\n"
            + "              [--max-output BYTES] [--max-client-memory BYTES] [--max-inflight N] [--idle-spins N]\n"
            + "              [--metrics-port N (Prometheus /metrics over HTTP; off by default, 0: any free port)]";
    }

    private static int integer(String option, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, got '" + v + "'", e);
        }
    }

    private static long longValue(String option, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, got '" + v + "'", e);
        }
    }

    private static int[] cpuList(String v) {
        try {
            return Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--cpus needs a comma-separated list of CPU numbers, got '" + v + "'", e);
        }
    }

    private static AcceptMode acceptMode(String v) {
        switch (v) {
            case "hash": return AcceptMode.HASH;
            case "reuseport": return AcceptMode.REUSEPORT;
            default: throw new IllegalArgumentException("--accept must be hash or reuseport, got '" + v + "'");
        }
    }

    /** The affinity plan: the given CPUs, or {@code execs} (default: {@link #defaultExecs}) Execs placed by auto. */
    AffinityPlan plan() {
        if (cpus != null) {
            return AffinityPlan.of(cpus);
        }
        return AffinityPlan.auto(execs > 0 ? execs : defaultExecs(Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Execs when neither {@code --execs} nor {@code --cpus} is given: one per allowed CPU, except on a machine of two
     * CPUs or fewer, which gets one. There a second Exec has no CPU of its own: it shares both with the kernel's
     * network work (softirqs, the TCP stack of every connection) and any client on the same machine, and every key it
     * does not own costs a cross-core hop — measured on a 2-CPU VM with random keys, one Exec served more than two
     * (bench/RESULTS.md, "resp-kv against redis-server").
     */
    static int defaultExecs(int cpus) {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be >= 1, got " + cpus);
        }
        return cpus <= 2 ? 1 : cpus;
    }

    /** The port asked for (0: any free port). */
    public int port() {
        return port;
    }

    /** The accept mode. */
    public AcceptMode acceptMode() {
        return acceptMode;
    }

    @Override
    public String toString() {
        return "ServerConfig{" + host + ":" + port + ", execs=" + (cpus != null ? Arrays.toString(cpus) : execs)
            + ", accept=" + acceptMode + ", maxBulk=" + maxBulkBytes + ", maxArgs=" + maxArgs
            + ", maxQuery=" + maxQueryBytes + ", maxOutput=" + maxOutputBytes + ", maxClientMemory=" + maxClientMemory
            + ", maxInflight=" + maxInflight + ", idleSpins=" + idleSpins + '}';
    }

    /** Builder of a {@link ServerConfig}; every setter checks its value and names it when bad. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private int execs = -1;
        private int[] cpus;
        private AcceptMode acceptMode = AcceptMode.REUSEPORT;
        private int maxBulkBytes = 64 << 20;
        private int maxArgs = 1 << 20;
        private int maxQueryBytes = 256 << 20;
        private int maxOutputBytes = 64 << 20;
        private int maxInflight = 256;
        private int idleSpins = 100;
        private long maxClientMemory;
        private java.util.function.BiConsumer<String, Command> faultHook;
        private int metricsPort = -1;

        private Builder() {
        }

        /** Address to bind (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port in [0, 65535]; 0 picks any free port (see {@link RespServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            }
            this.port = port;
            return this;
        }

        /** Number of Execs, each pinned by {@link AffinityPlan#auto(int)}. */
        public Builder execs(int execs) {
            if (execs < 1) {
                throw new IllegalArgumentException("execs must be >= 1, got " + execs);
            }
            this.execs = execs;
            this.cpus = null;
            return this;
        }

        /** Exactly these CPUs, one Exec each (checked against the allowed CPUs when the server starts). */
        public Builder cpus(int... cpus) {
            if (cpus.length == 0) {
                throw new IllegalArgumentException("cpus needs at least one CPU");
            }
            this.cpus = cpus.clone();
            return this;
        }

        /**
         * How connections reach a core (default {@link AcceptMode#REUSEPORT}: in a smoke comparison with
         * redis-benchmark it was as fast as or slightly faster than {@link AcceptMode#HASH}, and it needs no
         * cross-core hand-off of accepted sockets).
         */
        public Builder acceptMode(AcceptMode mode) {
            this.acceptMode = Objects.requireNonNull(mode, "acceptMode");
            return this;
        }

        /**
         * Longest bulk string a client may send, in [1, 1 GiB] (default 64 MiB; Redis' proto-max-bulk-len is 512 MiB,
         * more than a 1 GiB heap can hold twice).
         */
        public Builder maxBulkBytes(int bytes) {
            if (bytes > 1 << 30) {
                throw new IllegalArgumentException("maxBulkBytes must be <= 1 GiB (1073741824), got " + bytes);
            }
            this.maxBulkBytes = atLeast("maxBulkBytes", bytes, 1);
            return this;
        }

        /** Most arguments in one command (default 1,048,576). */
        public Builder maxArgs(int args) {
            this.maxArgs = atLeast("maxArgs", args, 1);
            return this;
        }

        /** Most unparsed request bytes held for one client (default 256 MiB; raised to fit one max bulk). */
        public Builder maxQueryBytes(int bytes) {
            this.maxQueryBytes = atLeast("maxQueryBytes", bytes, 1024);
            return this;
        }

        /**
         * Most heap one client's replies may hold — written but not yet read by the client, parked behind replies
         * other cores are still making, back from those cores, or being built there for it (default 64 MiB). It is
         * checked as each reply is built, before the memory is allocated, on whichever core builds it: past it the
         * client is closed and the rest of its pipeline is not run — Redis' hard {@code client-output-buffer-limit}
         * (a client that pipelines 100,000 GETs of a 256 KiB value and never reads is closed after the limit's worth
         * of replies, not after 25 GB of them). Not a pause: a client that reads its replies while it pipelines keeps
         * well below it.
         */
        public Builder maxOutputBytes(int bytes) {
            this.maxOutputBytes = atLeast("maxOutputBytes", bytes, 1024);
            return this;
        }

        /** Most replies one client may have in flight on other cores before the server stops reading it. */
        public Builder maxInflight(int n) {
            this.maxInflight = atLeast("maxInflight", n, 1);
            return this;
        }

        /**
         * Idle loop turns (each a non-blocking {@code selectNow}) a core makes before it blocks in {@code select}
         * (default 100). 0 blocks as soon as a turn finds nothing to do, as redis-server does.
         */
        public Builder idleSpins(int spins) {
            this.idleSpins = atLeast("idleSpins", spins, 0);
            return this;
        }

        /**
         * Most heap all clients' buffers (unparsed input, replies waiting to be sent, replies parked behind
         * pending ones) may hold together, split evenly over the cores (each core's share is its own budget, so
         * no core ever asks another). When a buffer would grow past its core's share, the client holding the most
         * on that core is closed (Redis' maxmemory-clients). Default: half the heap, at least 64 MiB.
         */
        public Builder maxClientMemory(long bytes) {
            if (bytes < 1 << 20) {
                throw new IllegalArgumentException("maxClientMemory must be >= 1 MiB (1048576), got " + bytes);
            }
            this.maxClientMemory = bytes;
            return this;
        }

        /**
         * Tests only: {@code hook} sees every request a core is about to run ("dispatch" on the connection's core,
         * "batch" on the owner core running it for another), on that core's thread.
         */
        Builder faultHook(java.util.function.BiConsumer<String, Command> hook) {
            this.faultHook = hook;
            return this;
        }

        /**
         * Serves {@code GET /metrics} (Prometheus text format: every core's Exec counters) on this port of the same
         * host, in [0, 65535] (0: any free port, see {@link RespServer#metricsPort()}); off by default.
         */
        public Builder metricsPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("metricsPort must be in [0, 65535], got " + port);
            }
            this.metricsPort = port;
            return this;
        }

        private static int atLeast(String what, int v, int min) {
            if (v < min) {
                throw new IllegalArgumentException(what + " must be >= " + min + ", got " + v);
            }
            return v;
        }

        /** The config. */
        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
