package io.corepin.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.balance.LoadBalancer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MembershipTest {
    private static final int KEYS = 200_000;

    private static Host host(int id, int execs) {
        return new Host(id, execs, "127.0.0.1:" + (40000 + id));
    }

    private static long[] keys() {
        SplittableRandom r = new SplittableRandom(42);
        long[] k = new long[KEYS];
        for (int i = 0; i < k.length; i++) {
            k[i] = i % 2 == 0 ? i : r.nextLong(); // dense small keys and random ones
        }
        return k;
    }

    @Test
    void mappingIsDeterministicAndIndependentOfOrderAndEpoch() {
        Membership a = Membership.of(1, host(1, 2), host(2, 4), host(3, 1));
        Membership b = Membership.of(9, host(3, 1), host(1, 2), host(2, 4));
        for (long key : keys()) {
            assertEquals(a.hostFor(key), b.hostFor(key));
            assertEquals(a.execFor(key), b.execFor(key));
            assertEquals(a.hostFor(key), a.hostFor(key));
        }
        assertEquals(LoadBalancer.indexFor(12345L, a.hostFor(12345L).execs()), a.execFor(12345L));
    }

    @Test
    void weightsAreRespectedWithinTwoPercent() {
        int[] execs = {1, 2, 3, 6};
        Host[] hosts = new Host[execs.length];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = host(10 + i, execs[i]);
        }
        Membership m = Membership.of(0, hosts);
        int[] count = new int[hosts.length];
        int[][] perExec = new int[hosts.length][];
        for (int i = 0; i < hosts.length; i++) {
            perExec[i] = new int[execs[i]];
        }
        for (long key : keys()) {
            int h = m.hostIndexFor(key);
            count[h]++;
            perExec[h][m.execFor(key)]++;
        }
        int total = 12;
        for (int i = 0; i < hosts.length; i++) {
            double share = count[i] / (double) KEYS;
            double want = execs[i] / (double) total;
            assertEquals(want, share, 0.02, "host " + hosts[i].id() + " with " + execs[i] + " execs got " + share);
            for (int e = 0; e < execs[i]; e++) { // every Exec of a host gets about the same number of keys
                assertEquals(count[i] / (double) execs[i], perExec[i][e], count[i] * 0.05 + 50,
                    "host " + i + " exec " + e);
            }
        }
    }

    @Test
    void aJoiningHostTakesOnlyItsShareAndNoKeyMovesBetweenOldHosts() {
        Membership before = Membership.of(3, host(1, 2), host(2, 2), host(3, 2));
        Membership after = before.join(host(4, 2));
        assertEquals(4, after.epoch());
        int moved = 0;
        for (long key : keys()) {
            Host was = before.hostFor(key);
            Host now = after.hostFor(key);
            if (!was.equals(now)) {
                assertEquals(4, now.id(), "key " + key + " moved from " + was + " to an old host " + now);
                moved++;
            } else {
                assertEquals(before.execFor(key), after.execFor(key)); // same host: same Exec
            }
        }
        assertEquals(0.25, moved / (double) KEYS, 0.02, "share of keys moved to the new host");
    }

    @Test
    void aLeavingHostMovesOnlyItsOwnKeys() {
        Membership before = Membership.of(0, host(1, 1), host(2, 3), host(3, 2), host(4, 2));
        Membership after = before.leave(2);
        assertEquals(1, after.epoch());
        assertEquals(-1, after.indexOf(2));
        int moved = 0;
        for (long key : keys()) {
            Host was = before.hostFor(key);
            Host now = after.hostFor(key);
            if (was.id() == 2) {
                assertNotEquals(2, now.id());
                moved++;
            } else {
                assertEquals(was, now, "key " + key + " of a staying host moved");
                assertEquals(before.execFor(key), after.execFor(key));
            }
        }
        assertEquals(3 / 8.0, moved / (double) KEYS, 0.02);
    }

    @Test
    void badInputIsRefusedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> host(-1, 1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> host(1, 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Host(1, 1, "nohost"));
        assertTrue(e.getMessage().contains("nohost"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Membership.of(0, host(1, 1), host(1, 2)));
        assertTrue(e.getMessage().contains("id 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Membership.of(0, host(1, 1)).leave(7));
        assertTrue(e.getMessage().contains("host 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Membership.of(-3, host(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> Membership.of(0));
    }
}
