package io.corepin;

import java.util.concurrent.Callable;

/** {@link Exec#submit(Callable)}: the promise is its own run-queue entry, so a submit allocates one object. */
final class CallPromise<T> extends Promise<T> implements Runnable {
    private final Callable<T> work;

    CallPromise(Exec exec, Callable<T> work) {
        super(exec);
        this.work = work;
    }

    @Override
    public void run() {
        if (isDone()) {
            return; // cancelled before it ran
        }
        try {
            completeOnOwner(work.call(), null);
        } catch (Throwable t) {
            completeOnOwner(null, t);
        }
    }
}
