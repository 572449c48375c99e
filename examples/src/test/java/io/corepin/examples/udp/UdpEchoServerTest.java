package io.corepin.examples.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.corepin.balance.LoadBalancer;
import io.corepin.examples.udp.UdpEchoServer.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real datagrams over loopback: 16 client sockets (16 flows) send 10,000 stamped datagrams in all to a two-core
 * server, each waiting for its reply (1 s at most, then the datagram counts as lost). Every reply of a flow must come
 * from one core, carry that flow's next count, and the server's accounting must add up. Each property is checked in
 * both modes: {@link Mode#REUSEPORT} (one socket per core, the kernel picks the core) and {@link Mode#DISPATCH} (one
 * socket, the receiving core hands each datagram to the core {@link LoadBalancer#indexFor} names for its flow).
 */
@Timeout(60)
class UdpEchoServerTest {
    private static final int FLOWS = 16;
    private static final int DATAGRAMS = 10_000;
    private static final int THREADS = 4;

    /** What one client socket saw. */
    private static final class FlowResult {
        long key;
        int sent;
        int replies;
        int core = -1;
        int coreChanges;
        int countErrors;
        long lastCount;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyFlowStaysOnOneCoreAndTheCountsAddUp(Mode mode) throws Exception {
        try (UdpEchoServer server = UdpEchoServer.builder().mode(mode).port(0).execs(2).start()) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<List<FlowResult>>> futures = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try {
                for (int t = 0; t < THREADS; t++) {
                    futures.add(pool.submit(() -> runClients(target, FLOWS / THREADS, DATAGRAMS / THREADS, deadline)));
                }
                List<FlowResult> results = new ArrayList<>();
                for (Future<List<FlowResult>> f : futures) {
                    results.addAll(f.get(40, TimeUnit.SECONDS));
                }
                check(server, mode, results);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void check(UdpEchoServer server, Mode mode, List<FlowResult> results) throws Exception {
        long sent = 0;
        long replies = 0;
        Map<Long, Integer> coreOfFlow = new HashMap<>();
        for (FlowResult r : results) {
            sent += r.sent;
            replies += r.replies;
            assertEquals(0, r.coreChanges, "flow " + r.key + " was answered by more than one core");
            assertEquals(0, r.countErrors, "flow " + r.key + ": a reply's count was not the flow's next one");
            if (r.replies > 0) {
                coreOfFlow.put(r.key, r.core);
                if (mode == Mode.DISPATCH) {
                    assertEquals(LoadBalancer.indexFor(r.key, server.cores()), r.core,
                        "flow " + r.key + " was not handled by the core its key hashes to");
                }
            }
        }
        assertEquals(DATAGRAMS, sent, "the clients did not send everything within 20 s");
        assertTrue(replies >= sent * 9 / 10, "only " + replies + " of " + sent + " answered");

        // The server's view: each flow is in exactly one core's table, the one that stamped its replies.
        awaitTotals(server, replies);
        long[] totals = server.totals();
        long received = totals[0];
        assertTrue(received <= sent && received >= replies,
            "server received " + received + ", clients sent " + sent + " and got " + replies + " replies");
        assertEquals(received, totals[1] + totals[2] + totals[3] + totals[4],
            "received = replied + reply drops + truncated + dispatch drops");
        List<Map<Long, Long>> tables = new ArrayList<>();
        for (int i = 0; i < server.cores(); i++) {
            tables.add(server.flows(i, 5));
        }
        long counted = 0;
        for (FlowResult r : results) {
            int holders = 0;
            for (int i = 0; i < tables.size(); i++) {
                Long n = tables.get(i).get(r.key);
                if (n != null) {
                    holders++;
                    counted += n;
                    if (coreOfFlow.containsKey(r.key)) {
                        assertEquals((int) coreOfFlow.get(r.key), i, "flow " + r.key + "'s table is on core " + i);
                    }
                    assertTrue(n >= r.replies && n <= r.sent, "flow " + r.key + ": server counted " + n
                        + ", client sent " + r.sent + " and got " + r.replies);
                }
            }
            assertEquals(1, holders, "flow " + r.key + " is in " + holders + " cores' tables");
        }
        assertEquals(received, counted, "every received datagram is counted in exactly one flow");
        assertTrue(new java.util.HashSet<>(coreOfFlow.values()).size() > 1,
            "the kernel put all " + FLOWS + " flows on one socket: " + coreOfFlow);
    }

    /**
     * The server publishes once per batch, after the batch's replies are sent (in DISPATCH mode the receiving core and
     * the handling core publish separately): wait (bounded) until it has counted at least the replies seen and every
     * datagram it received is accounted for.
     */
    private static void awaitTotals(UdpEchoServer server, long replies) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            long[] t = server.totals();
            if (t[1] >= replies && t[0] == t[1] + t[2] + t[3] + t[4]) {
                return;
            }
            Thread.sleep(5);
        }
    }

    /**
     * A loopback client socket whose flow is handled by core {@code core} of a DISPATCH server with {@code cores}
     * cores (any socket will do for REUSEPORT with one core); at most 256 tries.
     */
    private static DatagramSocket socketForCore(Mode mode, int core, int cores) throws IOException {
        for (int tries = 0; tries < 256; tries++) {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            long key = UdpEchoServer.flowKey((InetSocketAddress) s.getLocalSocketAddress());
            if (mode == Mode.REUSEPORT || LoadBalancer.indexFor(key, cores) == core) {
                return s;
            }
            s.close();
        }
        throw new IllegalStateException("no loopback port in 256 tries hashes to core " + core + " of " + cores);
    }

    /** {@code flows} sockets, round robin, one datagram in flight per socket; stops at the deadline. */
    private static List<FlowResult> runClients(InetSocketAddress target, int flows, int datagrams, long deadline)
            throws IOException {
        List<DatagramSocket> sockets = new ArrayList<>();
        List<FlowResult> results = new ArrayList<>();
        try {
            for (int f = 0; f < flows; f++) {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                s.setSoTimeout(1000);
                sockets.add(s);
                FlowResult r = new FlowResult();
                r.key = UdpEchoServer.flowKey((InetSocketAddress) s.getLocalSocketAddress());
                results.add(r);
            }
            byte[] out = new byte[64];
            byte[] in = new byte[2048];
            DatagramPacket reply = new DatagramPacket(in, in.length);
            for (int i = 0; i < datagrams && System.nanoTime() < deadline; i++) {
                int f = i % flows;
                DatagramSocket s = sockets.get(f);
                FlowResult r = results.get(f);
                long seq = r.sent;
                ByteBuffer.wrap(out).putInt(0, EchoStamp.MAGIC).putLong(16, seq);
                s.send(new DatagramPacket(out, out.length, target));
                r.sent++;
                awaitReply(s, reply, seq, r);
            }
        } finally {
            for (DatagramSocket s : sockets) {
                s.close();
            }
        }
        return results;
    }

    /** Reads replies until the one for {@code seq} (older, late ones are skipped) or the 1 s timeout. */
    private static void awaitReply(DatagramSocket s, DatagramPacket reply, long seq, FlowResult r) throws IOException {
        while (true) {
            reply.setLength(reply.getData().length);
            try {
                s.receive(reply);
            } catch (SocketTimeoutException lost) {
                return; // lost (in either direction): the accounting checks cover it
            }
            ByteBuffer b = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
            assertEquals(64, reply.getLength(), "reply length");
            assertEquals(EchoStamp.MAGIC, b.getInt(0), "reply magic");
            long count = b.getLong(4);
            int core = b.getInt(12);
            if (r.core >= 0 && core != r.core) {
                r.coreChanges++;
            }
            r.core = core;
            if (count <= r.lastCount) {
                r.countErrors++; // the server counted a datagram twice, or went backwards
            }
            r.lastCount = count;
            if (b.getLong(16) == seq) {
                r.replies++;
                return;
            }
        }
    }

    /**
     * Steady state allocates nothing per datagram on the core's thread: after 10,000 to warm up, 5,000 datagrams of
     * one flow (the JDK reuses its last sender address while the sender stays the same) cost the Exec thread less
     * than 16 bytes each on average (HotSpot's per-thread allocation counter; parking in select may allocate a
     * little now and then). In DISPATCH mode the flow is one that core 1 handles, so both the receiving core's
     * thread (receive, hand-off, taking buffers back) and the handling core's (flow table, reply, return) are
     * measured, and every reply must come from core 1.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void steadyStateAllocatesNothingPerDatagram(Mode mode) throws Exception {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
            "HotSpot's per-thread allocation counter is needed");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        threads.setThreadAllocatedMemoryEnabled(true);
        int cores = mode == Mode.DISPATCH ? 2 : 1;
        int handler = cores - 1;
        try (UdpEchoServer server = UdpEchoServer.builder().mode(mode).port(0).execs(cores).start();
             DatagramSocket s = socketForCore(mode, handler, cores)) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            s.setSoTimeout(1000);
            FlowResult r = new FlowResult();
            byte[] out = new byte[64];
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            long[] tids = new long[cores];
            long[] before = new long[cores];
            for (int c = 0; c < cores; c++) {
                tids[c] = server.exec(c).threadId();
            }
            int measured = 5_000;
            int warmup = 10_000;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; i < warmup + measured; i++) {
                assertTrue(System.nanoTime() < deadline, "only " + i + " round trips in 30 s");
                if (i == warmup) {
                    awaitTotals(server, r.replies);
                    for (int c = 0; c < cores; c++) {
                        before[c] = threads.getThreadAllocatedBytes(tids[c]);
                    }
                }
                ByteBuffer.wrap(out).putInt(0, EchoStamp.MAGIC).putLong(16, i);
                s.send(new DatagramPacket(out, out.length, target));
                r.sent++;
                awaitReply(s, reply, i, r);
            }
            awaitTotals(server, r.replies);
            for (int c = 0; c < cores; c++) {
                long bytes = threads.getThreadAllocatedBytes(tids[c]) - before[c];
                assertTrue(bytes >= 0, "allocation counter of core " + c + "'s thread: " + bytes);
                assertTrue(bytes < 16L * measured, mode + ": core " + c + "'s thread allocated " + bytes
                    + " bytes for " + measured + " datagrams (" + bytes / measured + " per datagram)");
                System.out.println("udp " + mode + " core " + c + " thread: " + bytes + " bytes allocated over "
                    + measured + " datagrams");
            }
            assertEquals(handler, r.core, mode + ": the flow's replies came from core " + r.core);
            assertEquals(0, r.coreChanges, mode + ": the flow moved between cores");
            assertTrue(r.replies >= measured, mode + ": only " + r.replies + " replies");
        }
    }

    /** In DISPATCH mode the flow is handled by core 1, so the small datagram crosses to it and the big one does not. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void oversizedDatagramsAreCountedNotAnswered(Mode mode) throws Exception {
        int cores = mode == Mode.DISPATCH ? 2 : 1;
        try (UdpEchoServer server = UdpEchoServer.builder().mode(mode).port(0).execs(cores).maxDatagram(100).start();
             DatagramSocket s = socketForCore(mode, cores - 1, cores)) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            s.setSoTimeout(5000);
            s.send(new DatagramPacket(new byte[500], 500, target));
            byte[] small = new byte[30];
            ByteBuffer.wrap(small).putInt(0, EchoStamp.MAGIC).putLong(16, 7);
            s.send(new DatagramPacket(small, small.length, target));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            s.receive(reply); // the small one's reply: the big one was dropped, so it is the only one
            assertEquals(30, reply.getLength());
            ByteBuffer b = ByteBuffer.wrap(reply.getData());
            assertEquals(1, b.getLong(4), "the oversized datagram must not count in the flow");
            assertEquals(7, b.getLong(16));
            assertEquals(cores - 1, b.getInt(12), "the core that answered");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            // counters are published once per batch, after the batch's replies are sent: the reply can arrive
            // before its batch's received count is visible, so wait for all three (bounded), then check them exactly
            while ((server.totals()[3] < 1 || server.totals()[0] < 2 || server.totals()[1] < 1)
                && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long[] t = server.totals();
            assertEquals(1, t[3], "truncated");
            assertEquals(2, t[0], "received");
            assertEquals(1, t[1], "replied");
            assertEquals(0, t[2] + t[4], "reply and dispatch drops");
            assertEquals(1, server.truncated(0), "the receiving core counts the oversized datagram");
            assertEquals(1, server.replied(cores - 1), "the handling core counts the reply");
        }
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> UdpEchoServer.builder().batch(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UdpEchoServer.builder().maxDatagram(70000));
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
        assertNotNull(UdpEchoServer.builder().port(0));
        NullPointerException npe = assertThrows(NullPointerException.class, () -> UdpEchoServer.builder().mode(null));
        assertTrue(npe.getMessage().contains("mode"), npe.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UdpEchoMain.mode("fanout"));
        assertTrue(e.getMessage().contains("fanout") && e.getMessage().contains("reuseport")
            && e.getMessage().contains("dispatch"), e.getMessage());
        assertEquals(Mode.DISPATCH, UdpEchoMain.mode("Dispatch"));
        assertEquals(Mode.REUSEPORT, UdpEchoMain.mode("reuseport"));
    }
}
