package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A wake that reaches an Exec after it terminated (its producer drains the overflow itself) must not cancel the
 * task: the owner's finish cancels each live task, once, on the owner thread. A late waker running the task's
 * step's stop would cancel it on the waker's thread, racing the owner's cancel (found by jcstress
 * PromiseCompletionVsClose: a task cancelled twice).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LateWakeTest {
    static final class Sleeper extends AsyncTask {
        volatile int cancels;
        volatile String cancelledOn;

        @Override
        protected boolean poll() {
            return false;
        }

        @Override
        protected void onCancel() {
            cancels++;
            cancelledOn = Thread.currentThread().getName();
        }
    }

    @Test
    void aWakeAfterTerminationLeavesTheCancelToTheOwner() throws Exception {
        final Exec exec = Driven.exec(Exec.builder().name("late-wake").ringCapacity(4));
        final Sleeper task = new Sleeper();
        exec.spawn(task);
        Driven.turn(exec); // the first poll: suspended, live
        // A continuation in the ring: the finish runs it late, after TERMINATED and before it cancels the live
        // tasks; it has another thread wake the task then (that wake finds the Exec terminated).
        exec.ownerExecutor().execute(() -> {
            final Thread waker = new Thread(task::wake, "waker");
            waker.start();
            try {
                waker.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        final Thread finisher = new Thread(() -> Driven.finish(exec), "finisher");
        finisher.start();
        finisher.join(10_000);
        assertTrue(exec.isTerminated());
        assertEquals(1, task.cancels, "cancelled once");
        assertEquals("finisher", task.cancelledOn, "by the owner's finish, not by the late waker");
    }
}
