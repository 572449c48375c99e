package io.corepin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stall guard dozes while every guarded Exec has been parked and idle for a while (it looked every half
 * threshold even with nothing to guard: 200 wake-ups a second of an idle process), and a task that starts after
 * the doze — a submitted one, a timer's — is still reported as a stall within the guard's bound. In a child JVM: the
 * guard is one thread per JVM, and another test's live Exec would keep it awake.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StallGuardDozeTest {

    @Test
    void anIdleProcessLetsTheGuardDozeAndAStallAfterTheDozeIsStillReported() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Child.class);
        r.assertPrinted("idle: the guard looked at most 3 times in 500 ms");
        r.assertPrinted("a submitted task that stalls after the doze: reported while it ran");
        r.assertPrinted("a timer's task that stalls after the doze: reported while it ran");
        r.assertPrinted("busy: the guard looked at least 10 times in 1 s");
    }

    /** The child: one guarded Exec, idle, then stalls started by a submit and by a timer. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            try (Exec exec = Exec.builder().name("doze").stallThreshold(10, TimeUnit.MILLISECONDS).build()) {
                exec.submit(() -> 1).get(5, TimeUnit.SECONDS);
                Thread.sleep(400); // parked and idle for 80 of the guard's 5 ms periods
                long before = StallGuard.looks();
                Thread.sleep(500);
                long idleLooks = StallGuard.looks() - before;
                System.out.println("idle looks " + idleLooks);
                if (idleLooks <= 3) {
                    System.out.println("RESULT idle: the guard looked at most 3 times in 500 ms");
                }

                CompletableFuture<Long> submitted = new CompletableFuture<>();
                exec.execute(() -> submitted.complete(stallFor(exec, 1_000)));
                long stallsSeen = submitted.get(5, TimeUnit.SECONDS);
                System.out.println("submitted: stalls reported while it ran " + stallsSeen);
                if (stallsSeen == 1) { // the task's own report, counted while it still ran
                    System.out.println("RESULT a submitted task that stalls after the doze: reported while it ran");
                }

                Thread.sleep(400); // dozing again
                CompletableFuture<Long> timed = new CompletableFuture<>();
                exec.schedule(() -> timed.complete(stallFor(exec, 1_000)), 300, TimeUnit.MILLISECONDS);
                long stallsSeenTimed = timed.get(5, TimeUnit.SECONDS);
                System.out.println("timer: stalls reported while it ran " + stallsSeenTimed);
                if (stallsSeenTimed == 1) {
                    System.out.println("RESULT a timer's task that stalls after the doze: reported while it ran");
                }

                // Awake and busy (a task every millisecond): the guard looks every half threshold again (200 looks a
                // second; a loaded machine starves the guard's thread, seen here down to ~15 a second).
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000);
                before = StallGuard.looks();
                while (System.nanoTime() < end) {
                    exec.execute(() -> { });
                    Thread.sleep(1);
                }
                long busyLooks = StallGuard.looks() - before;
                System.out.println("busy looks " + busyLooks);
                if (busyLooks >= 10) {
                    System.out.println("RESULT busy: the guard looked at least 10 times in 1 s");
                }
            }
        }

        /**
         * Holds the Exec for {@code millis}, then answers how many stalls were reported while it did: only its own can
         * be (it holds the Exec). Not the Exec's total: a first {@code schedule} creates the timer wheel on the Exec,
         * which a loaded machine can make a stall of its own.
         */
        private static long stallFor(Exec exec, long millis) {
            final long before = exec.stalls();
            final long looksBefore = StallGuard.looks();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            System.out.println("the guard looked " + (StallGuard.looks() - looksBefore) + " times in the " + millis
                + " ms stall");
            return exec.stalls() - before;
        }
    }
}
