package io.corepin;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;

/**
 * One {@link Exec#blocking} call: the promise (owned by the calling Exec) and the work, run on a {@link BlockingPool}
 * thread. The pool thread completes the promise, which hands the completion to the Exec, so continuations resume
 * there. Cancelling the promise with {@code mayInterruptIfRunning} interrupts the work (through a
 * {@link FutureTask}, which never interrupts a pool thread that has moved on to other work).
 */
final class BlockingCall<T> extends Promise<T> implements Runnable {
    private final Callable<T> work;
    private final FutureTask<Void> task = new FutureTask<>(this, null);

    BlockingCall(Exec exec, Callable<T> work) {
        super(exec);
        this.work = work;
    }

    void start(Executor pool) {
        pool.execute(task); // RejectedExecutionException when saturated: nothing started, nothing to undo
    }

    /** On a pool thread. */
    @Override
    public void run() {
        if (isDone()) {
            return; // cancelled on the Exec before a thread picked it up
        }
        try {
            complete(work.call()); // off the owner: handed to the Exec, continuations run there
        } catch (Throwable t) {
            completeExceptionally(t);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // the cancellation first: from another thread it is queued to the Exec before the interrupted work can queue
        // its own completion, so the cancellation wins
        final boolean cancelled = super.cancel(mayInterruptIfRunning);
        task.cancel(mayInterruptIfRunning); // not started yet: it never will be
        return cancelled;
    }

    @Override
    public String toString() {
        return "blocking " + work + " " + super.toString();
    }
}
