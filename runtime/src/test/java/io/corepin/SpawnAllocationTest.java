package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bytes allocated per operation, counted with {@code ThreadMXBean.getCurrentThreadAllocatedBytes} on the thread that
 * allocates (issue 13, item 6):
 * <ul>
 *   <li>{@code spawn(body)} whose body returns a <em>pending</em> stage (a Promise of the same Exec, the case of a
 *       body that waits for a channel, a timer, a call to another Exec, a {@code thenApply} of those): at most two
 *       objects, the promise and the task that waits for the stage, from the spawn through the body's run and the
 *       registration on the stage; and nothing more to complete it;</li>
 *   <li>a local spawn of a pre-built Runnable, and a cross-thread submit of one: 0 B.</li>
 * </ul>
 * <p><b>The bound.</b> The two objects are a {@link StagePromise} and a {@link StageTask}; their sizes are their
 * shallow layouts on this JVM ({@link #shallowSize}: object header plus every instance field of the class and its
 * superclasses, packed as HotSpot 15+ lays fields out, rounded up to 8 bytes). The estimate is checked against an
 * allocation of a {@code StagePromise} alone, whose constructor allocates nothing else. Before this item the spawn
 * cost five objects: the promise, the StageTask, its {@code Step} entry, the {@code whenComplete} lambda and the
 * derived {@code Then} stage that lambda became on the pending promise.
 *
 * <p>Each measurement runs a batch after warm-up batches (the JIT and the run queue's growth), on one thread, so the
 * per-op figure is exact up to a few bytes spread over the batch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpawnAllocationTest {
    private static final int BATCH = 2_000;
    private static final int WARMUP_ROUNDS = 40;
    /**
     * {@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes()}, through a method handle: the module
     * does not read jdk.management (the test JVM adds it, see runtime/pom.xml); {@code null} where it is missing.
     */
    private static final MethodHandle CURRENT_ALLOCATED = currentAllocated();

    private static MethodHandle currentAllocated() {
        try {
            final Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
            final Object bean = ManagementFactory.getThreadMXBean();
            if (!type.isInstance(bean)
                || !(boolean) type.getMethod("isThreadAllocatedMemoryEnabled").invoke(bean)) {
                return null;
            }
            return MethodHandles.publicLookup()
                .findVirtual(type, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                .bindTo(bean);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static long allocated() {
        try {
            return (long) CURRENT_ALLOCATED.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static void assumeCounting() {
        assumeTrue(CURRENT_ALLOCATED != null, "this JVM does not count allocated bytes per thread");
    }

    /**
     * One round on the Exec's thread: spawn a batch on a pending stage (a Promise of the Exec, or a plain
     * CompletableFuture), then complete it; bytes of each half.
     */
    private static final class PendingRound {
        final Exec exec;
        final boolean plainFuture;
        final Promise<?>[] spawned = new Promise<?>[BATCH];
        CompletableFuture<Object> gate;
        long start;
        long spawnBytes;
        long completeBytes;
        CountDownLatch spawnedAndWaiting;
        CountDownLatch completed;
        final Supplier<CompletionStage<Object>> body = () -> gate;
        // Pre-built local entries: FIFO behind what the round queued, so they run after it.
        final Runnable behindBodies = this::queueBehindFirstPolls;
        final Runnable afterFirstPolls = this::endSpawnPhase;
        final Runnable afterCompletions = this::endCompletePhase;

        PendingRound(Exec exec, boolean plainFuture) {
            this.exec = exec;
            this.plainFuture = plainFuture;
        }

        /** On the Exec: the spawns. Their bodies run next (local queue), then each waiting task's first poll. */
        void spawnPhase() {
            // before the window: the pending stage is the test's, not the spawn's
            gate = plainFuture ? new CompletableFuture<>() : new Promise<>(exec);
            start = allocated();
            for (int i = 0; i < BATCH; i++) {
                spawned[i] = exec.spawn(body);
            }
            exec.execute(behindBodies); // runs after the bodies, which queued their tasks' first polls behind it
        }

        void queueBehindFirstPolls() {
            exec.execute(afterFirstPolls);
        }

        void endSpawnPhase() {
            spawnBytes = allocated() - start;
            spawnedAndWaiting.countDown();
        }

        /** On the Exec: completing the gate wakes every waiting task; their polls complete the promises. */
        void completePhase() {
            start = allocated();
            gate.complete("done");
            exec.execute(afterCompletions);
        }

        void endCompletePhase() {
            completeBytes = allocated() - start;
            completed.countDown();
        }

        void run() throws Exception {
            spawnedAndWaiting = new CountDownLatch(1);
            completed = new CountDownLatch(1);
            exec.execute(this::spawnPhase);
            assertTrue(spawnedAndWaiting.await(10, TimeUnit.SECONDS), "spawn phase did not end");
            for (Promise<?> p : spawned) {
                assertTrue(!p.isDone(), "a spawn on a pending stage completed early: " + p);
            }
            exec.execute(this::completePhase);
            assertTrue(completed.await(10, TimeUnit.SECONDS), "completion phase did not end");
            for (Promise<?> p : spawned) {
                assertEquals("done", p.get(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void spawnOnAPendingStageAllocatesAtMostThePromiseAndItsWaitingTask() throws Exception {
        assumeCounting();
        try (Exec exec = Exec.builder().name("alloc-pending").daemon(true).build()) {
            final long promiseSize = shallowSize(StagePromise.class);
            final long taskSize = shallowSize(StageTask.class);
            final long measuredPromise = measuredStagePromiseSize(exec);
            assertTrue(measuredPromise <= promiseSize && measuredPromise >= promiseSize - 8,
                "the layout estimate of StagePromise (" + promiseSize + " B) disagrees with an allocation of one ("
                    + measuredPromise + " B)");
            final long bound = measuredPromise + taskSize;

            final PendingRound round = new PendingRound(exec, false);
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                round.run();
            }
            round.run();
            final double perSpawn = (double) round.spawnBytes / BATCH;
            final double perCompletion = (double) round.completeBytes / BATCH;
            System.out.printf("spawn(body) on a pending stage: %.1f B/op (bound %d B = StagePromise %d + StageTask"
                + " %d), completing it: %.1f B/op%n", perSpawn, bound, measuredPromise, taskSize, perCompletion);
            assertTrue(perSpawn <= bound, String.format("spawn(body) on a pending stage allocated %.1f B/op, more"
                + " than two objects (StagePromise %d B + StageTask %d B = %d B)", perSpawn, measuredPromise,
                taskSize, bound));
            assertTrue(perCompletion < 1.0, String.format("completing the stage allocated %.1f B per waiting spawn",
                perCompletion));
        }
    }

    /**
     * On a plain CompletableFuture the waiting task registers itself with {@code whenComplete}, which allocates that
     * future's own completion node and dependent future: the bound adds exactly what one such call allocates.
     */
    @Test
    void spawnOnAPendingCompletableFutureAddsOnlyWhatWhenCompleteAllocates() throws Exception {
        assumeCounting();
        try (Exec exec = Exec.builder().name("alloc-pending-cf").daemon(true).build()) {
            final long bound = measuredStagePromiseSize(exec) + shallowSize(StageTask.class) + measuredWhenComplete();
            final PendingRound round = new PendingRound(exec, true);
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                round.run();
            }
            round.run();
            final double perSpawn = (double) round.spawnBytes / BATCH;
            System.out.printf("spawn(body) on a pending CompletableFuture: %.1f B/op (bound %d B)%n", perSpawn, bound);
            assertTrue(perSpawn <= bound, String.format("spawn(body) on a pending CompletableFuture allocated %.1f"
                + " B/op, more than the promise, its waiting task and whenComplete's own objects (%d B)", perSpawn,
                bound));
        }
    }

    /** Bytes of one {@code whenComplete(callback)} on a pending CompletableFuture (its node, its dependent). */
    private static long measuredWhenComplete() {
        final CompletableFuture<Object> pending = new CompletableFuture<>();
        final java.util.function.BiConsumer<Object, Throwable> callback = (v, x) -> { };
        final Object[] keep = new Object[BATCH];
        long bytes = 0;
        for (int round = 0; round < WARMUP_ROUNDS / 4; round++) {
            final CompletableFuture<Object> f = new CompletableFuture<>();
            final long start = allocated();
            for (int i = 0; i < BATCH; i++) {
                keep[i] = f.whenComplete(callback);
            }
            bytes = allocated() - start;
            f.complete(pending); // releases the stack of nodes
        }
        return Math.round((double) bytes / BATCH);
    }

    @Test
    void localSpawnOfAPrebuiltTaskAllocatesNothing() throws Exception {
        assumeCounting();
        try (Exec exec = Exec.builder().name("alloc-local").daemon(true).build()) {
            final long[] bytes = new long[1];
            final Runnable task = () -> { };
            for (int round = 0; round <= WARMUP_ROUNDS; round++) {
                final CountDownLatch done = new CountDownLatch(1);
                final long[] start = new long[1];
                final Runnable end = () -> {
                    bytes[0] = allocated() - start[0];
                    done.countDown();
                };
                exec.execute(() -> {
                    start[0] = allocated();
                    for (int i = 0; i < BATCH; i++) {
                        exec.execute(task);
                    }
                    exec.execute(end);
                });
                assertTrue(done.await(10, TimeUnit.SECONDS));
            }
            assertTrue(bytes[0] < BATCH, "local spawns allocated " + bytes[0] + " B for " + BATCH + " spawns");
        }
    }

    @Test
    void crossThreadSubmitOfAPrebuiltTaskAllocatesNothing() throws Exception {
        assumeCounting();
        try (Exec exec = Exec.builder().name("alloc-remote").ringCapacity(4096).daemon(true).build()) {
            final Runnable task = () -> { };
            long bytes = 0;
            for (int round = 0; round <= WARMUP_ROUNDS; round++) {
                final long start = allocated();
                for (int i = 0; i < BATCH; i++) {
                    exec.execute(task); // BATCH < ring capacity, and the Exec drains it between rounds
                }
                bytes = allocated() - start;
                final CountDownLatch drained = new CountDownLatch(1);
                exec.execute(drained::countDown);
                assertTrue(drained.await(10, TimeUnit.SECONDS));
            }
            assertTrue(bytes < BATCH, "cross-thread submits allocated " + bytes + " B for " + BATCH + " submits");
        }
    }

    /** Bytes of one {@code new StagePromise(exec, body)}, whose constructors allocate nothing else. */
    private static long measuredStagePromiseSize(Exec exec) {
        final Object[] keep = new Object[BATCH];
        final Supplier<CompletionStage<Object>> body = () -> null;
        long bytes = 0;
        for (int round = 0; round < WARMUP_ROUNDS; round++) {
            final long start = allocated();
            for (int i = 0; i < BATCH; i++) {
                keep[i] = new StagePromise<>(exec, body);
            }
            bytes = allocated() - start;
        }
        return Math.round((double) bytes / BATCH);
    }

    /**
     * The shallow size of an instance of {@code type}: a 12-byte header (compressed class pointers, the default), the
     * instance fields of each class from the top of the hierarchy down, each class's fields largest first at their
     * natural alignment (HotSpot 15+ packs them so; references 4 bytes under compressed oops, the default below
     * 32 GB of heap), the whole rounded up to 8 bytes. It may overstate by the few bytes HotSpot recovers by filling
     * a superclass's trailing gap with a subclass's small fields, never understate.
     */
    static long shallowSize(Class<?> type) {
        final List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            chain.add(0, c);
        }
        long offset = 12;
        for (Class<?> c : chain) {
            final List<Integer> sizes = new ArrayList<>();
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    sizes.add(fieldSize(f.getType()));
                }
            }
            sizes.sort((a, b) -> b - a);
            for (int size : sizes) {
                offset = (offset + size - 1) / size * size + size;
            }
        }
        return (offset + 7) / 8 * 8;
    }

    private static int fieldSize(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        if (t == short.class || t == char.class) {
            return 2;
        }
        if (t == byte.class || t == boolean.class) {
            return 1;
        }
        return 4; // a compressed reference
    }
}
