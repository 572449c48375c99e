package io.corepin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Small helpers for waiting on stages. */
final class Promises {
    private Promises() {
    }

    /** join() that rethrows a RuntimeException or Error cause as it is. */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    static RuntimeException unwrap(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return e;
    }
}
