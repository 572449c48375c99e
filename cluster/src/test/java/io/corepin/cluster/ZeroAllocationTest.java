package io.corepin.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Steady state allocates nothing per message: two hosts send to each other (each message crosses hosts: tryClaim,
 * the driver's UDP, the receiver's poll and handler), and the bytes the two Exec threads allocated over 2 x 10,000
 * messages, from HotSpot's per-thread counters, stay below one byte per message.
 */
@Timeout(90)
class ZeroAllocationTest {
    private static final int WARMUP = 30_000;
    private static final int MEASURED = 10_000;

    @ParameterizedTest(name = "driverOnExec={0}")
    @ValueSource(booleans = {false, true})
    void sendAndReceiveAllocateNothingPerMessage(boolean driverOnExec) throws Exception {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean hotspot) || !hotspot.isThreadAllocatedMemorySupported()) {
            throw new org.opentest4j.TestAbortedException("this JVM cannot count per-thread allocation");
        }
        hotspot.setThreadAllocatedMemoryEnabled(true);
        long[] received = new long[2]; // each written only by its host's Exec
        try (TestHosts hosts = new TestHosts()) {
            ClusterNode a = hosts.start(1, 1, b -> b.driverOnExec(driverOnExec).handler(5, (key, buf, off, len) -> received[0] += buf.getLong(off + 8) >= 0 ? 1 : 0));
            ClusterNode b = hosts.start(2, 1, x -> x.driverOnExec(driverOnExec).handler(5, (key, buf, off, len) -> received[1] += buf.getLong(off + 8) >= 0 ? 1 : 0));
            Membership m = hosts.membership(1);
            hosts.installEverywhere(m);
            long[] toB = keysOf(m, 2, 64);
            long[] toA = keysOf(m, 1, 64);
            long[] threads = {a.group().exec(0).threadId(), b.group().exec(0).threadId()};

            run(a, b, toB, toA, WARMUP);
            long before = sum(hotspot.getThreadAllocatedBytes(threads));
            run(a, b, toB, toA, MEASURED);
            long after = sum(hotspot.getThreadAllocatedBytes(threads));
            long bytes = after - before;
            System.out.printf("cluster zero-allocation (driverOnExec=" + driverOnExec + "): %d bytes on the two Exec threads over %d messages sent and"
                + " %d received%n", bytes, 2 * MEASURED, 2 * MEASURED);
            assertEquals(WARMUP + MEASURED, a.delivered());
            assertEquals(WARMUP + MEASURED, b.delivered());
            assertTrue(bytes < 2 * MEASURED, bytes + " bytes allocated by the Exec threads over " + 2 * MEASURED
                + " messages each way: not allocation-free per message");
        }
    }

    private static void run(ClusterNode a, ClusterNode b, long[] toB, long[] toA, int count) throws Exception {
        long wantA = a.delivered() + count;
        long wantB = b.delivered() + count;
        Pump pa = new Pump(a, a.group().exec(0), 5, toB, 1, count, 64);
        Pump pb = new Pump(b, b.group().exec(0), 5, toA, 2, count, 64);
        a.group().exec(0).execute(pa);
        b.group().exec(0).execute(pb);
        assertTrue(pa.done.await(30, TimeUnit.SECONDS), "host 1 did not send " + count + " within 30 s");
        assertTrue(pb.done.await(30, TimeUnit.SECONDS), "host 2 did not send " + count + " within 30 s");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((a.delivered() < wantA || b.delivered() < wantB) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(wantA, a.delivered());
        assertEquals(wantB, b.delivered());
    }

    private static long[] keysOf(Membership m, int hostId, int n) {
        long[] keys = new long[n];
        for (long k = 0, i = 0; i < n; k++) {
            if (m.hostFor(k).id() == hostId) {
                keys[(int) i++] = k;
            }
        }
        return keys;
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            assertTrue(x >= 0, "a thread's allocation is unknown");
            s += x;
        }
        return s;
    }
}
