package io.corepin;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link ScheduledFuture} an {@link ExecScheduler} returns: a timer on one Exec. A one-shot task's future
 * completes with its result; a periodic task's future completes only exceptionally — when an execution throws (the
 * timer stops) or when it is cancelled (also by a graceful shutdown, ScheduledThreadPoolExecutor's default policy).
 *
 * <p>{@link #cancel} meets the {@link java.util.concurrent.Future} contract: it returns {@code true} only for the
 * call that cancelled the task, after which {@link #isCancelled()} and {@link #isDone()} hold and {@code get} throws
 * {@link CancellationException}; the task never starts afterwards (an execution under way finishes, its result
 * dropped).
 *
 * <p>{@link ExecScheduler#shutdownNow()} hands back, undone and uncancelled, every task awaiting an execution, as
 * ScheduledThreadPoolExecutor does. Running one of those ({@link #run()}) runs a one-shot task on the caller and
 * completes its future; a periodic one has no executor left to repeat it, so running it cancels it (as
 * ScheduledThreadPoolExecutor's tasks do once their executor has shut down).
 *
 * <p>Threading: the state word decides, once per execution, who has the task — its Exec's timer, a shutdownNow, or
 * a caller — by CAS; the future's completion is CompletableFuture's own.
 *
 * @param <V> the result type
 */
final class ScheduledTask<V> extends CompletableFuture<V> implements ScheduledFuture<V>, Runnable, ExecScheduler.Tracked {
    private static final int WAITING = 0;     // accepted (or being accepted), waits for its (next) execution
    private static final int RUNNING = 1;     // an execution is under way
    private static final int STOPPED = 2;     // RUNNING when a shutdown(Now) looked: this execution is the last
    private static final int HANDED_BACK = 3; // in shutdownNow's list: the Exec never runs it, a caller may
    private static final int FINISHED = 4;    // ran, failed, cancelled or refused: nothing more happens

    private static final VarHandle STATE =
        VarHandles.field(MethodHandles.lookup(), ScheduledTask.class, "state", int.class);

    private final ExecScheduler owner;
    private final Exec exec;
    private final Callable<V> work;
    private final boolean periodic;
    private final long seq;
    /** What the Exec's timer runs (so that the Exec's firing and a caller's {@link #run()} stay apart). */
    final Fire fire = new Fire();
    /** Set by the scheduling thread right after the Exec accepted the timer; a fast first run may see null. */
    private volatile Timer timer;
    /** WAITING, RUNNING, STOPPED, HANDED_BACK or FINISHED; see the constants. */
    private volatile int state;

    ScheduledTask(ExecScheduler owner, Exec exec, Callable<V> work, boolean periodic, long seq) {
        this.owner = owner;
        this.exec = exec;
        this.work = work;
        this.periodic = periodic;
        this.seq = seq;
    }

    Exec exec() {
        return exec;
    }

    void timer(Timer t) {
        timer = t; // volatile store: read by cancel() and a failing periodic run
        if (isDone()) {
            t.cancel(); // cancelled or failed before we knew the timer: stop it now
        }
    }

    // ------------------------------------------------------------------------------------------------ executions

    /** One execution fired by the Exec's timer, on the Exec's thread. */
    private void fired() {
        if (STATE.compareAndSet(this, WAITING, RUNNING)) { // CAS: races with shutdownNow and cancel
            runOnce();
        }
    }

    /**
     * Runs the task on the calling thread: a task handed back by shutdownNow runs once (one-shot) or is cancelled
     * (periodic: nothing is left to repeat it); any other task runs one execution now, if it is not under way.
     */
    @Override
    public void run() {
        if (STATE.compareAndSet(this, HANDED_BACK, periodic ? FINISHED : RUNNING)) { // CAS: the list's holder
            if (periodic) {
                owner.untrack(this);
                cancelFuture();
                return;
            }
            runOnce();
            return;
        }
        fired();
    }

    /** The state is RUNNING and ours. */
    private void runOnce() {
        if (isDone()) { // cancelled before its turn
            finish();
            return;
        }
        final V value;
        try {
            value = work.call();
        } catch (Throwable t) {
            finish();
            completeExceptionally(t);
            if (periodic) {
                stopTimer(); // suppress later executions, as ScheduledThreadPoolExecutor does
            }
            return;
        }
        if (!periodic) {
            finish();
            complete(value);
        } else if (isDone() || !STATE.compareAndSet(this, RUNNING, WAITING)) { // CAS: or STOPPED by a shutdown
            finish();
            cancelFuture(); // cancelled while it ran, or it ran during a shutdown (not handed back): it ends
            stopTimer();
        }
    }

    private void finish() {
        STATE.setVolatile(this, FINISHED); // volatile: the end (a racing RUNNING->STOPPED mark changes nothing)
        owner.untrack(this);
    }

    private void stopTimer() {
        final Timer tm = timer;
        if (tm != null) {
            tm.cancel();
        }
    }

    /** Cancels the future; {@code true} if this call did. */
    private boolean cancelFuture() {
        return completeExceptionally(new CancellationException(this + " was cancelled"));
    }

    // ------------------------------------------------------------------------------------ the scheduler's calls

    @Override
    public long seq() {
        return seq;
    }

    @Override
    public Runnable handBack() {
        while (true) {
            final int s = state; // volatile load
            if (s == WAITING) {
                if (isDone()) {
                    return null; // cancelled: not worth handing back
                }
                if (STATE.compareAndSet(this, WAITING, HANDED_BACK)) { // CAS: races with the Exec's firing
                    owner.untrack(this);
                    return this;
                }
            } else if (s == RUNNING && periodic) {
                if (STATE.compareAndSet(this, RUNNING, STOPPED)) { // CAS: the execution's end sees it
                    return null; // running: not in the list, cancelled when this execution ends
                }
            } else {
                return null;
            }
        }
    }

    /**
     * A graceful shutdown cancels a periodic task (getContinueExistingPeriodicTasksAfterShutdownPolicy() is false by
     * default): at once if it is waiting, when its execution returns if one is under way (as in
     * ScheduledThreadPoolExecutor) — unless a concurrent shutdownNow handed it back first: then it stays undone, in
     * that list.
     */
    @Override
    public void onShutdown() {
        if (!periodic) {
            return;
        }
        while (true) {
            final int s = state; // volatile load
            if (s == WAITING) {
                if (STATE.compareAndSet(this, WAITING, FINISHED)) { // CAS: races with shutdownNow's hand-back
                    owner.untrack(this);
                    cancelFuture();
                    stopTimer();
                    return;
                }
            } else if (s == RUNNING) {
                if (STATE.compareAndSet(this, RUNNING, STOPPED)) { // CAS: the execution's end cancels it
                    return;
                }
            } else {
                return; // already its last execution, handed back, or finished
            }
        }
    }

    /** The Exec refused the timer: {@code true} if the submitter must throw, {@code false} if shutdownNow took it. */
    boolean refuse() {
        if (STATE.compareAndSet(this, WAITING, FINISHED)) { // CAS: races with shutdownNow's hand-back
            owner.untrack(this);
            return true;
        }
        return false;
    }

    // ----------------------------------------------------------------------------------------------- the Future

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!cancelFuture()) {
            return false; // already completed or cancelled: the Future contract says false
        }
        if (STATE.compareAndSet(this, WAITING, FINISHED)) { // CAS: it will not start
            owner.untrack(this);
        }
        stopTimer();
        return true;
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
        checkNotOnOwnExec("get()");
        return super.get();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        checkNotOnOwnExec("get(timeout)");
        return super.get(timeout, unit);
    }

    @Override
    public V join() {
        checkNotOnOwnExec("join()");
        return super.join();
    }

    /** Waiting on an Exec's thread would park that Exec (on its own, for itself): fail at once instead. */
    private void checkNotOnOwnExec(String call) {
        if (!isDone()) {
            ExecScheduler.checkNotOnAnExec(call, this);
        }
    }

    @Override
    public long getDelay(TimeUnit unit) {
        final Timer tm = timer;
        return tm == null ? 0 : tm.getDelay(unit);
    }

    /** By deadline, then (equal deadlines) by acceptance; other {@link Delayed}s by {@link #getDelay}. */
    @Override
    public int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        if (other instanceof ScheduledTask) {
            final ScheduledTask<?> o = (ScheduledTask<?>) other;
            final Timer a = timer;
            final Timer b = o.timer;
            if (a != null && b != null) {
                final long diff = a.deadlineNanos() - b.deadlineNanos(); // wrap-safe, like System.nanoTime
                return diff != 0 ? (diff < 0 ? -1 : 1) : Long.compare(seq, o.seq);
            }
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public String toString() {
        return "ScheduledTask{" + work + (periodic ? ", periodic" : "") + " on " + exec.name() + ", "
            + super.toString() + '}';
    }

    /** The timer's task on the Exec: fires an execution; told when the Exec cancels the timer or stops. */
    final class Fire implements ExecEntry, ExecCancellable {
        @Override
        public void run() {
            fired();
        }

        /**
         * The Exec cancelled the (periodic) timer at a shutdown: the future is cancelled, as
         * ScheduledThreadPoolExecutor does — unless the scheduler's shutdownNow is collecting it, which hands it back
         * (or, if it is running, ends it after this execution).
         */
        @Override
        public void cancelledByExec() {
            if (owner.isStoppingNow()) {
                return;
            }
            if (STATE.compareAndSet(ScheduledTask.this, WAITING, FINISHED)) { // CAS: races with shutdownNow
                owner.untrack(ScheduledTask.this);
                cancelFuture();
            }
        }

        /** The Exec stopped before firing it: the task goes into the Exec's list, unless shutdownNow takes it. */
        @Override
        public Runnable onStop() {
            return owner.isStoppingNow() ? null : handBack();
        }

        @Override
        public String toString() {
            return "fire " + ScheduledTask.this;
        }
    }
}
