package io.corepin.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.affinity.AffinityPlan;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The balancers against a {@link Targets} view alone (no group: what they see is all they get), and the key-to-index
 * function that a keyHash balancer and {@link ExecGroup#indexFor(long)} share.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadBalancerTest {

    /** A fixed view: {@code depths.length} targets with these ring depths. */
    static Targets targets(int... depths) {
        return new Targets() {
            @Override
            public int size() {
                return depths.length;
            }

            @Override
            public int depth(int index) {
                return depths[index];
            }
        };
    }

    /** A view with parked targets and the caller's local one: {@code parked[i]}, {@code local} (or -1). */
    static Targets targets(boolean[] parked, int local) {
        return new Targets() {
            @Override
            public int size() {
                return parked.length;
            }

            @Override
            public int depth(int index) {
                return 0;
            }

            @Override
            public boolean parked(int index) {
                return parked[index];
            }

            @Override
            public int local() {
                return local;
            }
        };
    }

    @Test
    void wakeLocalRotatesWhileItsPickIsAwake() {
        LoadBalancer wakeLocal = LoadBalancer.wakeLocal();
        Targets awake = targets(new boolean[] {false, false, false}, 0);
        int first = wakeLocal.select(() -> { }, awake);
        for (int i = 1; i <= 6; i++) {
            assertEquals((first + i) % 3, wakeLocal.select(() -> { }, awake),
                "submit " + i + ": awake picks rotate as round robin's");
        }
    }

    @Test
    void wakeLocalTakesTheParkedLocalTargetInsteadOfAParkedRemoteOne() {
        LoadBalancer wakeLocal = LoadBalancer.wakeLocal();
        Targets allParked = targets(new boolean[] {true, true, true}, 2);
        for (int i = 0; i < 9; i++) {
            assertEquals(2, wakeLocal.select(() -> { }, allParked), "submit " + i + ": every pick parked");
        }
    }

    @Test
    void wakeLocalWakesItsPickWhenTheLocalTargetIsAwakeOrThereIsNone() {
        LoadBalancer wakeLocal = LoadBalancer.wakeLocal();
        // Index 1 is local but awake (busy): the parked picks 0 and 2 are woken in turn, the local one gets only
        // its own round-robin turns.
        Targets localBusy = targets(new boolean[] {true, false, true}, 1);
        int[] seen = new int[3];
        for (int i = 0; i < 30; i++) {
            seen[wakeLocal.select(() -> { }, localBusy)]++;
        }
        assertArrayEquals(new int[] {10, 10, 10}, seen, "a busy local target changes nothing");
        Targets noLocal = targets(new boolean[] {true, true}, -1);
        seen = new int[2];
        for (int i = 0; i < 10; i++) {
            seen[wakeLocal.select(() -> { }, noLocal)]++;
        }
        assertArrayEquals(new int[] {5, 5}, seen, "no target on the caller's CPU: round robin");
    }

    @Test
    void aViewThatCannotTellParkedOrLocalMakesWakeLocalRoundRobin() {
        LoadBalancer wakeLocal = LoadBalancer.wakeLocal();
        Targets plain = targets(0, 0);
        int first = wakeLocal.select(() -> { }, plain);
        assertEquals(1 - first, wakeLocal.select(() -> { }, plain));
        assertEquals(first, wakeLocal.select(() -> { }, plain));
        assertEquals("wakeLocal", wakeLocal.toString());
    }

    @Test
    void keyHashBalancerAndGroupIndexForNeverDisagree() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(3))
            .execSettings(Exec.builder().name("lb-key").daemon(true)).build()) {
            long[] key = new long[1];
            LoadBalancer byKey = LoadBalancer.keyHash(task -> key[0]);
            Targets three = targets(0, 0, 0);
            for (long k = -1_000; k < 1_000; k++) {
                key[0] = k * 0x9E3779B97F4A7C15L;
                int index = LoadBalancer.indexFor(key[0], 3);
                assertEquals(index, group.indexFor(key[0]), "ExecGroup.indexFor of key " + key[0]);
                assertEquals(index, byKey.select(() -> { }, three), "keyHash of key " + key[0]);
            }
        }
    }

    @Test
    void indexForStaysInRangeAndNamesABadSize() {
        for (int size = 1; size <= 9; size++) {
            for (long k = 0; k < 1_000; k++) {
                int i = LoadBalancer.indexFor(k, size);
                assertTrue(i >= 0 && i < size, "key " + k + " of " + size + " mapped to " + i);
            }
        }
        assertEquals(0, LoadBalancer.indexFor(Long.MIN_VALUE, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoadBalancer.indexFor(7, 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoadBalancer.indexFor(7, -3));
        assertTrue(e.getMessage().contains("got -3"), e.getMessage());
    }

    @Test
    void boundedDepthSkipsDeepTargetsAndAnswersNoneWhenAllAre() {
        LoadBalancer bounded = LoadBalancer.boundedDepth(2);
        Targets oneShallow = targets(5, 1, 2);
        for (int i = 0; i < 10; i++) {
            assertEquals(1, bounded.select(() -> { }, oneShallow), "only index 1 holds fewer than 2");
        }
        assertEquals(LoadBalancer.NONE, bounded.select(() -> { }, targets(2, 3, 9)));
    }

    @Test
    void powerOfTwoChoicesPicksTheShallowerOfTwo() {
        LoadBalancer p2c = LoadBalancer.powerOfTwoChoices();
        assertEquals(0, p2c.select(() -> { }, targets(7)), "a single target is the only choice");
        Targets two = targets(9, 0);
        for (int i = 0; i < 100; i++) {
            assertEquals(1, p2c.select(() -> { }, two), "two distinct samples of two: always the shallower");
        }
    }
}
