package io.corepin;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** {@link ExecGroup#submitter()}: the group's submitting methods, and only those. Immutable, any thread. */
final class GroupSubmitter implements Submitter {
    private final ExecGroup group;

    GroupSubmitter(ExecGroup group) {
        this.group = group;
    }

    @Override
    public void execute(Runnable task) {
        group.execute(task);
    }

    @Override
    public void execute(long key, Runnable task) {
        group.execute(key, task);
    }

    @Override
    public boolean trySubmit(Runnable task) {
        return group.trySubmit(task);
    }

    @Override
    public TaskHandle spawn(AsyncTask task) {
        return group.spawn(task);
    }

    @Override
    public TaskHandle spawn(long key, AsyncTask task) {
        return group.spawn(key, task);
    }

    @Override
    public <T> Promise<T> spawn(Supplier<? extends CompletionStage<T>> body) {
        return group.spawn(body);
    }

    @Override
    public <T> Promise<T> spawn(long key, Supplier<? extends CompletionStage<T>> body) {
        return group.spawn(key, body);
    }

    @Override
    public <T> Promise<T> submit(Callable<T> work) {
        return group.submit(work);
    }

    @Override
    public <T> Promise<T> submit(long key, Callable<T> work) {
        return group.submit(key, work);
    }

    /** The group's submit, and the outcome handed to a promise of the caller (completed from the target's Exec). */
    @Override
    public <T> Promise<T> call(Callable<T> work) {
        final Exec caller = Exec.current();
        final Promise<T> there = group.submit(work);
        if (caller == null) {
            return there;
        }
        final Promise<T> back = new Promise<>(caller);
        there.whenComplete((v, t) -> { // on the target's Exec; back's actions run on the caller's
            if (t == null) {
                back.complete(v);
            } else {
                back.completeExceptionally(t instanceof CompletionException && t.getCause() != null
                    ? t.getCause() : t);
            }
        });
        return back;
    }

    @Override
    public String toString() {
        return "submitter of " + group;
    }
}
