package io.corepin;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A task given to {@link ExecScheduler#execute}: the user's {@link Runnable} plus the one state word that decides,
 * exactly once, whether the Exec runs it or {@link ExecScheduler#shutdownNow()} hands it back. The scheduler tracks
 * it from before it is offered until it starts, so that {@code shutdownNow} can return it without waiting for the
 * Exec (whose queues only its own thread may read).
 */
final class TrackedTask implements ExecEntry, ExecScheduler.Tracked, WrapsTask {
    private static final int WAITING = 0;     // accepted, or being offered: not started
    private static final int STARTED = 1;     // the Exec (or a caller-runs submitter) took it
    private static final int HANDED_BACK = 2; // in a hand-back list: never runs here
    private static final int REFUSED = 3;     // the Exec refused it: the submitter threw

    private static final VarHandle STATE =
        VarHandles.field(MethodHandles.lookup(), TrackedTask.class, "state", int.class);

    private final ExecScheduler owner;
    final Runnable task;
    private final long seq;
    /** WAITING until one CAS moves it on; see the constants. */
    private volatile int state;

    TrackedTask(ExecScheduler owner, Runnable task, long seq) {
        this.owner = owner;
        this.task = task;
        this.seq = seq;
    }

    @Override
    public void run() {
        if (!STATE.compareAndSet(this, WAITING, STARTED)) { // CAS: races with shutdownNow's hand-back
            return; // handed back: whoever holds the list runs it
        }
        owner.untrack(this);
        task.run();
    }

    @Override
    public long seq() {
        return seq;
    }

    @Override
    public Runnable handBack() {
        if (STATE.compareAndSet(this, WAITING, HANDED_BACK)) { // CAS: races with the Exec's run
            owner.untrack(this);
            return task;
        }
        return null; // started (running or done), or already handed back
    }

    @Override
    public void onShutdown() {
        // a plain task still runs after a graceful shutdown
    }

    /** The Exec refused it: {@code true} if the submitter must throw, {@code false} if shutdownNow took it first. */
    boolean refuse() {
        if (STATE.compareAndSet(this, WAITING, REFUSED)) { // CAS: races with shutdownNow's hand-back
            owner.untrack(this);
            return true;
        }
        return false;
    }

    /**
     * The Exec stopped (its own {@code shutdownNow}) before running it: the user's task goes into the Exec's list,
     * unless the scheduler's shutdownNow is collecting it for its own list.
     */
    @Override
    public Runnable onStop() {
        return owner.isStoppingNow() ? null : handBack();
    }

    @Override
    public String toString() {
        return task.toString();
    }

    @Override
    public Runnable userTask() {
        return task;
    }
}
