package io.corepin.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.Exec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Three hosts in this JVM (2, 1 and 3 Execs) on 127.0.0.1, every Exec of every host sending to the same keys: each
 * message lands on the (host, Exec) the membership names, messages of one key from one sender arrive in the order
 * sent, and every count is exact.
 */
@Timeout(120)
class ClusterRoutingTest {
    private static final int HANDLER = 1;
    private static final int KEYS = 97;
    private static final int PER_SENDER = 2_000;

    /** What one receiving Exec saw; written only by that Exec's thread, read after all arrived. */
    static final class Seen {
        final Map<Long, Long> lastBySenderKey = new HashMap<>(); // (tag, key) -> last i
        final List<String> wrong = new ArrayList<>();
        long count;
    }

    @ParameterizedTest(name = "driverOnExec={0}")
    @ValueSource(booleans = {false, true})
    void everyKeyLandsOnItsHostAndExecInOrderExactlyOnce(boolean driverOnExec) throws Exception {
        int[] execCounts = {2, 1, 3};
        try (TestHosts hosts = new TestHosts()) {
            List<Map<String, Seen>> seen = new ArrayList<>(); // per host: Exec name -> what it saw
            for (int h = 0; h < execCounts.length; h++) {
                Map<String, Seen> perExec = new HashMap<>();
                for (int e = 0; e < execCounts[h]; e++) {
                    perExec.put("host-" + (h + 1) + "-" + e, new Seen());
                }
                seen.add(perExec);
                int hostId = h + 1;
                hosts.start(hostId, execCounts[h], b -> b.driverOnExec(driverOnExec).handler(HANDLER, (key, buf, off, len) -> {
                    Seen s = perExec.get(Exec.current().name());
                    s.count++;
                    long tag = buf.getLong(off);
                    long i = buf.getLong(off + 8);
                    Long prev = s.lastBySenderKey.put(tag * 1_000_003L + key, i);
                    long expectedPrev = i - KEYS; // message i of a key follows message i - KEYS of it
                    if ((prev == null && i >= KEYS) || (prev != null && prev != expectedPrev)) {
                        s.wrong.add("host " + hostId + " key " + key + " from " + tag + ": " + i + " after " + prev);
                    }
                }));
            }
            Membership m = hosts.membership(1);
            hosts.installEverywhere(m);

            long[] keys = new long[KEYS];
            for (int k = 0; k < KEYS; k++) {
                keys[k] = k * 7919L + 13;
            }
            List<Pump> pumps = new ArrayList<>();
            for (ClusterNode node : hosts.nodes) {
                for (int e = 0; e < node.group().size(); e++) {
                    Exec exec = node.group().exec(e);
                    Pump p = new Pump(node, exec, HANDLER, keys, node.host().id() * 100L + e, PER_SENDER, 32);
                    pumps.add(p);
                    exec.execute(p);
                }
            }
            for (Pump p : pumps) {
                assertTrue(p.done.await(60, TimeUnit.SECONDS), "a sender did not finish within 60 s");
            }
            long total = (long) pumps.size() * PER_SENDER;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long delivered;
            while ((delivered = hosts.nodes.stream().mapToLong(ClusterNode::delivered).sum()) < total
                && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(total, delivered, "messages delivered across the three hosts");
            Thread.sleep(50); // nothing more may come
            assertEquals(total, hosts.nodes.stream().mapToLong(ClusterNode::delivered).sum());

            // where each key must land, and how many messages that makes per (host, Exec)
            Map<String, Long> expected = new HashMap<>();
            for (int i = 0; i < PER_SENDER; i++) {
                long key = keys[i % KEYS];
                expected.merge("host-" + m.hostFor(key).id() + "-" + m.execFor(key), (long) pumps.size(), Long::sum);
            }
            for (int h = 0; h < execCounts.length; h++) {
                for (Map.Entry<String, Seen> e : seen.get(h).entrySet()) {
                    Seen s = e.getValue();
                    assertEquals(List.of(), s.wrong, "out of order on " + e.getKey());
                    assertEquals(expected.getOrDefault(e.getKey(), 0L), s.count, "messages on " + e.getKey());
                    for (long sk : s.lastBySenderKey.keySet()) {
                        long key = Math.floorMod(sk, 1_000_003L);
                        assertEquals(m.hostFor(key).id(), h + 1, "key " + key + " on host " + (h + 1));
                        assertEquals("host-" + (h + 1) + "-" + m.execFor(key), e.getKey(), "key " + key);
                    }
                }
            }
            for (ClusterNode node : hosts.nodes) {
                assertEquals(0, node.duplicates());
                assertEquals(0, node.epochMismatches());
                for (FrameError err : FrameError.values()) {
                    assertEquals(0, node.rejected(err), err + " on host " + node.host().id());
                }
                assertEquals((long) node.group().size() * PER_SENDER, node.sends(SendResult.SENT));
            }
        }
    }
}
