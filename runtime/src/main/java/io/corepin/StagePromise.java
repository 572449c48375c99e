package io.corepin;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link Exec#spawn(Supplier)}: the promise is its own run-queue entry, as {@link CallPromise} is for a submit. A
 * body whose stage is already complete when it returns costs this one object; one that must wait hands its stage to
 * a {@link StageTask}, which the Exec counts as unfinished work until the stage completes — two objects in all: after
 * the body ran, this promise is also that task's run-queue entry ({@link #run()} polls it) and, on a pending promise
 * of the same Exec, the action attached to it ({@link #onSource}). Owner thread, except the constructor.
 */
final class StagePromise<T> extends Promise<T> implements ExecEntry {
    private Supplier<? extends CompletionStage<T>> body; // plain: set before the (ring or local) enqueue publishes it
    /** With levels: the lane the body was spawned in, where its waiting task goes too; -1: the default. */
    private int lane = -1; // plain: set before the enqueue publishes it
    /** Once the body returned a pending stage: the task that waits for it; this promise is its entry. Owner only. */
    private StageTask<T> waiting;

    StagePromise(Exec exec, Supplier<? extends CompletionStage<T>> body) {
        super(exec);
        this.body = body;
    }

    @Override
    public void run() {
        final StageTask<T> w = waiting; // plain: owner thread
        if (w != null) {
            w.runStep(); // the entry of the waiting task: its poll (stale entries are its own to ignore)
            return;
        }
        final Supplier<? extends CompletionStage<T>> b = body;
        body = null; // plain: the body runs once
        if (b == null || isDone()) {
            return; // cancelled or completed before it ran: the body does not run
        }
        final CompletionStage<T> stage;
        try {
            stage = b.get();
        } catch (Throwable t) {
            completeOnOwner(null, t);
            return;
        }
        if (stage == null) {
            completeOnOwner(null, new NullPointerException("spawned body returned a null stage"));
            return;
        }
        if (stage instanceof CompletableFuture) {
            @SuppressWarnings("unchecked")
            final CompletableFuture<T> done = (CompletableFuture<T>) stage;
            if (done.isDone() && !done.isCompletedExceptionally()) {
                // A body that finished synchronously: no callback, no dependent stage, no task. getNow cannot
                // throw here: a normal result never changes once set.
                completeOnOwner(done.getNow(null), null);
                return;
            }
        }
        final StageTask<T> task = new StageTask<>(this, stage);
        if (lane >= 0) {
            task.lane(lane); // its polls queue in the body's lane, then in its followup
        }
        waiting = task; // plain: from now on run() is the task's poll step (and levels see the task's lane)
        try {
            exec().loop().spawnTaskLocal(task); // owner thread: local queue, linked as live work; no handle
        } catch (RuntimeException refused) {
            waiting = null; // not spawned: this is no task's entry
            throw refused;
        }
    }

    /** A pending promise of this Exec that this one waits for completed (owner thread): hand it to the task. */
    @Override
    @SuppressWarnings("unchecked")
    void onSource(Object sourceValue, Throwable sourceFailure) {
        waiting.accept((T) sourceValue, sourceFailure);
    }

    /** The task waiting for the body's stage, or {@code null} before the body ran (or when it needed none). */
    AsyncTask waitingTask() {
        return waiting;
    }

    /** Before the enqueue: the body runs in this lane of the Exec's levels, and so does its waiting. */
    void lane(int lane) {
        this.lane = lane;
    }

    /**
     * The Exec stopped ({@code shutdownNow}): before the body ran (the promise is failed rather than the body handed
     * back), or while its {@link StageTask} waited for the stage.
     */
    /** The Exec stopped before the body ran: cancelled, as an async task is (it cannot run elsewhere). */
    @Override
    public Runnable onStop() {
        final StageTask<T> w = waiting;
        if (w != null) {
            w.cancel(); // the waiting task's entry: cancelled, as an async task is (onCancel fails this promise)
            return null;
        }
        cancelByShutdownNow();
        return null;
    }

    /** A spawn's body is user work: a lane that does not complete on close drops it (see LevelScheduler). */
    @Override
    public boolean mustComplete() {
        return false;
    }

    void cancelByShutdownNow() {
        body = null;
        completeOnOwner(null, new CancellationException(exec().name() + " was shut down now"));
    }
}
