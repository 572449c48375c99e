package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-key order is the happens-before order of the submits, whichever thread submits: the key's own Exec (which
 * used to take a local-queue shortcut) or any other thread (through the ring), or a backlog behind a full ring.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeyOrderTest {
    private static final long KEY = 42;

    private static ExecGroup group(int execs, int ringCapacity, int ringBurst) {
        return ExecGroup.builder()
            .affinity(AffinityPlan.unpinned(execs))
            .execSettings(Exec.builder().name("ko").daemon(true).ringCapacity(ringCapacity).turn(ringBurst, 64))
            .backpressure(Backpressure.block(Duration.ofSeconds(20)))
            .build();
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

    private static List<Integer> upTo(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    void theKeysOwnExecSubmitsBehindTheRingSubmitsBeforeIt() throws Exception {
        int n = 10;
        try (ExecGroup g = group(1, 64, 2)) { // small ring burst: ring entries wait across turns
            List<Integer> order = new ArrayList<>(); // touched only by the Exec
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch token = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(n + 1);
            g.exec(0).execute(() -> {
                running.countDown();
                await(token, "the token");
                g.execute(KEY, () -> { // happens after every submit of 0..n-1
                    order.add(n);
                    done.countDown();
                });
            });
            await(running, "the Exec to be inside the task");
            for (int i = 0; i < n; i++) {
                final int seq = i;
                g.execute(KEY, () -> {
                    order.add(seq);
                    done.countDown();
                });
            }
            token.countDown();
            await(done, "all tasks of the key");
            g.close();
            assertEquals(upTo(n), order);
        }
    }

    @Test
    void aRingSubmitAfterTheOwnersSubmitRunsAfterIt() throws Exception {
        try (ExecGroup g = group(1, 64, 32)) {
            List<Integer> order = new ArrayList<>(); // touched only by the Exec
            CountDownLatch ownerSubmitted = new CountDownLatch(1);
            CountDownLatch remoteSubmitted = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(2);
            g.exec(0).execute(() -> {
                g.execute(KEY, () -> {
                    order.add(0);
                    done.countDown();
                });
                ownerSubmitted.countDown();
                await(remoteSubmitted, "the remote submit"); // it sits in the ring behind this task
            });
            await(ownerSubmitted, "the owner's submit");
            g.execute(KEY, () -> { // happens after the owner's submit of 0
                order.add(1);
                done.countDown();
            });
            remoteSubmitted.countDown();
            await(done, "both tasks of the key");
            g.close();
            assertEquals(upTo(1), order);
        }
    }

    @Test
    void aSubmitAfterOnesWaitingInTheBacklogRunsAfterThem() throws Exception {
        int ring = 8;
        ExecGroup g = group(2, ring, 32);
        Gate gate = null;
        try {
            long key = ExecThreadBackpressureTest.keyOn(g, 1);
            gate = Gate.hold(g.exec(1));
            for (int i = 0; i < ring; i++) {
                try {
                    g.exec(1).execute(() -> { });
                } catch (RejectedExecutionException full) {
                    break; // the gate's slot stays claimed while it runs: the ring is full now
                }
            }
            int n = 5;
            List<Integer> order = new ArrayList<>(); // touched only by Exec 1
            CountDownLatch submitted = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(n + 1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            g.execute(ExecThreadBackpressureTest.keyOn(g, 0), () -> { // on Exec 0: its submits meet the full ring
                try {
                    for (int i = 0; i < n; i++) {
                        final int seq = i;
                        g.execute(key, () -> {
                            order.add(seq);
                            done.countDown();
                        });
                    }
                } catch (RuntimeException e) {
                    failure.set(e);
                } finally {
                    submitted.countDown();
                }
            });
            await(submitted, "Exec 0's submits");
            assertNull(failure.get());
            Thread late = new Thread(() -> g.execute(key, () -> { // a plain thread, after Exec 0's submits
                order.add(n);
                done.countDown();
            }));
            late.start();
            late.join(10_000); // still gated: it joins the backlog behind Exec 0's tasks instead of the ring
            assertTrue(!late.isAlive(), "the plain thread's submit waited although the backlog had room");
            gate.open();
            await(done, "all tasks of the key");
            assertTrue(g.exec(1).submit(() -> true).get(10, TimeUnit.SECONDS)); // the list's last write is visible
            assertEquals(upTo(n), order);
        } finally {
            if (gate != null) {
                gate.open();
            }
            g.shutdownNow().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void keyedLaneSubmitsFromTheKeysOwnExecKeepKeyOrderToo() throws Exception {
        int n = 10;
        Lane lane = Lane.fifo("keyed");
        Levels levels = Levels.builder().level(lane).highestFirst().build();
        try (ExecGroup g = ExecGroup.builder()
            .affinity(AffinityPlan.unpinned(1))
            .execSettings(Exec.builder().name("kl").daemon(true).ringCapacity(64).turn(2, 64).levels(levels))
            .backpressure(Backpressure.block(Duration.ofSeconds(20)))
            .build()) {
            List<Integer> order = new ArrayList<>(); // touched only by the Exec
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch token = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(n + 1);
            g.execute(lane, KEY, 0L, () -> {
                running.countDown();
                await(token, "the token");
                g.execute(lane, KEY, 0L, () -> { // happens after every submit of 0..n-1
                    order.add(n);
                    done.countDown();
                });
            });
            await(running, "the Exec to be inside the task");
            for (int i = 0; i < n; i++) {
                final int seq = i;
                g.execute(lane, KEY, 0L, () -> {
                    order.add(seq);
                    done.countDown();
                });
            }
            token.countDown();
            await(done, "all tasks of the key");
            g.close();
            assertEquals(upTo(n), order);
        }
    }
}
