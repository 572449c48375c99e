package io.corepin;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** What {@link Exec#spawn(Supplier)} runs: call the body on the Exec, then wait for its stage. */
final class StageTask<T> extends AsyncTask {
    final Promise<T> promise;
    private Supplier<? extends CompletionStage<T>> body; // plain: owner thread; dropped after the first poll
    private T value;              // written by whichever thread completes the stage, before `resolved`
    private Throwable failure;
    private volatile boolean resolved; // volatile: publishes value/failure to a poll that was not woken for it

    StageTask(Exec exec, Supplier<? extends CompletionStage<T>> body) {
        this.promise = new Promise<>(exec);
        this.promise.producer = this;
        this.body = body;
    }

    @Override
    protected boolean poll() {
        if (promise.isDone()) {
            return true; // completed or cancelled by someone else: do not run the body / stop waiting
        }
        if (body != null) {
            final Supplier<? extends CompletionStage<T>> b = body;
            body = null;
            final CompletionStage<T> stage;
            try {
                stage = b.get();
            } catch (Throwable t) {
                promise.completeOnOwner(null, t);
                return true;
            }
            if (stage == null) {
                promise.completeOnOwner(null, new NullPointerException("spawned body returned a null stage"));
                return true;
            }
            if (stage instanceof CompletableFuture) {
                @SuppressWarnings("unchecked")
                final CompletableFuture<T> done = (CompletableFuture<T>) stage;
                if (done.isDone() && !done.isCompletedExceptionally()) {
                    // Already completed normally (a body that finished synchronously): complete now, without the
                    // callback, the stage whenComplete would allocate, and the extra poll its wake() would queue.
                    // getNow cannot throw here: a normal result never changes once set.
                    promise.completeOnOwner(done.getNow(null), null);
                    return true;
                }
            }
            stage.whenComplete((v, t) -> {
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
        promise.completeOnOwner(null, new CancellationException(promise.exec().name() + " was shut down now"));
    }
}
