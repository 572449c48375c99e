package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closing never hangs and loses nothing: yieldNow while an Exec stops, onCancel's interrupt status. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecCloseTest {

    /** Suspends forever; its onCancel runs {@code onCancel}. */
    private static final class Forever extends AsyncTask {
        private final Runnable onCancel;
        final CountDownLatch polled = new CountDownLatch(1);

        Forever(Runnable onCancel) {
            this.onCancel = onCancel;
        }

        @Override
        protected boolean poll() {
            polled.countDown();
            return false;
        }

        @Override
        protected void onCancel() {
            onCancel.run();
        }
    }

    private static void spinUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // bounded: 10 s
        }
    }

    @Test
    void yieldNowCalledWhileTheExecFinishesCompletesItsPromise() throws Exception {
        Exec exec = Exec.builder().name("yield-finish").daemon(true).build();
        CountDownLatch settled = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Forever task = new Forever(() -> Exec.yieldNow().whenComplete((v, t) -> { // on the finishing Exec
            outcome.set(t);
            settled.countDown();
        }));
        exec.spawn(task);
        assertTrue(task.polled.await(10, TimeUnit.SECONDS));
        List<Runnable> back = exec.shutdownNow().get(10, TimeUnit.SECONDS);
        assertTrue(settled.await(10, TimeUnit.SECONDS), "the yield's promise never completed; handed back: " + back);
        assertTrue(outcome.get() == null || outcome.get() instanceof CancellationException, "got " + outcome.get());
        assertEquals(List.of(), back, "a yield is not the user's task");
    }

    @Test
    void aYieldQueuedWhenShutdownNowStopsTheExecIsNotHandedBackAndItsPromiseCompletes() throws Exception {
        Exec exec = Exec.builder().name("yield-stop").daemon(true).build();
        CountDownLatch settled = new CountDownLatch(1);
        CountDownLatch yielded = new CountDownLatch(1);
        exec.execute(() -> {
            Exec.yieldNow().whenComplete((v, t) -> settled.countDown());
            yielded.countDown();
            spinUntil(exec::isShutdown); // the yield stays queued until shutdownNow stops the Exec
        });
        assertTrue(yielded.await(10, TimeUnit.SECONDS));
        List<Runnable> back = exec.shutdownNow().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), back, "a pending yield was handed back as if it were a user task");
        assertTrue(settled.await(10, TimeUnit.SECONDS), "the yield's promise never completed");
    }

    @Test
    void onCancelRunsWithTheInterruptFlagCleared() throws Exception {
        Exec exec = Exec.builder().name("cancel-interrupt").daemon(true).build();
        AtomicReference<Boolean> interruptedInOnCancel = new AtomicReference<>();
        CountDownLatch cancelled = new CountDownLatch(1);
        Forever task = new Forever(() -> {
            interruptedInOnCancel.set(Thread.currentThread().isInterrupted());
            cancelled.countDown();
        });
        exec.spawn(task);
        assertTrue(task.polled.await(10, TimeUnit.SECONDS));
        CountDownLatch running = new CountDownLatch(1);
        exec.execute(() -> { // returns with the interrupt of shutdownNow still set
            running.countDown();
            spinUntil(() -> Thread.currentThread().isInterrupted());
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        exec.shutdownNow().get(10, TimeUnit.SECONDS);
        assertTrue(cancelled.await(10, TimeUnit.SECONDS));
        assertFalse(interruptedInOnCancel.get(), "onCancel ran with the interrupt flag set");
    }
}
