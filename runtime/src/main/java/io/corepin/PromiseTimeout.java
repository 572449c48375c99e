package io.corepin;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Promise#orTimeout} and {@link Promise#completeOnTimeout} on the owning Exec's timer wheel, instead of
 * {@code CompletableFuture}'s JVM-wide delayer thread. One object plays three parts, one after the other:
 * <ol>
 *   <li>the entry that carries the request to the owner, when it was made on another thread ({@link #run()} first
 *       time: {@link #arm()});
 *   <li>the task of a one-shot {@link Timer} at the deadline ({@link #run()} afterwards: {@link #fire()}), which
 *       completes the target on the owner — with a {@link TimeoutException}, or with the value;
 *   <li>an action in the target's list ({@link #onSource}): the target completed, by whoever, so the timer is
 *       cancelled and leaves the wheel at once (no slot is held until the deadline).
 * </ol>
 * Owner thread, all of it, except the constructor (the fields are published with the ring hop, or set on the
 * owner). An Exec that stops cannot keep the deadline, so the target fails with a {@link CancellationException}
 * naming the Exec — as a sleep does — rather than waiting for ever: at {@code shutdownNow} (the wheel's finish tells
 * {@link #cancelledByExec()}; the timer is not handed back, it is not the user's task), and when the request reaches
 * an Exec that has already finished. A graceful shutdown fires it at its deadline, as any one-shot timer.
 */
final class PromiseTimeout<T> extends Promise<Void> implements ExecEntry, ExecCancellable {
    private final Promise<T> target;
    /** completeOnTimeout's value; unused by orTimeout. */
    private final T value;
    private final boolean fail;
    /** On the Exec's clock, read by the caller of orTimeout. */
    private final long deadline;
    private final String what;
    // Owner thread.
    private boolean armed;
    private Timer timer;

    private PromiseTimeout(Promise<T> target, T value, boolean fail, long deadline, String what) {
        super(target.exec());
        this.target = target;
        this.value = value;
        this.fail = fail;
        this.deadline = deadline;
        this.what = what;
    }

    /**
     * Any thread: times {@code target} on its Exec's wheel; nothing if it is done already.
     *
     * @throws IllegalArgumentException naming the value if the timeout is negative
     */
    static <T> void start(Promise<T> target, T value, boolean fail, long timeout, TimeUnit unit) {
        final long nanos = ExecTimers.delayNanos("timeout", timeout, unit); // checks unit and sign
        if (target.isDone()) {
            return;
        }
        final Exec exec = target.exec();
        final String what = (fail ? "orTimeout(" : "completeOnTimeout(") + timeout + " " + unit + ")";
        final PromiseTimeout<T> t = new PromiseTimeout<>(target, value, fail, exec.timers().now() + nanos, what);
        if (exec.isOwnerLoop()) {
            t.run();
        } else {
            exec.runOnOwner(t); // never rejects: ring (or overflow); late runner once the Exec is finishing
        }
    }

    /** The request on the owner (first), then the timer at the deadline. */
    @Override
    public void run() {
        if (!armed) {
            armed = true;
            arm();
        } else {
            fire();
        }
    }

    private void arm() {
        if (target.isDone()) {
            return; // completed on the way here: no timer
        }
        if (!exec().isOwnerLoop()) { // the late runner: the Exec has finished, it has no wheel any more
            stopped("has stopped");
            return;
        }
        timer = exec().timers().scheduleAt(this, deadline); // owner: straight into the wheel
        target.attach(this); // its outcome, however it comes, cancels the timer (onSource)
    }

    /** The deadline came (owner): the target times out, unless it completed meanwhile. */
    private void fire() {
        timer = null;
        if (fail) {
            target.completeExceptionally(new TimeoutException(what + " of " + target.exec().name()));
        } else {
            target.complete(value);
        }
    }

    /** The target completed (owner): its timeout leaves the wheel now. */
    @Override
    void onSource(Object sourceValue, Throwable sourceFailure) {
        final Timer t = timer;
        timer = null;
        if (t != null) {
            t.cancel(); // owner: out of the wheel at once; false when it is this timer's own firing
        }
    }

    /** shutdownNow found the timer pending (owner, finishing). */
    @Override
    public void cancelledByExec() {
        timer = null;
        stopped("was shut down now");
    }

    /** The request never reached a running owner: the Exec stopped first. */
    @Override
    public Runnable onStop() {
        stopped("was shut down now");
        return null;
    }

    private void stopped(String how) {
        target.completeExceptionally(new CancellationException(
            target.exec().name() + " " + how + " before the " + what + " of " + target + " could fire"));
    }

    @Override
    public String toString() {
        return what + " of " + target;
    }
}
