package io.corepin.bench.cluster;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.corepin.Exec;
import io.corepin.IdleStrategy;
import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.TimerSlack;
import io.corepin.cluster.ClusterNode;
import io.corepin.cluster.Host;
import io.corepin.cluster.Membership;
import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One cross-host round trip over UDP loopback, as the pinging side sees it: the JMH thread offers a 56-byte frame
 * (corepin-cluster's 40-byte header and 16 bytes) to the peer's endpoint and spins polling its own subscription for
 * the reply. The peers, each behind a media driver of its own (SHARED, Aeron's default idle strategy):
 * <ul>
 *   <li>{@code aeron}: Aeron's own ping-pong — a thread polling a subscription (Agrona's {@code BackoffIdleStrategy},
 *       Aeron's default) and offering each fragment back;
 *   <li>{@code corepin}: a {@link ClusterNode} of one Exec (the node's default settings: it idles as Aeron's peer
 *       does, Agrona's {@code BackoffIdleStrategy} defaults — 10 spins, 5 yields, then parks doubling from 1 µs up
 *       to the node's {@code maxPark}, 100 µs) whose handler {@code send}s it back to the pinger's key (poller, frame
 *       checks, handler registry, routing, tryClaim); acks and replay off;
 *   <li>{@code corepin-slack}: as {@code corepin}, the Exec's thread with a timer slack of 1 µs
 *       ({@code Exec.Builder.timerSlack}) instead of the inherited 50 µs: its timed parks end closer to their
 *       timeout (a 1 µs park sleeps ~10 µs instead of ~55 µs on a KVM guest);
 *   <li>{@code aeron-slack}: as {@code aeron}, its echo thread with a timer slack of 1 µs — the same tuning for
 *       Aeron's peer, so that a corepin-slack win is not one Aeron could have by the same setting;
 *   <li>{@code corepin-park}: as {@code corepin} with the Exec's own default idle strategy, {@code IdleStrategy.park()}
 *       (the node's default until 2026-12-03): spin, yield, then park the whole {@code maxPark};
 *   <li>{@code corepin-invoker}: as {@code corepin-park} with {@code driverOnExec(true)}: that Exec also runs the
 *       peer's driver;
 *   <li>{@code corepin-park10us}: as {@code corepin-park}, the idle Exec parking at most 10 µs between polls;
 *   <li>{@code corepin-spin}: as {@code corepin}, the Exec never parking ({@code IdleStrategy.busySpin()}): it polls
 *       its subscription every turn, as Aeron's ping-pong examples do with a busy-spin idle strategy.
 * </ul>
 * The pinger's own driver and client are the same for all peers; the pinger spins with {@code Thread.yield()}.
 * With {@code -p slackAll=true} the JMH thread sets its timer slack to 1 µs before it starts anything, so that every
 * thread of the trial — the drivers', the clients' conductors, the Exec's and the echo thread — inherits it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 5, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports",
    "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
public class ClusterHop {
    private static final int HANDLER = 1;
    private static final int PAYLOAD = 16;
    private static final int FRAME = 40 + PAYLOAD;

    @Param({"aeron", "corepin", "corepin-slack", "aeron-slack", "corepin-park", "corepin-invoker", "corepin-park10us", "corepin-spin"})
    public String peer;

    /** Whether every thread of the trial runs with a timer slack of 1 µs (inherited from the JMH thread). */
    @Param({"false"})
    public boolean slackAll;

    private Path root;
    private MediaDriver pingDriver;
    private Aeron pingAeron;
    private ExclusivePublication request;
    private Subscription replies;
    private final UnsafeBuffer ping = new UnsafeBuffer(new byte[FRAME]);
    private long sequence;
    private long got;
    private final FragmentHandler onReply = (buf, off, len, header) -> got = buf.getLong(off + 40 + 8, ByteOrder.LITTLE_ENDIAN);

    private MediaDriver echoDriver;
    private Aeron echoAeron;
    private Thread echo;
    private volatile boolean running = true;
    private ClusterNode node;
    private long pingKey;

    private static MediaDriver driver(Path dir, ThreadingMode mode) {
        return MediaDriver.launchEmbedded(new MediaDriver.Context().aeronDirectoryName(dir.toString())
            .threadingMode(mode).dirDeleteOnStart(true).dirDeleteOnShutdown(true)
            .publicationTermBufferLength(64 * 1024).ipcTermBufferLength(64 * 1024).termBufferSparseFile(true));
    }

    private static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The node's Exec settings for a peer; null: the node's default. */
    private static Exec.Builder execSettings(String peer) {
        switch (peer) {
            case "corepin-spin":
                return Exec.builder().name("hop").idleStrategy(IdleStrategy.busySpin()); // polls every turn
            case "corepin":
                return null;
            case "corepin-slack": // the node's default idling (ClusterNode.Builder.execSettings), 1 µs timer slack
                return Exec.builder().name("hop").timerSlack(1, TimeUnit.MICROSECONDS)
                    .idleStrategy(IdleStrategy.backoff(10, 5, 1, 100, TimeUnit.MICROSECONDS));
            default: // corepin-park, corepin-invoker, corepin-park10us: the Exec's default, spin, yield, park
                return Exec.builder().name("hop").idleStrategy(IdleStrategy.park());
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (slackAll) {
            TimerSlack.set(1_000); // before any thread of the trial starts: they all inherit it
        }
        Path shm = Paths.get("/dev/shm");
        root = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir")),
            "corepin-hop-");
        int pingPort = freePort();
        int peerPort = freePort();
        pingDriver = driver(root.resolve("ping"), ThreadingMode.SHARED);
        pingAeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(pingDriver.aeronDirectoryName()));
        replies = pingAeron.addSubscription("aeron:udp?endpoint=127.0.0.1:" + pingPort, 0);
        request = pingAeron.addExclusivePublication("aeron:udp?endpoint=127.0.0.1:" + peerPort, 0);
        Host pinger = new Host(1, 1, "127.0.0.1:" + pingPort);
        if (peer.startsWith("aeron")) {
            echoDriver = driver(root.resolve("echo"), ThreadingMode.SHARED);
            echoAeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(echoDriver.aeronDirectoryName()));
            Subscription in = echoAeron.addSubscription("aeron:udp?endpoint=127.0.0.1:" + peerPort, 0);
            ExclusivePublication out = echoAeron.addExclusivePublication("aeron:udp?endpoint=127.0.0.1:" + pingPort, 0);
            FragmentHandler back = (buf, off, len, header) -> {
                while (out.offer(buf, off, len) < 0 && running) {
                    Thread.onSpinWait();
                }
            };
            boolean slack = peer.equals("aeron-slack");
            echo = new Thread(() -> {
                if (slack) {
                    TimerSlack.set(1_000);
                }
                BackoffIdleStrategy idle = new BackoffIdleStrategy(); // Aeron's default for its agents
                while (running) {
                    idle.idle(in.poll(back, 10));
                }
            }, "aeron-echo");
            echo.start();
        } else {
            ClusterNode[] self = new ClusterNode[1];
            long[] replyKey = {0};
            ClusterNode.Builder b = ClusterNode.builder().hostId(2).execs(1).endpoint("127.0.0.1:" + peerPort);
            Exec.Builder settings = execSettings(peer);
            if (settings != null) {
                b.execSettings(settings);
            }
            node = b.aeronDirectory(root.resolve("corepin")).affinity(AffinityPlan.unpinned(1))
                .replayBuffer(0).driverOnExec(peer.equals("corepin-invoker"))
                .maxPark(Duration.ofNanos(peer.equals("corepin-park10us") ? 10_000 : 100_000))
                .handler(HANDLER, (key, buf, off, len) -> self[0].send(replyKey[0], HANDLER, buf, off, len))
                .build();
            self[0] = node;
            Membership m = Membership.of(1, pinger, node.host());
            while (m.hostFor(replyKey[0]).id() != 1) {
                replyKey[0]++;
            }
            while (m.hostFor(pingKey).id() != 2) {
                pingKey++;
            }
            node.install(m, Duration.ofSeconds(10));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!request.isConnected() || (node != null && !node.awaitConnected(Duration.ofMillis(1)))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the peer did not connect within 30 s");
            }
            Thread.sleep(1);
        }
        // header (io.corepin.cluster.Frame): version 2, type 1 (data), sender Exec 0, sender host 1, epoch 1, sequence,
        // key, handler, length; the node runs with acks off, so it takes sequences from 1 and sends no first skip
        ping.putByte(0, (byte) 2);
        ping.putByte(1, (byte) 1);
        ping.putShort(2, (short) 0, ByteOrder.LITTLE_ENDIAN);
        ping.putInt(4, 1, ByteOrder.LITTLE_ENDIAN);
        ping.putLong(8, 1, ByteOrder.LITTLE_ENDIAN);
        ping.putLong(24, pingKey, ByteOrder.LITTLE_ENDIAN);
        ping.putInt(32, HANDLER, ByteOrder.LITTLE_ENDIAN);
        ping.putInt(36, PAYLOAD, ByteOrder.LITTLE_ENDIAN);
    }

    @Benchmark
    public long roundTrip() {
        long seq = ++sequence;
        ping.putLong(16, seq, ByteOrder.LITTLE_ENDIAN);
        ping.putLong(40 + 8, seq, ByteOrder.LITTLE_ENDIAN);
        while (request.offer(ping, 0, FRAME) < 0) {
            Thread.onSpinWait();
        }
        while (got != seq) {
            if (replies.poll(onReply, 1) == 0) {
                Thread.yield(); // the machine is shared: spin politely
            }
        }
        return seq;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        running = false;
        if (echo != null) {
            echo.join(5000);
        }
        if (node != null) {
            node.close();
        }
        if (echoAeron != null) {
            echoAeron.close();
            echoDriver.close();
        }
        pingAeron.close();
        pingDriver.close();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
