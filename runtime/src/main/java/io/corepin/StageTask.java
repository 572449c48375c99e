package io.corepin;

import java.util.concurrent.CompletionStage;

/**
 * What a {@link StagePromise} hands over when its body's stage is still pending: waits for that stage on the Exec
 * (which counts it as unfinished work — a graceful shutdown waits for it, shutdownNow cancels it) and completes the
 * promise with its outcome.
 */
final class StageTask<T> extends AsyncTask {
    private final StagePromise<T> promise;
    private CompletionStage<T> stage; // plain: owner thread; dropped once the callback is registered
    private T value;              // written by whichever thread completes the stage, before `resolved`
    private Throwable failure;
    private volatile boolean resolved; // volatile: publishes value/failure to a poll that was not woken for it

    StageTask(StagePromise<T> promise, CompletionStage<T> stage) {
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
            s.whenComplete((v, t) -> {
                value = v;
                failure = t;
                resolved = true; // volatile store after the plain ones
                wake();          // on the owner: local enqueue (this poll may still be running); elsewhere: ring
            });
        }
        if (!resolved) {
            return false;
        }
        promise.completeOnOwner(value, failure);
        return true;
    }

    @Override
    protected void onCancel() {
        promise.cancelByShutdownNow();
    }
}
