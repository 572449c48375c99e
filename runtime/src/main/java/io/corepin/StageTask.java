package io.corepin;

import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * What a {@link StagePromise} hands over when its body's stage is still pending: waits for that stage on the Exec
 * (which counts it as unfinished work — a graceful shutdown waits for it, shutdownNow cancels it) and completes the
 * promise with its outcome.
 *
 * <p>The second and last object of such a spawn: the promise is this task's run-queue entry (no {@code Step}); a
 * pending {@link Promise} of the same Exec takes the promise itself as its action ({@link Promise#attach}, no derived
 * stage, no callback object); any other stage gets this task as its {@code whenComplete} callback (no lambda; the
 * stage's own node and dependent stage are that stage's cost).
 */
final class StageTask<T> extends AsyncTask implements BiConsumer<T, Throwable> {
    private final StagePromise<T> promise;
    private CompletionStage<T> stage; // plain: owner thread; dropped once the callback is registered
    private T value;              // written by whichever thread completes the stage, before `resolved`
    private Throwable failure;
    private volatile boolean resolved; // volatile: publishes value/failure to a poll that was not woken for it

    StageTask(StagePromise<T> promise, CompletionStage<T> stage) {
        super(promise); // the promise is the entry: its run() polls this task once its body has run
        this.promise = promise;
        this.promise.producedBy(this); // owner thread: an outside completion of the promise wakes this task
        this.stage = stage;
    }

    @Override
    protected boolean poll() {
        if (promise.isDone()) {
            return true; // completed or cancelled by someone else: stop waiting
        }
        if (stage != null) {
            final CompletionStage<T> s = stage;
            stage = null;
            if (s instanceof Promise && ((Promise<?>) s).exec() == exec() && exec().isOwnerLoop()) {
                ((Promise<?>) s).attach(promise); // owner thread, the stage's owner: promise.onSource calls accept
            } else {
                s.whenComplete(this); // another Exec, a thread, a CompletableFuture: accept runs there
            }
        }
        if (!resolved) {
            return false;
        }
        promise.completeOnOwner(value, failure);
        return true;
    }

    /** The stage's outcome, on whichever thread completed it (the owner, for an attached promise). */
    @Override
    public void accept(T v, Throwable t) {
        value = v;
        failure = t;
        resolved = true; // volatile store after the plain ones
        wake();          // on the owner: local enqueue (this poll may still be running); elsewhere: ring
    }

    @Override
    protected void onCancel() {
        promise.cancelByShutdownNow();
    }
}
