package io.corepin.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.AsyncTask;
import io.corepin.Exec;
import io.corepin.Promise;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the feature soaks found, each as a small deterministic reproduction (the soak's failure message names the
 * same invariant at random moments; these pin it down).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SoakFindingsTest {

    /**
     * Found by {@link PromiseSoak} (placement): built on X, {@code thenCompose} to Y then {@code thenApply} runs the
     * {@code thenApply} on Y's thread — the JDK's relay completes X's dependent stage there.
     */
    @Test
    void aContinuationAfterAThenComposeToAnotherExecRunsOnTheOwner() throws Exception {
        try (Exec x = Exec.builder().name("finding-x").daemon(true).build();
             Exec y = Exec.builder().name("finding-y").daemon(true).build()) {
            AtomicReference<CompletableFuture<Exec>> where = new AtomicReference<>();
            CountDownLatch built = new CountDownLatch(1);
            x.execute(() -> { // composed on X, as code running on an Exec does
                where.set(x.submit(() -> 1).thenCompose(v -> y.submit(() -> {
                    Thread.sleep(50); // Y completes after X has registered the relay (as a remote call does)
                    return v + 1;
                })).thenApply(v -> Exec.current()));
                built.countDown();
            });
            assertTrue(built.await(10, TimeUnit.SECONDS), "the chain was never built on " + x.name());
            Exec ranOn = where.get().get(10, TimeUnit.SECONDS);
            assertSame(x, ranOn, "thenApply of a promise owned by " + x.name() + " ran on "
                + (ranOn == null ? "a plain thread" : ranOn.name()));
        }
    }

    /**
     * Found by {@link TimerSoak} and {@link PromiseSoak} (hand-back, exactly-once): a continuation registered from
     * another thread ({@code whenComplete} → {@code whenCompleteAsync} on the owner) that is queued on the Exec when
     * {@code shutdownNow} stops it is handed back to the user as a {@code CompletableFuture$UniWhenComplete}, and the
     * stage it would complete never completes.
     */
    @Test
    void shutdownNowHandsBackNoInternalContinuationAndCompletesItsStage() throws Exception {
        Exec x = Exec.builder().name("finding-now").daemon(true).build();
        try {
            Promise<Integer> p = new Promise<>(x);
            CompletableFuture<Integer> after = p.whenComplete((v, e) -> { }); // registered off the owner
            CountDownLatch completed = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            x.execute(() -> {
                p.complete(1);         // on the owner: the continuation is queued behind this task
                completed.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // hold the Exec until shutdownNow (it interrupts us)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(completed.await(10, TimeUnit.SECONDS), "the completing task never ran");
            CompletableFuture<List<Runnable>> back = x.shutdownNow();
            release.countDown();
            List<Runnable> handed = back.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(), handed.stream().map(r -> r.getClass().getName()).toList(),
                "shutdownNow handed back internal entries (no user task was queued)");
            try {
                after.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | java.util.concurrent.CancellationException expected) {
                // completed (run or cancelled by the stop): either keeps the promise
            } catch (TimeoutException e) {
                throw new AssertionError("the whenComplete stage never completed after shutdownNow", e);
            }
        } finally {
            x.shutdownNow();
            assertTrue(x.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    /** Records where it is polled; stays suspended (woken from outside) until cancelled. */
    private static final class Probe extends AsyncTask {
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger offOwner;
        final AtomicReference<String> example;

        Probe(AtomicInteger offOwner, AtomicReference<String> example) {
            this.offOwner = offOwner;
            this.example = example;
        }

        @Override
        protected boolean poll() {
            polls.incrementAndGet();
            Exec here = Exec.current();
            if (here != exec()) {
                offOwner.incrementAndGet();
                example.compareAndSet(null, this + " spawned on " + exec().name() + " was polled on "
                    + (here == null ? Thread.currentThread().getName() : here.name()));
            }
            return false; // woken again by the test's wakers
        }
    }

    /**
     * Found by {@link AsyncTaskSoak} (placement: "poll of id N ran on soak-async-0, not on its owner soak-async-1",
     * once in 1.4 million polls under -Psoak): a task woken by another thread while {@code B.spawn(task)} is refused
     * (B's ring full) and then spawned on A can be polled on B. {@code wake()} reads the task's Exec (B, between
     * {@code bind} and {@code unbind}) and only then swaps the wake flag (0 again after {@code unbind}), so it
     * queues the task's step on B; when B runs that stale step while A's task is live and woken, B polls it — on
     * B's thread, perhaps while A polls it too (issue #12 item 8). A race, so a loop of attempts with wakers
     * running; it reports how many stale steps reached B.
     */
    @Test
    void aWakeRacingARefusedSpawnNeverPollsTheTaskOnTheRefusingExec() throws Exception {
        AtomicInteger offOwner = new AtomicInteger();
        AtomicReference<String> example = new AtomicReference<>();
        Exec a = Exec.builder().name("finding-a").daemon(true).build();
        Exec b = Exec.builder().name("finding-b").daemon(true).ringCapacity(4).stallThreshold(0, TimeUnit.SECONDS)
            .build();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Probe> current = new AtomicReference<>();
        List<Probe> probes = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread waker = new Thread(() -> { // wakes the task being spawned, as fast as it can
            while (!stop.get()) {
                Probe p = current.get();
                if (p != null) {
                    p.wake();
                }
            }
        }, "finding-waker");
        Thread wakeAll = new Thread(() -> { // keeps the spawned tasks' wake flags busy
            while (!stop.get()) {
                for (Probe p : probes) {
                    p.wake();
                }
                java.util.concurrent.locks.LockSupport.parkNanos(10_000);
            }
        }, "finding-wake-all");
        waker.setDaemon(true);
        wakeAll.setDaemon(true);
        CountDownLatch release = new CountDownLatch(1);
        long fillers = 0;
        try {
            CountDownLatch held = new CountDownLatch(1);
            b.execute(() -> { // hold B so that its ring stays full
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(held.await(10, TimeUnit.SECONDS), "B never ran the holding task");
            while (b.offer(() -> { }) >= 0) {
                fillers++; // fill B's ring
            }
            waker.start();
            wakeAll.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            for (int i = 0; i < 10_000 && System.nanoTime() - end < 0; i++) {
                Probe p = new Probe(offOwner, example);
                current.set(p);
                try {
                    b.spawn(p);
                    throw new AssertionError("B's ring is full: the spawn must be refused");
                } catch (RejectedExecutionException refused) {
                    // expected: the task is left unspawned
                }
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (true) { // accepted on A, whose ring the wakers may have filled for a moment
                    try {
                        a.spawn(p); // its polls must run on A
                        break;
                    } catch (RejectedExecutionException full) {
                        assertTrue(System.nanoTime() - giveUp < 0, "A's ring stayed full for 10 s");
                        Thread.onSpinWait();
                    }
                }
                probes.add(p);
            }
            current.set(null);
            release.countDown(); // B runs what reached it while A's tasks are live and being woken
            long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() - settle < 0 && offOwner.get() == 0) {
                Thread.sleep(10);
            }
        } finally {
            stop.set(true);
            waker.join(10_000);
            wakeAll.join(10_000);
            release.countDown();
            a.shutdownNow();
            b.shutdownNow();
            assertTrue(a.awaitTermination(30, TimeUnit.SECONDS), "A did not terminate");
            assertTrue(b.awaitTermination(30, TimeUnit.SECONDS), "B did not terminate");
        }
        long stale = b.tasksRun() - fillers - 1;
        System.out.println("[soak] finding: " + probes.size() + " refused-then-respawned tasks, " + stale
            + " stale wake entries reached " + b.name() + ", " + offOwner.get() + " polls off the owner");
        assertEquals(0, offOwner.get(), offOwner.get() + " polls of " + probes.size() + " tasks ran off the Exec"
            + " they were spawned on, e.g. " + example.get());
        assertEquals(0, b.taskErrors(), "B's stale wake entries threw " + b.taskErrors() + " times");
    }
}
