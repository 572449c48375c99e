package io.corepin;

import java.util.concurrent.CancellationException;

/**
 * What {@link Exec#sleep} returns: a promise its timer completes on the owning Exec at the deadline. Cancelling the
 * promise cancels the timer too, so that a cancelled sleep does not hold a wheel slot until its deadline.
 */
final class SleepPromise extends Promise<Void> implements Runnable, ExecCancellable {
    /** Set right after construction, before the promise is published. */
    private Timer timer;

    /** Before it is handed out: the timer that completes it (cancelling the promise cancels the timer). */
    Timer timedBy(Timer t) {
        this.timer = t;
        return t;
    }

    SleepPromise(Exec exec) {
        super(exec);
    }

    /** The timer fired: complete, on the owner thread. */
    @Override
    public void run() {
        completeOnOwner(null, null);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        final Timer t = timer;
        if (t != null) {
            t.cancel();
        }
        return super.cancel(mayInterruptIfRunning);
    }

    /** shutdownNow found the timer pending. Owner thread. */
    @Override
    public void cancelledByExec() {
        completeOnOwner(null, new CancellationException(exec().name() + " was shut down now"));
    }

    @Override
    public String toString() {
        return "sleep " + super.toString();
    }
}
