package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import io.corepin.levels.TaskSource;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Generator sources ({@link TaskSource#generates()}): lanes that produce tasks instead of being submitted to. With no
 * submission at all, everything a generator makes runs — whether it is ready at once or only later, on another
 * thread, while the Exec is parked (the source wakes it with the action it was {@link TaskSource#attach attached}
 * with) — and a close ends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GeneratorSourceTest {

    /** Makes {@code n} tasks, all ready at once; owner-only counters. */
    static final class Eager implements TaskSource {
        private final int n;
        private final Runnable each;
        private int made;

        Eager(int n, Runnable each) {
            this.n = n;
            this.each = each;
        }

        @Override
        public void offer(Runnable task, long deadlineNanos) {
            throw new UnsupportedOperationException("a generator");
        }

        @Override
        public Runnable poll() {
            if (made == n) {
                return null;
            }
            made++;
            return each;
        }

        @Override
        public int size() {
            return n - made;
        }

        @Override
        public boolean generates() {
            return true;
        }
    }

    /** Tasks that become ready on other threads ({@link #feed}): a thread-safe queue, and the Exec's wake-up. */
    static final class Fed implements TaskSource {
        private final ConcurrentLinkedQueue<Runnable> ready = new ConcurrentLinkedQueue<>();
        private final AtomicInteger readyCount = new AtomicInteger();
        private volatile Runnable wakeup = () -> { }; // published by attach before the Exec starts; read by feeders

        @Override
        public void attach(Runnable wake) {
            this.wakeup = wake;
        }

        /** Any thread: the task becomes ready (a volatile write), then the Exec is woken. */
        void feed(Runnable task) {
            ready.add(task);
            readyCount.incrementAndGet();
            wakeup.run();
        }

        @Override
        public void offer(Runnable task, long deadlineNanos) {
            feed(task);
        }

        @Override
        public Runnable poll() {
            Runnable r = ready.poll();
            if (r != null) {
                readyCount.decrementAndGet();
            }
            return r;
        }

        @Override
        public int size() {
            return readyCount.get(); // volatile: read by the Exec's re-check after it announced its park
        }

        @Override
        public boolean generates() {
            return true;
        }
    }

    /** Never runs out: always one task ready. */
    static final class Endless implements TaskSource {
        private final Runnable each;

        Endless(Runnable each) {
            this.each = each;
        }

        @Override
        public void offer(Runnable task, long deadlineNanos) {
            throw new UnsupportedOperationException("a generator");
        }

        @Override
        public Runnable poll() {
            return each;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public boolean generates() {
            return true;
        }
    }

    private static void awaitAbove(LongSupplier counter, long before, String what) throws InterruptedException {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter.getAsLong() <= before) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(what + " did not happen within 10 s");
            }
            Thread.sleep(1); // bounded poll of a counter, not a timing assumption
        }
    }

    /** A graceful close that must end (a hang is a failure, not a stuck test). */
    private static void assertClosesWithin10s(Exec exec) throws InterruptedException {
        exec.shutdown();
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS), exec + ": the graceful close never ended");
    }

    /** Whatever happened, the Exec stops (bounded: a stop does not wait for lanes). */
    private static void stop(Exec exec) throws Exception {
        exec.shutdownNow().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aGeneratorLaneAloneRunsEverythingItMakesWithNoSubmission() throws Exception {
        final int n = 10_000;
        CountDownLatch ran = new CountDownLatch(n);
        Lane gen = Lane.of("gen", () -> new Eager(n, ran::countDown));
        Levels levels = Levels.builder().level(gen).build();
        Exec exec = Exec.builder().name("gen").levels(levels).daemon(true).build();
        try {
            assertTrue(ran.await(10, TimeUnit.SECONDS), "ran " + (n - ran.getCount()) + " of " + n);
            awaitAbove(exec::parks, 0, "a park once the generator ran dry"); // it idles, it does not spin: it had work
            // from its first turn, so any park came after
            assertClosesWithin10s(exec);
        } finally {
            stop(exec);
        }
    }

    @Test
    void aGeneratorFedOnAnotherThreadWakesTheParkedExecForEveryTask() throws Exception {
        AtomicReference<Fed> source = new AtomicReference<>();
        Lane gen = Lane.of("fed", () -> {
            Fed f = new Fed();
            source.set(f);
            return f;
        });
        Levels levels = Levels.builder().level(gen).build();
        Exec exec = Exec.builder().name("fed").levels(levels).idleStrategy(IdleStrategy.park(0, 0)).daemon(true)
            .build();
        try {
            Fed fed = source.get();
            AtomicInteger ran = new AtomicInteger();
            long parks = 0;
            for (int i = 0; i < 50; i++) {
                awaitAbove(exec::parks, parks, "park before task " + i); // parked (or about to) since the last feed
                parks = exec.parks();
                CountDownLatch done = new CountDownLatch(1);
                fed.feed(() -> {
                    ran.incrementAndGet();
                    done.countDown();
                });
                assertTrue(done.await(10, TimeUnit.SECONDS), "task " + i + " never ran: the parked Exec was not woken");
            }
            assertEquals(50, ran.get());
            assertClosesWithin10s(exec);
        } finally {
            stop(exec);
        }
    }

    @Test
    void aGracefulCloseRunsWhatAGeneratorHoldsInACompleteOnCloseLaneAndEnds() throws Exception {
        AtomicReference<Fed> source = new AtomicReference<>();
        Lane gen = Lane.of("fed", () -> {
            Fed f = new Fed();
            source.set(f);
            return f;
        });
        Lane plain = Lane.fifo("plain");
        Levels levels = Levels.builder().level(plain).level(gen).build();
        Exec exec = Exec.builder().name("fed-close").levels(levels).daemon(true).build();
        try {
            Gate gate = Gate.hold(exec);
            CountDownLatch ran = new CountDownLatch(5);
            for (int i = 0; i < 5; i++) {
                source.get().feed(ran::countDown);
            }
            exec.shutdown();
            gate.open();
            assertTrue(ran.await(10, TimeUnit.SECONDS), "a complete-on-close generator's ready tasks run at close");
            assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));
        } finally {
            stop(exec);
        }
    }

    @Test
    void anEndlessGeneratorInALaneThatDoesNotCompleteOnCloseStopsBeingPolledAtClose() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Lane endless = Lane.of("endless", () -> new Endless(ran::incrementAndGet)).completeOnClose(false);
        Levels levels = Levels.builder().level(endless).build();
        Exec exec = Exec.builder().name("endless").levels(levels).daemon(true).build();
        try {
            awaitAbove(ran::get, 1000, "the endless generator's tasks running");
            exec.shutdown();
            assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS), "the close must end: the lane does not complete");
        } finally {
            stop(exec);
        }
    }

    @Test
    void anAlternatingLaneOverGeneratorsRunsThemAllThenParks() throws Exception {
        CountDownLatch ran = new CountDownLatch(30);
        Lane gen = Lane.of("alt", () -> TaskSource.alternating(3, () -> new Eager(10, ran::countDown)));
        Levels levels = Levels.builder().level(gen).build();
        Exec exec = Exec.builder().name("alt-gen").levels(levels).daemon(true).build();
        try {
            assertTrue(ran.await(10, TimeUnit.SECONDS), "ran " + (30 - ran.getCount()) + " of 30");
            awaitAbove(exec::parks, 0, "a park once every inner generator ran dry"); // size() agrees: 0
            assertClosesWithin10s(exec);
        } finally {
            stop(exec);
        }
    }
}
