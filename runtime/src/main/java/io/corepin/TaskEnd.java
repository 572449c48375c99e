package io.corepin;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * The promise behind a {@link TaskHandle}: made lazily by the first {@link TaskHandle#done()}, installed in its
 * {@link AsyncTask} by one compare-and-swap, and its own run-queue entry. Running it on the task's Exec
 * <em>reconciles</em> the two sides, which is idempotent and may happen any number of times:
 * <ul>
 *   <li>the task has ended: complete the promise with the end (a no-op if it was decided already);
 *   <li>the promise was decided from outside (cancel, complete, a timeout) and the task has not ended: cancel the
 *       task, on its Exec.
 * </ul>
 * It is sent to the Exec once when made off the Exec (so the Exec hears of a promise installed after the task's end
 * read the empty field: see {@link AsyncTask#ended}), and again after each outside decision.
 */
final class TaskEnd extends Promise<Void> implements ExecEntry {
    private final AsyncTask task;
    /**
     * Completes once the task has really ended — after its {@code onCancel} when cancelled — which the promise
     * itself does not wait for when an outside cancel decided it ({@link Scope} waits on this). Made on demand;
     * volatile: installed by any thread, read where the end is seen ({@link #completeWithEnd}).
     */
    private volatile CompletableFuture<Void> stopped;

    TaskEnd(Exec exec, AsyncTask task) {
        super(exec);
        this.task = task;
    }

    /** After the install by the installing thread: let the Exec reconcile (a local append on the Exec itself). */
    void sendToExec() {
        exec().runOnOwner(this); // never rejected: the ring, the overflow, or late once the Exec is finishing
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return decidedOutside(super.cancel(mayInterruptIfRunning));
    }

    @Override
    public boolean complete(Void value) {
        return decidedOutside(super.complete(value));
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        return decidedOutside(super.completeExceptionally(failure));
    }

    /** Any thread: an outside decision that won stops the task on its Exec (never here: it may be mid-poll). */
    private boolean decidedOutside(boolean won) {
        if (won) {
            sendToExec();
        }
        return won;
    }

    /** The task's Exec (a run-queue entry): see the class comment. */
    @Override
    public void run() {
        reconcile();
    }

    /** Owner thread (running, or finishing). */
    private void reconcile() {
        if (task.endOnOwner() != AsyncTask.RUNNING) {
            completeWithEnd();
        } else if (isDone()) {
            task.cancelByHandle(); // decided outside, the task has not ended: stop it here
        }
    }

    /**
     * The Exec stopped before this entry ran. On the finishing owner it reconciles as ever (a task it cancels is
     * one termination would cancel next). On a late thread (the Exec terminated: {@link Inbound#drainLate}) the
     * owner may still be cancelling its tasks: a task whose end is visible here completes the promise; one whose end
     * is not will see this promise when it ends (both sides are volatile: {@link AsyncTask#ended}). The task itself
     * is never touched off its Exec.
     */
    @Override
    public Runnable onStop() {
        if (exec().inEventLoop()) {
            reconcile();
        } else if (task.endVolatile() != AsyncTask.RUNNING) {
            completeWithEnd();
        }
        return null;
    }

    /**
     * The task ended: the promise gets its end (a no-op when decided already), then {@link #stopped} completes. Any
     * thread after seeing the end.
     */
    void completeWithEnd() {
        final int end = task.endVolatile();
        if (end == AsyncTask.COMPLETED) {
            completeOnOwner(null, null);
        } else if (end == AsyncTask.FAILED) {
            completeOnOwner(null, task.endFailure());
        } else if (end == AsyncTask.CANCELLED) {
            completeOnOwner(null, new CancellationException(task + " was cancelled on " + exec().name()));
        } else {
            return;
        }
        final CompletableFuture<Void> s = stopped; // volatile: after the end was seen (see install in stopped())
        if (s != null) {
            s.complete(null);
        }
    }

    /**
     * A future that completes once the task has ended on its Exec (its {@code onCancel} done, if cancelled); its
     * dependents run on the thread that completes it, the task's Exec normally. Installed as the promise is, and
     * sent to the Exec the same way, so an end that read the field empty is reconciled there (late: by the Dekker
     * pair of volatile stores and loads, as in {@link AsyncTask#ended}).
     */
    CompletableFuture<Void> stopped() {
        final CompletableFuture<Void> existing = stopped;
        if (existing != null) {
            return existing;
        }
        final CompletableFuture<Void> fresh = new CompletableFuture<>();
        synchronized (this) { // once per promise, on the spawning side
            if (stopped != null) {
                return stopped;
            }
            stopped = fresh; // volatile store
        }
        if (exec().isOwnerLoop()) {
            reconcile();
        } else {
            sendToExec();
        }
        return fresh;
    }

    @Override
    public String toString() {
        return "end of " + task;
    }
}
