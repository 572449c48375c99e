package io.corepin;

import java.util.concurrent.CompletableFuture;

/**
 * Memory kept back for the failure paths of Execs, in case the heap is exhausted (a task filled it and the data stays
 * reachable): an {@link OutOfMemoryError} a task throws releases it, so that the Exec's own bookkeeping and the error
 * handler's report can allocate; an Exec about to park takes it back once an allocation of its size succeeds. One
 * reserve for the JVM ({@value #BYTES} bytes), allocated when the first Exec is made.
 *
 * <p>Class initialisation also plays one Exec's life on a throwaway Exec that never starts (a task through the ring,
 * a failing task, an empty turn, a park, a stop, the finish and its hand-back), so that the first execution of those paths — which links
 * call sites (VarHandles, invokedynamic), and that allocates — does not fall on an exhausted heap. Without it, the
 * first burst's ring release could fail under exhaustion and leave the ring's index behind its consumed slots.
 */
final class HeapReserve {
    static final int BYTES = 512 * 1024;

    /** The reserve, or null while released; written by any Exec thread (volatile: last writer wins, either is fine). */
    private static volatile byte[] reserve = new byte[BYTES];

    static {
        CompletableFuture<Object> warm = new CompletableFuture<>();
        warm.complete(warm);
        new CompletableFuture<>().completeExceptionally(new IllegalStateException("warm-up"));
        final System.Logger.Level levels = System.Logger.Level.WARNING; // initialised now: failure paths name one
        try {
            warmUp();
        } catch (Throwable t) { // best effort: a failed warm-up must not make Execs unconstructible
            System.getLogger("io.corepin.Exec").log(System.Logger.Level.WARNING, "failure-path warm-up failed", t);
        }
    }

    private static void warmUp() {
        final IllegalStateException failure = new IllegalStateException("warm-up failure");
        // one spin, one yield, then 1 ns parks: the idler's three paths, each bounded
        final Exec exec = Driven.exec(Exec.builder().name("corepin-warm-up")
            .idleStrategy(IdleStrategy.backoff(1, 1, 1, 1, java.util.concurrent.TimeUnit.NANOSECONDS))
            .stallThreshold(0, java.util.concurrent.TimeUnit.MILLISECONDS).errorHandler((e, task, error) -> { }));
        exec.execute(() -> { });
        exec.execute(() -> {
            throw failure;
        });
        Driven.turn(exec); // a ring burst, a failed task
        Driven.turn(exec); // an empty turn (telemetry's idle count)
        // Empty turns and their idling, as an Exec whose first task failed before it ever idled goes through them
        // with the heap still full: the spin, the timed yield, and the park through the idler (its clock reads
        // around the park, then the park path: announce, re-check, restore, count, a 1 ns park, clear).
        for (int i = 0; i < 3; i++) {
            Driven.cycle(exec);
        }
        exec.execute(() -> { });
        exec.shutdownNow();
        Driven.turn(exec); // a stop caught mid-burst
        Driven.finish(exec); // finish, termination, the hand-back
    }

    private HeapReserve() {
    }

    /** Makes sure the class (and so the reserve) exists: called when an Exec is made. */
    static void init() {
    }

    /** Gives the reserve back to the heap if {@code error} is an OutOfMemoryError. Allocates nothing. */
    static void releaseOn(Throwable error) {
        if (error instanceof OutOfMemoryError) {
            reserve = null;
        }
    }

    /** Takes the reserve back if it was released and the heap has room again; never throws. An idle Exec calls it. */
    static void restore() {
        if (reserve == null) {
            try {
                reserve = new byte[BYTES];
            } catch (OutOfMemoryError stillFull) {
                // the next failure path has no reserve; it was released for this one
            }
        }
    }
}
