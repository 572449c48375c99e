package io.corepin;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link java.util.concurrent.Future} of {@link ExecScheduler#submit}: a {@link FutureTask} whose {@code get}
 * fails at once on an Exec's thread while it is not done, instead of parking that Exec (maybe for itself).
 *
 * @param <T> the result type
 */
final class SubmittedTask<T> extends FutureTask<T> {
    SubmittedTask(Callable<T> callable) {
        super(callable);
    }

    SubmittedTask(Runnable runnable, T value) {
        super(runnable, value);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone()) {
            ExecScheduler.checkNotOnAnExec("get()", this);
        }
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone()) {
            ExecScheduler.checkNotOnAnExec("get(timeout)", this);
        }
        return super.get(timeout, unit);
    }
}
