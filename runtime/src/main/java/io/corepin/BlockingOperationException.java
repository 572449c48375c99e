package io.corepin;

/**
 * Thrown at once by a call that would block an Exec's thread — {@code Promise.join()}/{@code get()} of an
 * incomplete promise, {@code close()}/{@code awaitTermination} of an Exec, {@code Scope.close()}, {@code blockOn} —
 * instead of parking the core (or hanging forever when the wait needs that very core), as Netty's
 * {@code BlockingOperationException} does. Compose the stage instead ({@code thenApply}, {@code thenCompose}), use
 * {@link Exec#call} for a cross-core call, {@link Exec#closeAsync()} to learn of a termination, or
 * {@link Exec#blocking} for work that must block.
 */
public final class BlockingOperationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    BlockingOperationException(String call, Exec here, String waitingFor) {
        this(call + " on " + here.name() + "'s thread would block that core waiting for " + waitingFor
            + "; compose the stage (thenApply, thenCompose, Exec.call) instead of waiting on an Exec");
    }

    /** The whole message: it names the call and the Exec whose thread made it. */
    BlockingOperationException(String message) {
        super(message);
    }
}
