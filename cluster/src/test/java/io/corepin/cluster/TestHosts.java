package io.corepin.cluster;

import io.corepin.Exec;
import io.corepin.IdleStrategy;
import io.corepin.affinity.AffinityPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Several "hosts" in this JVM on 127.0.0.1: each its own port and media-driver directory, all removed at close. */
final class TestHosts implements AutoCloseable {
    final List<ClusterNode> nodes = new ArrayList<>();
    final Path root;

    TestHosts() {
        Path shm = Paths.get("/dev/shm");
        try {
            root = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir")),
                "corepin-cluster-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits up to {@code seconds} for {@code done}; else fails naming {@code what} and the {@code state} then. */
    static void await(String what, long seconds, BooleanSupplier done, Supplier<String> state)
        throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + seconds + " s: " + what + "; " + state.get());
            }
            Thread.sleep(2);
        }
    }

    /** A node with the test's defaults (unpinned Execs, 64 KiB terms), then whatever {@code more} sets. */
    ClusterNode start(int hostId, int execs, Consumer<ClusterNode.Builder> more) {
        ClusterNode.Builder b = ClusterNode.builder()
            .hostId(hostId)
            .execs(execs)
            .endpoint("127.0.0.1:" + freeUdpPort())
            .aeronDirectory(root.resolve("host-" + hostId))
            .termLength(64 * 1024)
            .affinity(AffinityPlan.unpinned(execs))
            .execSettings(Exec.builder().name("host-" + hostId).idleStrategy(IdleStrategy.park()));
        more.accept(b);
        ClusterNode node = b.build();
        nodes.add(node);
        return node;
    }

    /**
     * Closes {@code old} and starts a new node in its place: the same host id, Exec count, endpoint and media-driver
     * directory (a host restarted where it was), then whatever {@code more} sets.
     */
    ClusterNode restart(ClusterNode old, Consumer<ClusterNode.Builder> more) {
        Host h = old.host();
        old.close();
        nodes.remove(old);
        return start(h.id(), h.execs(), b -> {
            b.endpoint(h.endpoint());
            more.accept(b);
        });
    }

    /** Installs {@code m} on every node, then waits until every publication is connected. */
    void installEverywhere(Membership m) throws Exception {
        for (ClusterNode n : nodes) {
            n.install(m, Duration.ofSeconds(5));
        }
        for (ClusterNode n : nodes) {
            if (!n.awaitConnected(Duration.ofSeconds(10))) {
                throw new AssertionError("host " + n.host().id() + " did not connect to every peer within 10 s");
            }
        }
    }

    Membership membership(long epoch) {
        List<Host> hosts = new ArrayList<>();
        for (ClusterNode n : nodes) {
            hosts.add(n.host());
        }
        return Membership.of(epoch, hosts);
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close();
            } catch (RuntimeException e) {
                e.printStackTrace();
            }
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
