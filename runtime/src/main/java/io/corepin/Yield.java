package io.corepin;

import java.util.concurrent.CancellationException;

/**
 * The run-queue entry of {@link Exec#yieldNow()}: completes the yield's promise when its turn comes. An Exec that
 * stops first ({@code shutdownNow}, or a yield asked for while the Exec finishes) cancels the promise instead — as it
 * does a spawn's body and a sleep — so that what is composed on it learns that the Exec stopped, and is never left
 * waiting. Owner thread.
 */
final class Yield implements ExecEntry {
    private final Promise<Void> promise;

    Yield(Promise<Void> promise) {
        this.promise = promise;
    }

    @Override
    public void run() {
        promise.completeOnOwner(null, null);
    }

    @Override
    public Runnable onStop() {
        cancel(promise);
        return null;
    }

    /** Cancels a yield's promise because its Exec stopped. */
    static void cancel(Promise<Void> promise) {
        promise.completeOnOwner(null, new CancellationException(
            promise.exec().name() + " stopped before this yieldNow() resumed"));
    }

    @Override
    public String toString() {
        return "yield on " + promise.exec().name();
    }
}
