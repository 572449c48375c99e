package io.corepin;

import java.util.concurrent.CompletableFuture;

/**
 * Memory kept back for the failure paths of Execs, in case the heap is exhausted (a task filled it and the data stays
 * reachable): an {@link OutOfMemoryError} on an Exec's thread releases it, so that the error handler's report and the
 * Exec's {@code finish()} can allocate again; it is taken back once an allocation of its size succeeds. One reserve
 * for the JVM ({@value #BYTES} bytes), allocated when the first Exec is made.
 *
 * <p>Class initialisation also runs, once, the JDK calls that an Exec's termination makes (completing a future), so
 * that their first use — which links call sites, and allocates — does not fall on an exhausted heap.
 */
final class HeapReserve {
    static final int BYTES = 512 * 1024;

    /** The reserve, or null while released; written by any Exec thread (volatile: last writer wins, either is fine). */
    private static volatile byte[] reserve = new byte[BYTES];

    static {
        CompletableFuture<Object> warm = new CompletableFuture<>();
        warm.complete(warm);
        new CompletableFuture<>().completeExceptionally(new IllegalStateException("warm-up"));
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

    /** Takes the reserve back if it was released and the heap has room again; never throws. */
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
