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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real datagrams over loopback: 16 client sockets (16 flows) send 10,000 stamped datagrams in all to a two-core
 * server, each waiting for its reply (1 s at most, then the datagram counts as lost). Every reply of a flow must come
 * from one core, carry that flow's next count, and the server's accounting must add up.
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

    @Test
    void everyFlowStaysOnOneCoreAndTheCountsAddUp() throws Exception {
        try (UdpEchoServer server = UdpEchoServer.builder().port(0).execs(2).start()) {
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
                check(server, results);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void check(UdpEchoServer server, List<FlowResult> results) throws Exception {
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
        assertEquals(received, totals[1] + totals[2] + totals[3], "received = replied + reply drops + truncated");
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

    /** The server publishes once per batch: wait (bounded) until it has counted at least the replies seen. */
    private static void awaitTotals(UdpEchoServer server, long replies) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.totals()[1] < replies && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
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
     * little now and then).
     */
    @Test
    void steadyStateAllocatesNothingPerDatagram() throws Exception {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
            "HotSpot's per-thread allocation counter is needed");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        threads.setThreadAllocatedMemoryEnabled(true);
        try (UdpEchoServer server = UdpEchoServer.builder().port(0).execs(1).start();
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            s.setSoTimeout(1000);
            FlowResult r = new FlowResult();
            byte[] out = new byte[64];
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            long tid = server.exec(0).threadId();
            long before = 0;
            int measured = 5_000;
            int warmup = 10_000;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; i < warmup + measured; i++) {
                assertTrue(System.nanoTime() < deadline, "only " + i + " round trips in 30 s");
                if (i == warmup) {
                    awaitTotals(server, r.replies);
                    before = threads.getThreadAllocatedBytes(tid);
                }
                ByteBuffer.wrap(out).putInt(0, EchoStamp.MAGIC).putLong(16, i);
                s.send(new DatagramPacket(out, out.length, target));
                r.sent++;
                awaitReply(s, reply, i, r);
            }
            awaitTotals(server, r.replies);
            long bytes = threads.getThreadAllocatedBytes(tid) - before;
            assertTrue(bytes >= 0, "allocation counter of the Exec thread: " + bytes);
            assertTrue(bytes < 16L * measured, "the core's thread allocated " + bytes + " bytes for " + measured
                + " datagrams (" + bytes / measured + " per datagram)");
            System.out.println("udp core thread: " + bytes + " bytes allocated over " + measured + " datagrams");
        }
    }

    @Test
    void oversizedDatagramsAreCountedNotAnswered() throws Exception {
        try (UdpEchoServer server = UdpEchoServer.builder().port(0).execs(1).maxDatagram(100).start();
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
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
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            // counters are published once per batch, after the batch's replies are sent: the reply can arrive
            // before its batch's received count is visible, so wait for all three (bounded), then check them exactly
            while ((server.truncated(0) < 1 || server.received(0) < 2 || server.replied(0) < 1)
                && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, server.truncated(0));
            assertEquals(2, server.received(0));
            assertEquals(1, server.replied(0));
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
    }
}
