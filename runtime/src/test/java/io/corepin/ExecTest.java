package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecTest {

    private static Exec.Builder small() {
        return Exec.builder().name("test-exec").daemon(true);
    }

    @Test
    void runsTasksFromAnotherThreadOnItsOwnThreadInOrder() throws Exception {
        try (Exec exec = small().build()) {
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<Exec> seenCurrent = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1000);
            for (int i = 0; i < 1000; i++) {
                final int n = i;
                exec.execute(() -> {
                    order.add(n);
                    seenCurrent.set(Exec.current());
                    done.countDown();
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, order.get(i));
            }
            assertSame(exec, seenCurrent.get());
            assertEquals(null, Exec.current(), "the test thread is no Exec");
        }
    }

    @Test
    void tasksSpawnedFromInsideRunLocallyAfterTheSpawner() throws Exception {
        try (Exec exec = small().build()) {
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            exec.execute(() -> {
                assertEquals(Integer.MAX_VALUE, exec.offer(() -> order.add("child-1")), "owner offer is local");
                exec.execute(() -> order.add("child-2"));
                exec.execute(done::countDown);
                order.add("parent");
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("parent", "child-1", "child-2"), order);
        }
    }

    @Test
    void aThrowingTaskIsCountedHandledAndTheExecGoesOn() throws Exception {
        List<Throwable> handled = new CopyOnWriteArrayList<>();
        List<Runnable> failedTasks = new CopyOnWriteArrayList<>();
        try (Exec exec = small().errorHandler((e, task, error) -> {
            failedTasks.add(task);
            handled.add(error);
        }).build()) {
            Runnable boom = () -> {
                throw new IllegalStateException("boom");
            };
            exec.execute(boom);
            exec.execute(() -> {
                throw new StackOverflowError("deep");
            });
            exec.execute(() -> {
                throw new AssertionError("an Error");
            });
            CountDownLatch after = new CountDownLatch(1);
            exec.execute(after::countDown);
            assertTrue(after.await(10, TimeUnit.SECONDS), "the Exec kept running after three failures");
            assertEquals(3, exec.taskErrors());
            assertEquals(3, handled.size());
            assertSame(boom, failedTasks.get(0));
            assertEquals("boom", handled.get(0).getMessage());
            assertTrue(handled.get(1) instanceof StackOverflowError);
        }
    }

    @Test
    void aThrowingErrorHandlerIsCountedToo() throws Exception {
        try (Exec exec = small().errorHandler((e, task, error) -> {
            throw new RuntimeException("handler broke");
        }).build()) {
            exec.execute(() -> {
                throw new RuntimeException("task broke");
            });
            CountDownLatch after = new CountDownLatch(1);
            exec.execute(after::countDown);
            assertTrue(after.await(10, TimeUnit.SECONDS));
            assertEquals(2, exec.taskErrors());
        }
    }

    @Test
    void closeRunsEverythingAcceptedThenRejects() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Exec exec = small().ringCapacity(1024).build();
        Gate gate = Gate.hold(exec);
        for (int i = 0; i < 500; i++) {
            exec.execute(ran::incrementAndGet);
        }
        Thread closer = new Thread(exec::close);
        closer.start();
        while (!exec.isShutdown()) {
            Thread.sleep(1);
        }
        RejectedExecutionException e =
            assertThrows(RejectedExecutionException.class, () -> exec.execute(ran::incrementAndGet));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
        assertEquals(Exec.CLOSED, exec.offer(ran::incrementAndGet));
        gate.open();
        closer.join(10_000);
        assertTrue(exec.isTerminated());
        assertEquals(500, ran.get());
        assertTrue(exec.shutdownNow().get(1, TimeUnit.SECONDS).isEmpty(), "nothing left after a drained close");
    }

    @Test
    void closeAlsoRunsWhatTasksSpawnWhileDraining() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Exec exec = small().build();
        Gate gate = Gate.hold(exec);
        exec.execute(() -> exec.execute(() -> exec.execute(ran::incrementAndGet)));
        exec.shutdown();
        gate.open();
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(1, ran.get());
    }

    @Test
    void shutdownNowHandsBackEveryUnrunTaskInOrder() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Exec exec = small().ringCapacity(256).build();
        Gate gate = Gate.hold(exec);
        List<Runnable> submitted = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Runnable r = ran::incrementAndGet;
            submitted.add(r);
            exec.execute(r);
        }
        var handedBack = exec.shutdownNow();
        gate.open();
        List<Runnable> unrun = handedBack.get(10, TimeUnit.SECONDS);
        assertEquals(0, ran.get(), "the stop happened at the end of the gate's turn");
        assertEquals(submitted, unrun);
        assertTrue(exec.isTerminated());
    }

    @Test
    void fullRingRejectsWithoutLosingAnything() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        try (Exec exec = small().ringCapacity(4).build()) {
            Gate gate = Gate.hold(exec); // the running gate's burst holds its slot until the burst ends
            assertEquals(1, exec.depth());
            assertEquals(2, exec.offer(ran::incrementAndGet));
            assertEquals(1, exec.offer(ran::incrementAndGet));
            assertEquals(0, exec.offer(ran::incrementAndGet));
            assertEquals(Exec.FULL, exec.offer(ran::incrementAndGet));
            assertEquals(4, exec.depth());
            RejectedExecutionException e =
                assertThrows(RejectedExecutionException.class, () -> exec.execute(ran::incrementAndGet));
            assertTrue(e.getMessage().contains("ring full (capacity 4)"), e.getMessage());
            gate.open();
        }
        assertEquals(3, ran.get());
    }

    @Test
    void idleExecParksAndAProducerWakesIt() throws Exception {
        try (Exec exec = small().build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (exec.parks() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(exec.parks() > 0, "an idle Exec parks");
            long parksBefore = exec.parks();
            Thread.sleep(200);
            assertTrue(exec.parks() - parksBefore <= 2, "a parked Exec stays parked when nothing arrives");
            for (int i = 0; i < 100; i++) {
                CountDownLatch ran = new CountDownLatch(1);
                exec.execute(ran::countDown);
                assertTrue(ran.await(5, TimeUnit.SECONDS), "wake-up " + i + " lost");
                Thread.sleep(1);
            }
        }
    }

    @Test
    void aTaskThatInterruptsItsThreadDoesNotMakeTheExecSpin() throws Exception {
        try (Exec exec = small().build()) {
            CountDownLatch ran = new CountDownLatch(1);
            exec.execute(() -> {
                Thread.currentThread().interrupt();
                ran.countDown();
            });
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            Thread.sleep(100);
            long parks = exec.parks();
            Thread.sleep(300);
            assertTrue(exec.parks() - parks <= 2, "parked for good, not woken by a stale interrupt");
            CountDownLatch again = new CountDownLatch(1);
            exec.execute(again::countDown);
            assertTrue(again.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void closingFromItsOwnThreadIsRefused() throws Exception {
        try (Exec exec = small().build()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            exec.execute(() -> {
                try {
                    exec.close();
                } catch (Throwable t) {
                    thrown.set(t);
                }
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertTrue(thrown.get() instanceof IllegalStateException);
            assertFalse(exec.isShutdown());
        }
    }

    @Test
    void offerBurstTakesWhatFitsInOrderAndChecksNullsFirst() throws Exception {
        List<Integer> order = new CopyOnWriteArrayList<>();
        Runnable[] burst = new Runnable[10];
        for (int i = 0; i < burst.length; i++) {
            final int n = i;
            burst[i] = () -> order.add(n);
        }
        try (Exec exec = small().ringCapacity(8).build()) {
            Gate gate = Gate.hold(exec); // its burst holds one slot: 7 free
            assertEquals(7, exec.offerBurst(burst, 0, 10));
            assertEquals(0, exec.offerBurst(burst, 7, 3), "full: nothing more goes in");
            Runnable[] withNull = {burst[7], null};
            assertThrows(NullPointerException.class, () -> exec.offerBurst(withNull, 0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> exec.offerBurst(burst, 8, 3));
            assertEquals(8, exec.depth());
            gate.open();
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), order);
    }

    @Test
    void offerBurstFromTheOwnerThreadGoesLocal() throws Exception {
        try (Exec exec = small().ringCapacity(2).build()) {
            List<Integer> order = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            exec.execute(() -> {
                Runnable[] burst = new Runnable[5];
                for (int i = 0; i < 5; i++) {
                    final int n = i;
                    burst[i] = () -> order.add(n);
                }
                order.add(exec.offerBurst(burst, 0, 5) * 100); // all 5 accepted although the ring holds 2
                exec.execute(done::countDown);
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(List.of(500, 0, 1, 2, 3, 4), order);
        }
    }

    @Test
    void nullTaskIsRejected() throws Exception {
        try (Exec exec = small().build()) {
            assertThrows(NullPointerException.class, () -> exec.execute(null));
            assertThrows(NullPointerException.class, () -> exec.offer(null));
        }
    }

    @Test
    void badSettingsNameTheValue() {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> Exec.builder().ringCapacity(1000));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Exec.builder().turn(0, 5));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> IdleStrategy.backoff(1, 1, 10, 5, TimeUnit.MICROSECONDS));
        assertTrue(e.getMessage().contains("10..5"), e.getMessage());
    }

    @Test
    void everyIdleStrategyRunsWork() throws Exception {
        for (IdleStrategy idle : List.of(IdleStrategy.park(), IdleStrategy.busySpin(),
            IdleStrategy.backoff(10, 2, 1, 1000, TimeUnit.MICROSECONDS))) {
            try (Exec exec = small().idleStrategy(idle).build()) {
                for (int i = 0; i < 50; i++) {
                    CountDownLatch ran = new CountDownLatch(1);
                    exec.execute(ran::countDown);
                    assertTrue(ran.await(5, TimeUnit.SECONDS), idle + " lost wake-up " + i);
                    if (i % 10 == 0) {
                        Thread.sleep(2);
                    }
                }
            }
        }
    }

    /** Producers race a close: every execute that returned normally ran, every one that threw did not. */
    @Test
    void closeRacingSubmittersLosesNothingAndRunsNothingTwice() throws Exception {
        for (int round = 0; round < 20; round++) {
            Exec exec = small().ringCapacity(64).build();
            int producers = 3;
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 5_000; i++) {
                        try {
                            exec.execute(ran::incrementAndGet);
                            accepted.incrementAndGet();
                        } catch (RejectedExecutionException e) {
                            rejected.incrementAndGet();
                            Thread.onSpinWait();
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            Thread.sleep(round % 3);
            List<Runnable> unrun = round % 2 == 0 ? exec.closeNow() : List.of();
            if (round % 2 != 0) {
                exec.close();
            }
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertEquals(accepted.get(), ran.get() + unrun.size(), "round " + round);
            assertEquals(producers * 5_000, accepted.get() + rejected.get());
        }
    }
}
