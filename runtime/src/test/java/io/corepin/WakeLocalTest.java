package io.corepin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.Pinning;
import io.corepin.balance.LoadBalancer;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A group's default balancer at light load: a task whose round-robin pick is parked goes to the parked Exec pinned
 * to the submitting thread's CPU, whose wake-up is local (no interrupt of another CPU), and round robin is what a
 * group asked for explicitly still does. Needs two CPUs to pin to (CI has two); the test thread is pinned to the
 * CPU of one Exec for the test and put back after.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WakeLocalTest {
    private static final int TASKS = 20;

    @Test
    void theDefaultGroupWakesTheParkedExecOnTheSubmittersCpu() throws Exception {
        int[] ranOn = submitOneAtATimeWhileParked(() -> ExecGroup.builder().execs(2));
        assertArrayEquals(new int[] {0, TASKS}, ranOn,
            "every task submitted from Exec 1's CPU while both Execs were parked runs on Exec 1");
    }

    @Test
    void roundRobinAskedForStillRotates() throws Exception {
        int[] ranOn = submitOneAtATimeWhileParked(
            () -> ExecGroup.builder().execs(2).balancer(LoadBalancer.roundRobin()));
        assertArrayEquals(new int[] {TASKS / 2, TASKS / 2}, ranOn, "round robin alternates whatever is parked");
    }

    @Test
    void aBusyLocalExecLeavesTheTaskToItsParkedPick() throws Exception {
        // No stall guard: the held task must not be reported and its queue must not be rescued to Exec 0.
        try (ExecGroup group = ExecGroup.builder().execs(2)
            .execSettings(Exec.builder().name("wake-local").stallThreshold(0, TimeUnit.MILLISECONDS)).build()) {
            Exec local = group.exec(1);
            assertNotEquals(AffinityPlan.UNPINNED, local.cpu(), "Exec 1 pinned");
            BitSet saved = Pinning.currentAffinity();
            AtomicIntegerArray ranOn = new AtomicIntegerArray(2);
            Gate hold = Gate.hold(local);
            try {
                assertEquals(local.cpu(), Pinning.pinCurrentThread(local.cpu()), "test thread pinned to Exec 1's CPU");
                for (int i = 0; i < TASKS; i++) {
                    awaitParked(group.exec(0));
                    group.execute(() -> ranOn.incrementAndGet(Exec.current() == group.exec(0) ? 0 : 1));
                }
            } finally {
                hold.open();
                Pinning.setAffinity(saved);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (ranOn.get(0) + ranOn.get(1) < TASKS) {
                assertTrue(System.nanoTime() < end, "only " + ranOn + " of " + TASKS + " tasks ran within 5 s");
                Thread.sleep(1);
            }
            assertEquals("[10, 10]", ranOn.toString(),
                "Exec 1 awake (held by a task): each parked pick of Exec 0 is woken, Exec 1 gets only its own turns");
        }
    }

    /** Submits TASKS tasks from the CPU of Exec 1, each once both Execs are parked; counts where each ran. */
    private static int[] submitOneAtATimeWhileParked(Supplier<ExecGroup.Builder> settings) throws Exception {
        try (ExecGroup group = settings.get().build()) {
            assertNotEquals(AffinityPlan.UNPINNED, group.exec(0).cpu(), "Exec 0 pinned");
            assertNotEquals(AffinityPlan.UNPINNED, group.exec(1).cpu(), "Exec 1 pinned");
            BitSet saved = Pinning.currentAffinity();
            try {
                int cpu = group.exec(1).cpu();
                assertEquals(cpu, Pinning.pinCurrentThread(cpu), "test thread pinned to Exec 1's CPU");
                int[] ranOn = new int[2];
                for (int i = 0; i < TASKS; i++) {
                    awaitParked(group.exec(0));
                    awaitParked(group.exec(1));
                    CompletableFuture<Integer> where = new CompletableFuture<>();
                    group.execute(() -> where.complete(Exec.current() == group.exec(0) ? 0 : 1));
                    ranOn[where.get(5, TimeUnit.SECONDS)]++;
                }
                return ranOn;
            } finally {
                Pinning.setAffinity(saved);
            }
        }
    }

    private static void awaitParked(Exec exec) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!exec.inbound().isParked()) {
            assertTrue(System.nanoTime() < end, exec.name() + " did not park within 5 s");
            Thread.sleep(1);
        }
    }
}
