package io.corepin.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TransportTest {
    private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(2);
        }
    }

    /** describeSend names the key's (host, Exec) and what a send meets there; off the node's Execs it refuses. */
    @Test
    void describeSendNamesWhereAKeyGoesAndWhatItMeets() throws Exception {
        try (TestHosts hosts = new TestHosts()) {
            ClusterNode a = hosts.start(1, 1, b -> b.handler(7, (key, buf, off, len) -> { }));
            ClusterNode b = hosts.start(2, 2, x -> x.handler(7, (key, buf, off, len) -> { }));
            Membership m = hosts.membership(1);
            hosts.installEverywhere(m);
            long key = 0;
            while (m.hostFor(key).id() != 2) {
                key++;
            }
            long k = key;
            long acked = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (a.unacked(0) != 0) { // the first skips, one per (host, Exec), until their acks come back
                assertTrue(System.nanoTime() - acked < 0, "host 1's first skips not acked within 10 s");
                Thread.sleep(1);
            }
            String s = a.group().exec(0).submit(() -> a.describeSend(k)).get(10, TimeUnit.SECONDS);
            assertTrue(s.startsWith("to host 2 exec " + m.execFor(k) + ": publication session "), s);
            java.util.regex.Matcher got = java.util.regex.Pattern.compile(
                " connected, position \\d+, window \\d+, next sequence (\\d+), unacked 0, no resend").matcher(s);
            assertTrue(got.find(), s);
            // nothing sent yet but the first skip, of the process's base: sequences go on from the base (2020 or later)
            assertTrue(Long.parseLong(got.group(1)) > Frame.sequenceBase(1_577_836_800_000L), s);
            IllegalStateException off = assertThrows(IllegalStateException.class, () -> b.describeSend(k));
            assertTrue(off.getMessage().contains("send must run on an Exec of host 2"), off.getMessage());
        }
    }

    @Test
    void malformedAndOversizedFramesOverAeronAreRejectedNamedAndTheExecGoesOn() throws Exception {
        List<String> rejects = new CopyOnWriteArrayList<>();
        List<String> got = new CopyOnWriteArrayList<>();
        try (TestHosts hosts = new TestHosts()) {
            ClusterNode node = hosts.start(1, 1, b -> b.maxPayload(100)
                .handler(7, (key, buf, off, len) -> got.add(key + ":" + buf.getStringWithoutLengthAscii(off, len)))
                .onReject((error, message, cause) -> rejects.add(error + ": " + message)));
            hosts.installEverywhere(hosts.membership(1));
            // a foreign writer on the host's own driver, straight onto Exec 0's stream
            try (Aeron raw = Aeron.connect(new Aeron.Context().aeronDirectoryName(node.aeronDirectory()));
                 ExclusivePublication pub = raw.addExclusivePublication(node.host().channel(), 0)) {
                await("raw publication connected", pub::isConnected);
                UnsafeBuffer b = new UnsafeBuffer(new byte[1024]);
                offer(pub, b, 10);                                                 // short
                int n = good(b, 1, "hi");
                b.putByte(0, (byte) 3);
                offer(pub, b, n);                                                  // bad version
                n = good(b, 2, "hi");
                b.putInt(Frame.LENGTH_OFFSET, 500, ByteOrder.LITTLE_ENDIAN);
                offer(pub, b, n);                                                  // length beyond the frame
                n = good(b, 3, "x".repeat(101));
                offer(pub, b, n);                                                  // oversized
                n = good(b, 4, "hi");
                b.putInt(Frame.HANDLER_OFFSET, 99, ByteOrder.LITTLE_ENDIAN);
                offer(pub, b, n);                                                  // unknown handler
                offer(pub, b, good(b, 1, "ok"));                                   // then a good one: sequence 1
                await("the good frame", () -> got.size() == 1);
            }
            assertEquals(List.of("42:ok"), got);
            assertEquals(List.of(
                "SHORT: frame of 10 bytes is shorter than the 40-byte header",
                "BAD_VERSION: frame version 3 is not 2",
                "BAD_LENGTH: payload length 500 does not match the frame of 42 bytes (2 after the header)",
                "OVERSIZED: payload of 101 bytes exceeds the maximum of 100",
                "UNKNOWN_HANDLER: unknown handler id 99 (key 42)"), rejects);
            assertEquals(1, node.rejected(FrameError.SHORT));
            assertEquals(1, node.rejected(FrameError.BAD_VERSION));
            assertEquals(1, node.rejected(FrameError.BAD_LENGTH));
            assertEquals(1, node.rejected(FrameError.OVERSIZED));
            assertEquals(1, node.rejected(FrameError.UNKNOWN_HANDLER));
            assertEquals(0, node.group().exec(0).taskErrors(), "no failed poll: nothing was thrown");
            assertTrue(!node.group().exec(0).isShutdown());

            // the sending side refuses an oversized payload before it reaches the wire, naming the length
            CompletableFuture<SendResult> big = node.submit(1, 7, new byte[101]);
            ExecutionException e = assertThrows(ExecutionException.class, () -> big.get(5, TimeUnit.SECONDS));
            assertEquals("payload length 101 must be in [0, 100]", e.getCause().getMessage());
        }
    }

    private static int good(UnsafeBuffer b, long seq, String text) {
        int len = b.putStringWithoutLengthAscii(Frame.HEADER_LENGTH, text);
        Frame.encodeHeader(b, 0, 9, 0, 1, seq, 42, 7, len);
        return Frame.HEADER_LENGTH + len;
    }

    private static void offer(ExclusivePublication pub, UnsafeBuffer b, int length) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pub.offer(b, 0, length) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("offer not accepted within 5 s");
            }
            Thread.sleep(1);
        }
    }

    @Test
    void aFrameLongerThanOneFragmentIsOfferedAndReassembled() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        try (TestHosts hosts = new TestHosts()) {
            hosts.start(1, 1, b -> b.handler(3, (key, buf, off, len) -> {
                boolean same = true;
                for (int i = 0; i < len; i++) {
                    same &= buf.getByte(off + i) == (byte) i;
                }
                got.add(key + "/" + len + "/" + same);
            }));
            ClusterNode b = hosts.start(2, 1, x -> x.handler(3, (key, buf, off, len) -> got.add("wrong host")));
            hosts.installEverywhere(hosts.membership(1));
            long key = 0;
            while (hosts.membership(1).hostFor(key).id() != 1) {
                key++;
            }
            byte[] payload = new byte[5000]; // beyond one fragment (MTU 1408), within the 8 KiB message of 64 KiB terms
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) i;
            }
            assertTrue(b.maxPayload() >= 5000, "max payload " + b.maxPayload());
            assertEquals(SendResult.SENT, b.submit(key, 3, payload).get(5, TimeUnit.SECONDS));
            long k = key;
            await("the long frame", () -> got.size() == 1);
            assertEquals(List.of(k + "/5000/true"), got);
        }
    }

    @Test
    void sendsReportNotConnectedAndRefuseForeignThreads() throws Exception {
        try (TestHosts hosts = new TestHosts()) {
            ClusterNode a = hosts.start(1, 1, b -> b.handler(1, (key, buf, off, len) -> { }));
            CompletableFuture<SendResult> early = a.submit(5, 1, new byte[4]);
            ExecutionException noRoute = assertThrows(ExecutionException.class, () -> early.get(5, TimeUnit.SECONDS));
            assertEquals("no membership installed on host 1: call install first", noRoute.getCause().getMessage());
            // a member nobody runs: its publications never connect
            Host ghost = new Host(2, 1, "127.0.0.1:" + TestHosts.freeUdpPort());
            Membership m = Membership.of(1, a.host(), ghost);
            a.install(m, Duration.ofSeconds(5));
            long key = 0;
            while (m.hostFor(key).id() != 2) {
                key++;
            }
            assertEquals(SendResult.NOT_CONNECTED, a.submit(key, 1, new byte[4]).get(5, TimeUnit.SECONDS));
            assertEquals(1, a.sends(SendResult.NOT_CONNECTED));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> a.send(1, 1, new UnsafeBuffer(new byte[4]), 0, 4));
            assertTrue(e.getMessage().contains("not on " + Thread.currentThread().getName()), e.getMessage());
            IllegalArgumentException stale = assertThrows(IllegalArgumentException.class,
                () -> a.install(Membership.of(1, a.host()), Duration.ofSeconds(5)));
            assertEquals("membership epoch 1 is not newer than the installed 1", stale.getMessage());
        }
    }
}
