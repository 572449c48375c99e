package io.corepin.cluster;

import io.corepin.Exec;
import io.corepin.affinity.AffinityPlan;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A host in a JVM of its own, for {@link HostLossTest}: {@code hostId execs port aeronDir peers} where peers is
 * {@code id:execs:endpoint,...} (this host included). Prints {@code READY} once connected to every peer, then
 * {@code D <i>} for every message it handles (payload: sender tag, i), flushed before the handler returns — so a
 * line the parent reads is a message this host handled, even after a SIGKILL.
 */
public final class HostMain {
    private HostMain() {
    }

    public static void main(String[] args) throws Exception {
        int hostId = Integer.parseInt(args[0]);
        int execs = Integer.parseInt(args[1]);
        String endpoint = "127.0.0.1:" + args[2];
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "US-ASCII");
        ClusterNode node = ClusterNode.builder()
            .hostId(hostId).execs(execs).endpoint(endpoint)
            .aeronDirectory(Paths.get(args[3]))
            .affinity(AffinityPlan.unpinned(execs))
            .execSettings(Exec.builder().name("host-" + hostId))
            .connectionTimeout(Duration.ofMillis(200))
            .handler(HostLossTest.HANDLER, (key, buf, off, len) -> out.println("D " + buf.getLong(off + 8) + " " + key))
            .build();
        List<Host> hosts = new ArrayList<>();
        for (String spec : args[4].split(",")) {
            String[] p = spec.split(":", 3);
            hosts.add(new Host(Integer.parseInt(p[0]), Integer.parseInt(p[1]), p[2]));
        }
        node.install(Membership.of(1, hosts), Duration.ofSeconds(10));
        if (!node.awaitConnected(Duration.ofSeconds(30))) {
            out.println("NOT CONNECTED");
            System.exit(2);
        }
        out.println("READY");
        Thread.sleep(120_000); // the parent kills this JVM long before
        node.close();
    }
}
