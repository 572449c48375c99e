package io.corepin;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ScheduledFuture} an {@link ExecScheduler} returns: the result of a timer on one Exec. A one-shot task's
 * future completes with its result; a periodic task's future completes only exceptionally — when an execution throws
 * (the timer stops) or when it is cancelled (also by a shutdown). After {@code shutdownNow} the adapter hands these
 * back as the {@link Runnable}s that never ran, as {@code ScheduledThreadPoolExecutor} does.
 *
 * @param <V> the result type
 */
final class ScheduledTask<V> extends CompletableFuture<V> implements ScheduledFuture<V>, Runnable, ExecCancellable {
    private final Callable<V> work;
    private final boolean periodic;
    /** Set by the scheduling thread right after the Exec accepted the timer; a fast first run may see null. */
    private volatile Timer timer;

    ScheduledTask(Callable<V> work, boolean periodic) {
        this.work = work;
        this.periodic = periodic;
    }

    void timer(Timer t) {
        timer = t; // volatile store: read by cancel() and a failing periodic run
        if (isDone()) {
            t.cancel(); // cancelled or failed before we knew the timer: stop it now
        }
    }

    /** One execution, on the Exec's thread. */
    @Override
    public void run() {
        if (isDone()) {
            return;
        }
        try {
            V value = work.call();
            if (!periodic) {
                complete(value);
            }
        } catch (Throwable t) {
            completeExceptionally(t);
            final Timer tm = timer;
            if (periodic && tm != null) {
                tm.cancel(); // suppress later executions, as ScheduledThreadPoolExecutor does
            }
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        final boolean cancelled = super.cancel(mayInterruptIfRunning);
        final Timer tm = timer;
        if (cancelled && tm != null) {
            tm.cancel();
        }
        return cancelled;
    }

    /** A shutdown cancelled the (periodic) timer: the future is cancelled, as ScheduledThreadPoolExecutor does. */
    @Override
    public void cancelledByExec() {
        super.cancel(false);
    }

    @Override
    public long getDelay(TimeUnit unit) {
        final Timer tm = timer;
        return tm == null ? 0 : tm.getDelay(unit);
    }

    @Override
    public int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public String toString() {
        return "ScheduledTask{" + work + (periodic ? ", periodic" : "") + ", " + super.toString() + '}';
    }
}
