package io.corepin.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.affinity.AffinityPlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The round-robin balancer: a per-thread cursor that starts at a random Exec. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoundRobinTest {

    @Test
    void firstSubmitsFromFreshThreadsSpreadOverTheExecs() throws Exception {
        try (ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .execSettings(Exec.builder().name("rr-spread").daemon(true)).build()) {
            Set<Exec> seen = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 32; i++) { // each a fresh thread, one submit each; all on one Exec by chance: 2^-31
                CompletableFuture<Void> ran = new CompletableFuture<>();
                Thread t = new Thread(() -> group.execute(() -> {
                    seen.add(Exec.current());
                    ran.complete(null);
                }), "rr-submitter-" + i);
                t.start();
                ran.get(10, TimeUnit.SECONDS);
                t.join(10_000);
            }
            assertEquals(Set.of(group.exec(0), group.exec(1)), seen);
        }
    }

    @Test
    void eachThreadThenRotatesThroughEveryIndex() {
        RoundRobin rr = new RoundRobin();
        Targets three = LoadBalancerTest.targets(0, 0, 0);
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(rr.select(() -> { }, three));
        }
        for (int i = 1; i < picks.size(); i++) {
            assertEquals((picks.get(i - 1) + 1) % 3, picks.get(i), "rotates: " + picks);
        }
        assertEquals(Set.of(0, 1, 2), new HashSet<>(picks));
        int[] cursor = {Integer.MAX_VALUE};
        int next = RoundRobin.next(cursor, 3);
        assertTrue(next >= 0 && next < 3, "wraps past Integer.MAX_VALUE: " + next);
    }
}
