package io.corepin.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.Exec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host joins a running cluster over Aeron: before, every key's messages land on its epoch-1 owner; after epoch 2
 * is installed everywhere, exactly the keys the new host wins land there, and every other key stays on the very
 * (host, Exec) it had.
 */
@Timeout(90)
class HostJoinTest {
    private static final int HANDLER = 2;
    private static final int KEYS = 400;

    @Test
    void onlyTheNewHostsShareOfTheKeysMoves() throws Exception {
        Map<Long, String> phase1 = new ConcurrentHashMap<>(); // key -> "host-<id>-<exec>" that handled it
        Map<Long, String> phase2 = new ConcurrentHashMap<>();
        MessageHandler record = (key, buf, off, len) -> {
            Map<Long, String> where = buf.getLong(off) == 2 ? phase2 : phase1;
            String prev = where.put(key, Exec.current().name());
            if (prev != null && !prev.equals(Exec.current().name())) {
                where.put(key, "split: " + prev + " and " + Exec.current().name());
            }
        };
        try (TestHosts hosts = new TestHosts()) {
            ClusterNode a = hosts.start(1, 2, b -> b.handler(HANDLER, record));
            hosts.start(2, 1, b -> b.handler(HANDLER, record));
            Membership m1 = hosts.membership(1);
            hosts.installEverywhere(m1);
            long[] keys = new long[KEYS];
            for (int k = 0; k < KEYS; k++) {
                keys[k] = 1_000_003L * k;
            }
            send(a, keys, 1);
            awaitSize(phase1, KEYS);

            hosts.start(3, 2, b -> b.handler(HANDLER, record));
            Membership m2 = hosts.membership(2);
            hosts.installEverywhere(m2);
            send(a, keys, 2);
            awaitSize(phase2, KEYS);

            int moved = 0;
            for (long key : keys) {
                assertEquals("host-" + m1.hostFor(key).id() + "-" + m1.execFor(key), phase1.get(key), "epoch 1, key " + key);
                String now = phase2.get(key);
                assertEquals("host-" + m2.hostFor(key).id() + "-" + m2.execFor(key), now, "epoch 2, key " + key);
                if (!now.equals(phase1.get(key))) {
                    assertTrue(now.startsWith("host-3-"), "key " + key + " moved between old hosts: "
                        + phase1.get(key) + " -> " + now);
                    moved++;
                }
            }
            System.out.printf("host join: %d of %d keys moved, all to the new host%n", moved, KEYS);
            assertEquals(2 / 5.0, moved / (double) KEYS, 0.1, "the new host's share (2 of 5 Execs)");
        }
    }

    private static void send(ClusterNode from, long[] keys, long phase) throws Exception {
        Pump p = new Pump(from, from.group().exec(0), HANDLER, keys, phase, keys.length, 16);
        from.group().exec(0).execute(p);
        assertTrue(p.done.await(30, TimeUnit.SECONDS), "phase " + phase + " not sent within 30 s");
    }

    private static void awaitSize(Map<Long, String> m, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (m.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(n, m.size(), "keys handled");
    }
}
