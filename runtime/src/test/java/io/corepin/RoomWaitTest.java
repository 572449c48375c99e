package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import io.corepin.balance.LoadBalancer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Backpressure#block} from a plain thread: once every ring is full it parks until a consumer has drained its
 * ring to half of what it held (the Exec itself unparks it), instead of re-trying the submit on a timer — the retries
 * were what a spawn_many driver spent its time on, on the very CPU the consumer needed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoomWaitTest {
    private static final int RING = 64;

    @Test
    void aBlockedSubmitterWaitsForTheConsumerInsteadOfRetrying() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        LoadBalancer counting = (task, targets) -> {
            asked.incrementAndGet();
            return 0;
        };
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(1)).balancer(counting)
            .backpressure(Backpressure.block(Duration.ofSeconds(30)))
            .execSettings(Exec.builder().name("room").ringCapacity(RING).daemon(true)).build();
        try {
            group.execute(() -> {
                holding.countDown();
                try {
                    gate.await(20, TimeUnit.SECONDS); // bounded: the test opens it after a second
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(holding.await(5, TimeUnit.SECONDS), "the holding task did not start");
            int queued = 0;
            while (group.trySubmit(ran::incrementAndGet)) {
                queued++;
                assertTrue(queued <= RING, "a ring of " + RING + " took " + queued);
            }
            asked.set(0);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread submitter = new Thread(() -> {
                try {
                    group.execute(ran::incrementAndGet); // blocks: the ring is full behind the held task
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "room-submitter");
            submitter.start();
            Thread.sleep(1_000); // the submitter waits for room meanwhile
            int askedWhileBlocked = asked.get();
            assertTrue(submitter.isAlive(), "the submit returned while the ring was full");
            gate.countDown();
            submitter.join(10_000);
            assertFalse(submitter.isAlive(), "the submitter was not let in once the ring drained");
            assertEquals(null, failed.get());
            assertTrue(askedWhileBlocked < 100, "a submitter blocked for 1 s asked the balancer " + askedWhileBlocked
                + " times: it retried instead of waiting for the consumer");
            group.close();
            assertEquals(queued + 1, ran.get(), "every accepted task runs once");
        } finally {
            gate.countDown();
            group.shutdownNow().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aShutdownEndsTheWaitAtOnceWithARejection() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        ExecGroup group = ExecGroup.builder().affinity(AffinityPlan.unpinned(1))
            .backpressure(Backpressure.block(Duration.ofSeconds(30)))
            .execSettings(Exec.builder().name("room-stop").ringCapacity(RING).daemon(true)).build();
        try {
            group.execute(() -> {
                holding.countDown();
                try {
                    gate.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // shutdownNow interrupts the held task
                }
            });
            assertTrue(holding.await(5, TimeUnit.SECONDS), "the holding task did not start");
            while (group.trySubmit(() -> { })) {
                Thread.onSpinWait();
            }
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread submitter = new Thread(() -> {
                try {
                    group.execute(() -> { });
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "room-stop-submitter");
            submitter.start();
            Thread.sleep(200);
            long stopped = System.nanoTime();
            group.shutdownNow().get(10, TimeUnit.SECONDS);
            submitter.join(10_000);
            assertFalse(submitter.isAlive(), "the submitter still waits after shutdownNow");
            assertTrue(System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(5), "the wait outlived the shutdown");
            assertTrue(failed.get() instanceof RejectedExecutionException, "got " + failed.get());
        } finally {
            gate.countDown();
            group.shutdownNow().get(10, TimeUnit.SECONDS);
        }
        assertThrows(RejectedExecutionException.class, () -> group.execute(() -> { }));
    }
}
