package io.corepin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real heap exhaustion, in a child JVM with a 32 MB heap: a task fills the heap and keeps it full, so that the Exec's
 * own failure path (the error handler's log, the loop's log, {@code finish()}) cannot allocate either. The Exec must
 * never be left neither running nor terminated.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HeapExhaustionTest {
    private static final String[] SMALL_HEAP = {"-Xmx32m", "-XX:+UseSerialGC", "-XX:-UsePerfData"};

    /** A task fills the heap, keeps it, and dies of a real OutOfMemoryError: the Exec keeps running. */
    @Test
    void anExecWhoseTaskExhaustedTheHeapKeepsRunning() throws Exception {
        ChildJvm.Result r = ChildJvm.run(TaskExhaustsTheHeap.class, SMALL_HEAP);
        r.assertPrinted("while-full shutdown=false terminated=false");
        r.assertPrinted("ran-after-release=true");
        r.assertPrinted("closed=true");
    }

    /** {@code shutdownNow} while the heap is full: the Exec still terminates and its hand-back completes. */
    @Test
    void anExecStoppedWithTheHeapFullTerminatesAndHandsBack() throws Exception {
        ChildJvm.Result r = ChildJvm.run(StopWithTheHeapFull.class, SMALL_HEAP);
        r.assertPrinted("while-full terminated=true handback-done=true");
        r.assertPrinted("after-release terminated=true");
        r.assertPrinted("handback=3 queued");
    }

    /** Fills the heap in halving chunks until not even a few bytes fit; the chunks stay reachable. */
    static final class Hog {
        /**
         * Links string concatenation before the heap is filled: on JDK 25 the first concatenation in a process
         * initializes StringConcatFactory's strategy class, and if that happens with the heap full the class is
         * unusable for the rest of the process (NoClassDefFoundError on every later {@code +} of strings, even after
         * the heap is released — CI saw the child's result lines fail so). A real process has concatenated long
         * before its heap fills; the child does it here.
         */
        static volatile String warmed;

        static void warmStringConcat() {
            warmed = "RESULT " + System.nanoTime() + " " + Boolean.TRUE + " " + List.of();
        }

        static volatile Object[] chain;
        static volatile boolean full;
        static volatile boolean go;

        static void fill() {
            for (int size = 1 << 18; size > 0; ) {
                try {
                    chain = new Object[] {new long[size], chain};
                } catch (OutOfMemoryError tooBig) {
                    size >>= 1;
                }
            }
        }

        /** Polls a flag without allocating (a latch's await may allocate a node). */
        static boolean await(java.util.function.BooleanSupplier flag) throws InterruptedException {
            for (int i = 0; i < 3000 && !flag.getAsBoolean(); i++) {
                Thread.sleep(10);
            }
            return flag.getAsBoolean();
        }

        static void release() {
            chain = null;
            System.gc();
        }

        private Hog() {
        }
    }

    public static final class TaskExhaustsTheHeap {
        public static void main(String[] args) throws Exception {
            Hog.warmStringConcat();
            Exec exec = Exec.builder().name("oom-task").daemon(true).build(); // default handler: it logs
            java.util.function.BooleanSupplier filled = () -> Hog.full; // made before the heap is full
            exec.execute(() -> {
                try {
                    Hog.fill();
                    Hog.chain = new Object[] {new long[1 << 18], Hog.chain}; // a real OutOfMemoryError, thrown
                } finally {
                    Hog.full = true;
                }
            });
            boolean full = Hog.await(filled);
            Thread.sleep(1000); // the Exec handles the failure with the heap still full
            boolean shutdown = exec.isShutdown();
            boolean terminated = exec.isTerminated();
            Hog.release();
            System.out.println("RESULT filled=" + full);
            System.out.println("RESULT while-full shutdown=" + shutdown + " terminated=" + terminated);
            boolean ran;
            try {
                ran = exec.submit(() -> true).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.out.println("RESULT submit-after-release failed: " + e);
                ran = false;
            }
            System.out.println("RESULT ran-after-release=" + ran);
            exec.shutdown();
            System.out.println("RESULT closed=" + exec.awaitTermination(10, TimeUnit.SECONDS));
            System.out.println("RESULT errors=" + exec.taskErrors());
        }
    }

    public static final class StopWithTheHeapFull {
        public static void main(String[] args) throws Exception {
            Hog.warmStringConcat();
            Exec exec = Exec.builder().name("oom-stop").daemon(true).build();
            java.util.function.BooleanSupplier filled = () -> Hog.full; // made before the heap is full
            java.util.function.BooleanSupplier terminatedFlag = exec::isTerminated;
            exec.execute(() -> {
                try {
                    Hog.await(() -> Hog.go);
                    Hog.fill();
                } catch (InterruptedException e) {
                    return;
                } finally {
                    Hog.full = true;
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // holds the Exec with the heap full until shutdownNow interrupts it
                }
            });
            Runnable[] queued = new Runnable[3];
            for (int i = 0; i < queued.length; i++) {
                queued[i] = () -> System.out.println("RESULT a queued task ran");
                exec.execute(queued[i]);
            }
            Hog.go = true;
            boolean full = Hog.await(filled);
            CompletableFuture<List<Runnable>> back = exec.shutdownNow();
            boolean terminated = Hog.await(terminatedFlag);
            boolean done = back.isDone();
            Hog.release();
            System.out.println("RESULT filled=" + full);
            System.out.println("RESULT while-full terminated=" + terminated + " handback-done=" + done);
            System.out.println("RESULT after-release terminated=" + exec.awaitTermination(10, TimeUnit.SECONDS));
            try {
                List<Runnable> list = back.get(10, TimeUnit.SECONDS);
                System.out.println("RESULT handback=" + list.size()
                    + (list.equals(List.of(queued)) ? " queued" : " other: " + list));
            } catch (ExecutionException e) {
                System.out.println("RESULT handback failed: " + e.getCause());
            }
        }
    }
}
