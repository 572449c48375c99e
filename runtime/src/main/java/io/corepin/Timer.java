package io.corepin;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * A task scheduled on one {@link Exec}'s timer wheel ({@link Exec#schedule}, {@link Exec#scheduleAtFixedRate},
 * {@link Exec#scheduleWithFixedDelay}): the handle to cancel it or ask about it, from any thread.
 *
 * <p>The task runs on the Exec's own thread, as an ordinary task of that Exec's loop (a throw goes to the Exec's
 * {@link TaskErrorHandler}). A periodic timer runs at most one execution at a time; if one execution throws, the
 * timer stops ({@link #isDone()}, not {@link #isCancelled()}), like {@code ScheduledThreadPoolExecutor}.
 *
 * <p>Threading: the state word is the only field shared between threads. Firing takes it from PENDING to RUNNING with
 * one CAS (so that a concurrent {@link #cancel()} either wins and the task never starts, or loses and reports
 * {@code false}); everything else about the timer (its place in the wheel, its next deadline) belongs to the Exec's
 * thread.
 */
public final class Timer {
    static final int PENDING = 0;
    static final int RUNNING = 1;
    static final int CANCELLED = 2;
    static final int DONE = 3;

    private static final VarHandle STATE =
        VarHandles.field(MethodHandles.lookup(), Timer.class, "state", int.class);
    private static final VarHandle DEADLINE =
        VarHandles.field(MethodHandles.lookup(), Timer.class, "deadline", long.class);

    final Exec exec;
    final Runnable task;
    /** 0: one-shot; {@code > 0}: fixed rate; {@code < 0}: fixed delay of {@code -period}. Immutable. */
    final long period;
    /**
     * Fixed rate only: after a late execution the next deadline is the first period boundary after now, instead of
     * catching up with one execution per missed period ({@link Ticker}). Immutable.
     */
    final boolean skipsMissed;
    /** Scheduling order on the owning Exec, to order timers with equal deadlines. Owner thread. */
    private long seq;
    /** Its id in the wheel while it is in there, else -1. Owner thread. */
    private long wheelId = -1;
    /** What the Exec runs when the timer fires: allocated once, reused by every period. */
    final Runnable fire = new Fire(this);

    /** PENDING, RUNNING, CANCELLED or DONE; see the class comment. */
    private volatile int state;
    /** Next deadline on the Exec's clock: written by the owner (opaque), read anywhere (opaque). */
    private long deadline;

    Timer(Exec exec, Runnable task, long deadline, long period) {
        this(exec, task, deadline, period, false);
    }

    Timer(Exec exec, Runnable task, long deadline, long period, boolean skipsMissed) {
        this.exec = exec;
        this.task = task;
        this.period = period;
        this.skipsMissed = skipsMissed && period > 0;
        DEADLINE.setOpaque(this, deadline); // opaque: published with the timer (ring release or owner thread)
    }

    /**
     * Stops the timer: a one-shot timer that has not started will never run; a periodic timer will not start another
     * execution (one in progress finishes). From another thread the wheel entry is removed on the Exec's next turn;
     * the timer never fires meanwhile.
     *
     * @return {@code true} if this call stopped it; {@code false} if it had already run (one-shot), finished, failed
     *     or been cancelled
     */
    public boolean cancel() {
        while (true) {
            final int s = state; // volatile load
            if (s == CANCELLED || s == DONE || (s == RUNNING && period == 0)) {
                return false;
            }
            if (STATE.compareAndSet(this, s, CANCELLED)) { // CAS: races with the owner's fire
                break;
            }
        }
        exec.timers().cancelled(this);
        return true;
    }

    /** Whether it was cancelled: by {@link #cancel()}, by {@link Exec#shutdownNow()}, or (periodic) by a shutdown. */
    public boolean isCancelled() {
        return state == CANCELLED; // volatile load
    }

    // ------------------------------------------------------------- the wheel's bookkeeping (ExecTimers, owner)

    /** Owner thread: the timer went into the wheel as its {@code seq}-th timer, under {@code id}. */
    final void inWheel(long seq, long id) {
        this.seq = seq;
        this.wheelId = id;
    }

    /** Owner thread: the timer left the wheel (fired, cancelled, or taken out by a stop). */
    final void outOfWheel() {
        wheelId = -1;
    }

    /** Owner thread: its id in the wheel, or -1. */
    final long wheelId() {
        return wheelId;
    }

    /** Owner thread: its scheduling order, for timers due at the same time. */
    final long seq() {
        return seq;
    }

    /** Whether the timer will never run again: it ran (one-shot), failed, or was cancelled. */
    public boolean isDone() {
        final int s = state; // volatile load
        return s == DONE || s == CANCELLED;
    }

    /** Whether it repeats ({@link Exec#scheduleAtFixedRate} or {@link Exec#scheduleWithFixedDelay}). */
    public boolean isPeriodic() {
        return period != 0;
    }

    /** The Exec it runs on. */
    public Exec exec() {
        return exec;
    }

    /**
     * The (next) deadline, a value of the Exec's clock ({@link Exec.Builder#clock}: {@link System#nanoTime()} unless
     * set). A periodic timer's moves on after each execution.
     */
    public long deadlineNanos() {
        return (long) DEADLINE.getOpaque(this); // opaque: a hint from any thread
    }

    /** Time left until the (next) deadline, on the Exec's clock; negative once it has passed. */
    public long getDelay(TimeUnit unit) {
        return unit.convert(deadlineNanos() - exec.timers().now(), TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------------------------- owner-thread internals

    long deadline() {
        return (long) DEADLINE.getOpaque(this); // opaque: the owner's own write
    }

    void deadline(long next) {
        DEADLINE.setOpaque(this, next); // opaque: a plain mov; other threads only read it as a hint
    }

    int state() {
        return state; // volatile load
    }

    /** Shutdown paths on the owner: PENDING to CANCELLED unless someone else got there first. */
    boolean cancelQuietly() {
        return STATE.compareAndSet(this, PENDING, CANCELLED); // CAS: slow path
    }

    /** Owner thread: the wheel handed this timer out; run one execution and re-arm a periodic one. */
    private void fire() {
        if (!STATE.compareAndSet(this, PENDING, RUNNING)) { // CAS: one per execution; loses only to cancel()
            return;
        }
        try {
            task.run();
        } catch (Throwable t) {
            STATE.setVolatile(this, DONE); // a failed periodic timer stops, like ScheduledThreadPoolExecutor's
            throw t;
        }
        if (period == 0) {
            STATE.setRelease(this, DONE); // release: nobody else writes after RUNNING of a one-shot timer
        } else if (STATE.compareAndSet(this, RUNNING, PENDING)) { // CAS: a cancel during the run wins
            final ExecTimers timers = exec.timers();
            long next = period > 0 ? deadline() + period : timers.now() - period; // fixed delay: from now
            if (skipsMissed) {
                final long late = timers.now() - next; // one clock read, for these timers only
                if (late >= 0) {
                    next += (late / period + 1) * period; // the first boundary after now: missed periods skipped
                }
            }
            timers.rearm(this, next);
        }
    }

    @Override
    public String toString() {
        final int s = state;
        return "Timer{" + task + " on " + exec.name()
            + (s == CANCELLED ? ", cancelled" : s == DONE ? ", done" : ", in " + getDelay(TimeUnit.MICROSECONDS) + "us")
            + (period > 0 ? ", every " + period + "ns" : period < 0 ? ", delay " + -period + "ns" : "") + '}';
    }

    /** The run-queue entry for one execution (kept apart so that {@link Timer} itself is not a Runnable). */
    static final class Fire implements Runnable {
        final Timer timer;

        Fire(Timer timer) {
            this.timer = timer;
        }

        @Override
        public void run() {
            timer.fire();
        }

        @Override
        public String toString() {
            return "fire " + timer.task;
        }
    }
}
