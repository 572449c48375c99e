package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.balance.LoadBalancer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Backpressure#block} on an Exec's thread never parks it: a full target's backlog takes the task. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecThreadBackpressureTest {
    private static final int RING = 8;

    private static ExecGroup group(int execs) {
        return ExecGroup.builder()
            .affinity(AffinityPlan.unpinned(execs))
            .execSettings(Exec.builder().name("bp").daemon(true).ringCapacity(RING))
            .backpressure(Backpressure.block(Duration.ofSeconds(30))) // far longer than any wait below
            .build();
    }

    /** A key that {@code g} maps to the Exec at {@code index}. */
    static long keyOn(ExecGroup g, int index) {
        for (long k = 0; ; k++) {
            if (g.indexFor(k) == index) {
                return k;
            }
        }
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out waiting for " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what);
        }
    }

    private static void shutdownNow(ExecGroup g) throws Exception {
        g.shutdownNow().get(10, TimeUnit.SECONDS); // interrupts a blocked submitter, so this is bounded too
    }

    /** A task on one Exec keyed-submits {@code n} tasks to the other, once both Execs are inside such a task. */
    private static Runnable flood(ExecGroup g, long targetKey, int n, CountDownLatch bothBusy, CountDownLatch ran,
                                  AtomicReference<Throwable> failure) {
        return () -> {
            bothBusy.countDown();
            await(bothBusy, "both Execs busy");
            for (int i = 0; i < n; i++) {
                try {
                    g.execute(targetKey, ran::countDown);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    return;
                }
            }
        };
    }

    @Test
    void twoExecsKeyedSubmittingToEachOthersFullRingsDoNotDeadlock() throws Exception {
        ExecGroup g = group(2);
        try {
            long on0 = keyOn(g, 0);
            long on1 = keyOn(g, 1);
            int n = RING + RING / 2; // more than a ring holds: each submitter meets a full ring
            CountDownLatch bothBusy = new CountDownLatch(2);
            CountDownLatch ran = new CountDownLatch(2 * n);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            g.execute(on0, flood(g, on1, n, bothBusy, ran, failure)); // runs on Exec 0, floods Exec 1
            g.execute(on1, flood(g, on0, n, bothBusy, ran, failure)); // runs on Exec 1, floods Exec 0
            assertTrue(ran.await(10, TimeUnit.SECONDS),
                "deadlock: " + ran.getCount() + " of " + 2 * n + " tasks never ran (failure: " + failure.get() + ")");
            assertNull(failure.get());
        } finally {
            shutdownNow(g);
        }
    }

    /** Exec 1 held by a gate with a full ring; a task on Exec 0 keyed-submits {@code n} more to it. */
    private static final class Backlogged {
        final ExecGroup g = group(2);
        final Gate gate;
        final List<Integer> order = new ArrayList<>(); // touched only by Exec 1
        final CountDownLatch submitted = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long key = keyOn(g, 1);

        Backlogged(int n) throws InterruptedException {
            gate = Gate.hold(g.exec(1));
            for (int i = 0; i < RING; i++) { // the gate's slot is handed back only when its burst ends: ring full
                try {
                    g.exec(1).execute(() -> { });
                } catch (RejectedExecutionException full) {
                    break;
                }
            }
            g.execute(keyOn(g, 0), () -> {
                try {
                    for (int i = 0; i < n; i++) {
                        final int seq = i;
                        g.execute(key, () -> order.add(seq));
                    }
                } catch (RuntimeException e) {
                    failure.set(e);
                } finally {
                    submitted.countDown();
                }
            });
            await(submitted, "the submitting task on Exec 0");
            assertNull(failure.get(), "a keyed submit from an Exec thread to a full ring was refused");
        }
    }

    @Test
    void aGracefulCloseOfTheTargetRunsWhatWaitsInItsBacklog() throws Exception {
        Backlogged b = new Backlogged(RING);
        try {
            b.g.exec(1).shutdown();
            b.gate.open();
            assertTrue(b.g.exec(1).awaitTermination(10, TimeUnit.SECONDS));
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < RING; i++) {
                expected.add(i);
            }
            assertEquals(expected, b.order);
        } finally {
            shutdownNow(b.g);
        }
    }

    @Test
    void shutdownNowOfTheTargetHandsBackWhatWaitsInItsBacklog() throws Exception {
        Backlogged b = new Backlogged(RING);
        try {
            List<Runnable> back = b.g.exec(1).shutdownNow().get(10, TimeUnit.SECONDS);
            // the fillers still in the ring, then the keyed tasks (ring or backlog): none ran, none lost
            assertTrue(back.size() >= RING, "handed back " + back.size());
            assertEquals(List.of(), b.order);
            for (Runnable r : back) {
                r.run(); // plain user tasks, not internal wrappers
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < RING; i++) {
                expected.add(i);
            }
            assertEquals(expected, b.order);
        } finally {
            b.gate.open();
            shutdownNow(b.g);
        }
    }

    @Test
    void aKeyedSubmitFromAnExecToAClosedTargetIsRejectedNamingIt() throws Exception {
        ExecGroup g = group(2);
        try {
            g.exec(1).shutdown();
            assertTrue(g.exec(1).awaitTermination(10, TimeUnit.SECONDS));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            g.execute(keyOn(g, 0), () -> {
                try {
                    g.execute(keyOn(g, 1), () -> { });
                } catch (RuntimeException e) {
                    thrown.set(e);
                } finally {
                    done.countDown();
                }
            });
            await(done, "the submitting task");
            assertTrue(thrown.get() instanceof RejectedExecutionException, String.valueOf(thrown.get()));
            assertTrue(thrown.get().getMessage().contains("bp-1"), thrown.get().getMessage());
        } finally {
            shutdownNow(g);
        }
    }

    @Test
    void anUnkeyedSubmitFromAnExecToFullRingsDoesNotPark() throws Exception {
        ExecGroup g = ExecGroup.builder()
            .affinity(AffinityPlan.unpinned(2))
            .execSettings(Exec.builder().name("bp").daemon(true).ringCapacity(RING))
            .balancer(LoadBalancer.boundedDepth(RING / 2))
            .backpressure(Backpressure.block(Duration.ofSeconds(30)))
            .build();
        Gate gate = null;
        try {
            gate = Gate.hold(g.exec(1));
            for (int i = 0; i < RING; i++) {
                g.exec(1).offer(() -> { });
            }
            int n = 2 * RING;
            CountDownLatch ran = new CountDownLatch(n);
            CountDownLatch submitted = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch filled = new CountDownLatch(1);
            g.exec(0).execute(() -> { // Exec 0 is busy here while its own ring fills too
                try {
                    await(filled, "Exec 0's ring to fill");
                    for (int i = 0; i < n; i++) {
                        g.execute(ran::countDown);
                    }
                } catch (RuntimeException e) {
                    failure.set(e);
                } finally {
                    submitted.countDown();
                }
            });
            for (int i = 0; i < RING; i++) {
                g.exec(0).offer(() -> { });
            }
            filled.countDown(); // every ring is at least boundedDepth deep: the balancer answers NONE
            assertTrue(submitted.await(10, TimeUnit.SECONDS), "the Exec thread was parked by block()");
            assertNull(failure.get());
            gate.open();
            assertTrue(ran.await(10, TimeUnit.SECONDS), ran.getCount() + " never ran");
        } finally {
            if (gate != null) {
                gate.open();
            }
            shutdownNow(g);
        }
    }

    @Test
    void anAsyncTaskSpawnFromAnExecWithNoRoomIsRejectedAtOnceNotParked() throws Exception {
        ExecGroup g = ExecGroup.builder()
            .affinity(AffinityPlan.unpinned(1))
            .execSettings(Exec.builder().name("bp").daemon(true).ringCapacity(RING))
            .balancer((task, group) -> LoadBalancer.NONE) // never any room
            .backpressure(Backpressure.block(Duration.ofSeconds(30)))
            .build();
        try {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            g.exec(0).execute(() -> {
                try {
                    g.spawn(new AsyncTask() {
                        @Override
                        protected boolean poll() {
                            return true;
                        }
                    });
                } catch (RuntimeException e) {
                    thrown.set(e);
                } finally {
                    done.countDown();
                }
            });
            assertTrue(done.await(10, TimeUnit.SECONDS), "the Exec thread was parked by block()");
            assertTrue(thrown.get() instanceof RejectedExecutionException, String.valueOf(thrown.get()));
            assertTrue(thrown.get().getMessage().contains("does not park"), thrown.get().getMessage());
        } finally {
            shutdownNow(g);
        }
    }
}
