package io.corepin;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link Exec#submitter()}: the Exec's submitting methods, and only those; as a group of one, every key maps to the
 * Exec and keyed work takes the order-keeping path ({@link Exec#offerKeyed}: the ring, from the owner too). Immutable,
 * any thread.
 */
final class ExecSubmitter implements Submitter {
    private final Exec exec;

    ExecSubmitter(Exec exec) {
        this.exec = exec;
    }

    @Override
    public void execute(Runnable task) {
        exec.execute(task);
    }

    @Override
    public void execute(long key, Runnable task) {
        keyed(Objects.requireNonNull(task, "task"));
    }

    @Override
    public boolean trySubmit(Runnable task) {
        final int result = exec.offer(task);
        if (result == Exec.CLOSED) {
            throw exec.inbound().rejection(result);
        }
        return result >= 0;
    }

    @Override
    public TaskHandle spawn(AsyncTask task) {
        return exec.spawn(task);
    }

    @Override
    public TaskHandle spawn(long key, AsyncTask task) {
        Objects.requireNonNull(task, "task");
        task.bind(exec, false); // throws if spawned already; the ring entry is the pending first poll
        try {
            keyed(task.step);
        } catch (RuntimeException refused) {
            task.unbind();
            throw refused;
        }
        return task.handle();
    }

    @Override
    public <T> Promise<T> spawn(Supplier<? extends CompletionStage<T>> body) {
        return exec.spawn(body);
    }

    @Override
    public <T> Promise<T> spawn(long key, Supplier<? extends CompletionStage<T>> body) {
        final StagePromise<T> promise = new StagePromise<>(exec, Objects.requireNonNull(body, "body"));
        keyed(promise);
        return promise;
    }

    @Override
    public <T> Promise<T> submit(Callable<T> work) {
        return exec.submit(work);
    }

    @Override
    public <T> Promise<T> submit(long key, Callable<T> work) {
        final CallPromise<T> promise = new CallPromise<>(exec, Objects.requireNonNull(work, "work"));
        keyed(promise);
        return promise;
    }

    @Override
    public <T> Promise<T> call(Callable<T> work) {
        return exec.call(work);
    }

    /** The order-keeping way in; a full ring or a closed Exec is refused (the entry was not accepted). */
    private void keyed(Runnable entry) {
        final int result = exec.offerKeyed(entry, false);
        if (result < 0) {
            throw exec.inbound().rejection(result);
        }
    }

    @Override
    public String toString() {
        return "submitter of " + exec.name();
    }
}
