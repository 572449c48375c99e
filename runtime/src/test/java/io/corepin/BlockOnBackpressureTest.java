package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.corepin.affinity.AffinityPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Backpressure#block} from a {@link Exec#blockOn} body: the host thread is the caller's own (blockOn blocks
 * it anyway) and no submit ever waits for room in a blockOn host, so it waits for room as a plain thread does —
 * a body spawning far more than the group's rings and backlogs hold gets every task run exactly once, where it was
 * rejected once ring + backlog were full (smolscale's spawn_many, broken since issue #12).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockOnBackpressureTest {
    private static final int RING = 8;
    /** Far more than ring + backlog (a ring's worth) of every Exec. */
    private static final int TASKS = 2_000;

    private static ExecGroup group(int execs) {
        return ExecGroup.builder()
            .affinity(AffinityPlan.unpinned(execs))
            .execSettings(Exec.builder().name("bob").daemon(true).ringCapacity(RING))
            .backpressure(Backpressure.block(Duration.ofSeconds(30))) // far longer than any wait below
            .build();
    }

    private static void close(ExecGroup g) throws Exception {
        g.shutdownNow().get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code spawnOne(i)} for every i in a blockOn body, waits for all; asserts each ran exactly once. */
    private static void spawnFromBlockOn(IntFunction<CompletableFuture<?>> spawnOne, AtomicIntegerArray runs) {
        Exec.blockOn(() -> {
            List<CompletableFuture<?>> all = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                all.add(spawnOne.apply(i));
            }
            return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
        });
        for (int i = 0; i < TASKS; i++) {
            assertEquals(1, runs.get(i), "task " + i + " ran " + runs.get(i) + " times");
        }
    }

    @Test
    void spawnedBodiesBeyondRingAndBacklogAllRunOnce() throws Exception {
        for (int execs = 1; execs <= 2; execs++) {
            ExecGroup g = group(execs);
            try {
                AtomicIntegerArray runs = new AtomicIntegerArray(TASKS);
                spawnFromBlockOn(i -> g.spawn(() -> {
                    runs.incrementAndGet(i);
                    return CompletableFuture.completedFuture(null);
                }), runs);
            } finally {
                close(g);
            }
        }
    }

    @Test
    void executeSubmitAndKeyedBeyondRingAndBacklogAllRunOnce() throws Exception {
        ExecGroup g = group(2);
        try {
            AtomicIntegerArray runs = new AtomicIntegerArray(TASKS);
            spawnFromBlockOn(i -> {
                switch (i % 3) {
                    case 0: {
                        CompletableFuture<Void> done = new CompletableFuture<>();
                        g.execute(() -> {
                            runs.incrementAndGet(i);
                            done.complete(null);
                        });
                        return done;
                    }
                    case 1:
                        return g.submit(() -> runs.incrementAndGet(i));
                    default: {
                        CompletableFuture<Void> done = new CompletableFuture<>();
                        g.execute(i % 7, () -> {
                            runs.incrementAndGet(i);
                            done.complete(null);
                        });
                        return done;
                    }
                }
            }, runs);
        } finally {
            close(g);
        }
    }

    @Test
    void asyncTasksBeyondRingAllRunOnce() throws Exception {
        ExecGroup g = group(2);
        try {
            AtomicIntegerArray runs = new AtomicIntegerArray(TASKS);
            spawnFromBlockOn(i -> g.spawn(new AsyncTask() {
                @Override
                protected boolean poll() {
                    runs.incrementAndGet(i);
                    return true;
                }
            }).done().toCompletableFuture(), runs);
        } finally {
            close(g);
        }
    }

    /**
     * The wait this creates — a blockOn host waiting for room in a group Exec — while every group task hands work
     * back to the host (it completes a promise the host owns: a hop onto the host's ring, which is never refused and
     * never waits), so the group never waits for the host, the host's wait ends and everything completes. (An
     * {@link Exec#call} back would not do: the body runs its whole loop as one task, so the host's ring and backlog
     * fill with calls it cannot take before the loop ends — with or without waiting for room.)
     */
    @Test
    void aWaitingHostThatTheGroupCallsBackIntoDoesNotDeadlock() throws Exception {
        ExecGroup g = group(2);
        try {
            AtomicIntegerArray runs = new AtomicIntegerArray(TASKS);
            spawnFromBlockOn(i -> {
                Exec host = Exec.current();
                Promise<Void> back = new Promise<>(host);
                g.execute(() -> {
                    runs.incrementAndGet(i);
                    back.complete(null); // a hop onto the host: never refused (it overflows), never waits
                });
                return back;
            }, runs);
        } finally {
            close(g);
        }
    }

    /** Two blockOn hosts (two threads) flooding one group at once: both wait for room, neither for the other. */
    @Test
    void twoHostsFloodingOneGroupAtOnce() throws Exception {
        ExecGroup g = group(2);
        try {
            AtomicIntegerArray runs0 = new AtomicIntegerArray(TASKS);
            AtomicIntegerArray runs1 = new AtomicIntegerArray(TASKS);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    spawnFromBlockOn(i -> g.spawn(() -> {
                        runs1.incrementAndGet(i);
                        return CompletableFuture.completedFuture(null);
                    }), runs1);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "second-host");
            other.setDaemon(true);
            other.start();
            spawnFromBlockOn(i -> g.spawn(() -> {
                runs0.incrementAndGet(i);
                return CompletableFuture.completedFuture(null);
            }), runs0);
            other.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(false, other.isAlive(), "the second host is still spawning");
            assertNull(failure.get());
        } finally {
            close(g);
        }
    }
}
