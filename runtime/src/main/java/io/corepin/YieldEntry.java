package io.corepin;

import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * {@link Exec#yieldNow()}'s run-queue entry: completes the yield's promise when its turn comes, or cancels it when
 * the Exec stops first (never handed back as a user task). Owner thread.
 */
final class YieldEntry implements ExecEntry {
    private final Promise<Void> promise;

    YieldEntry(Promise<Void> promise) {
        this.promise = promise;
    }

    @Override
    public void run() {
        promise.completeOnOwner(null, null);
    }

    @Override
    public void onStop(List<Runnable> handBack) {
        promise.completeOnOwner(null, stopped(promise.exec()));
    }

    /** The failure of a yield whose Exec stopped before its turn. */
    static CancellationException stopped(Exec exec) {
        return new CancellationException("yieldNow: " + exec.name() + " stopped before the yield's turn");
    }

    @Override
    public String toString() {
        return "yield on " + promise.exec().name();
    }
}
