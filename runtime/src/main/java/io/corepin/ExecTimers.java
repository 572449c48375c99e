package io.corepin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.NanoClock;

/**
 * One Exec's timers: an Agrona {@link DeadlineTimerWheel} (1.05 ms ticks, 512 spokes) that only the Exec's own thread
 * touches, so there is no timer thread and no lock.
 *
 * <ul>
 *   <li>Scheduling on the owner thread goes straight into the wheel; from any other thread the timer travels through
 *       the Exec's ring as a message and is armed on the owner.
 *   <li>Each loop turn that has timers pending reads the Exec's clock once and fires every timer whose
 *       deadline has passed, in deadline order (scheduling order for equal deadlines); after about
 *       {@value #FIRE_LIMIT} it leaves the next ticks to the next turn. Turns without pending timers do not read the
 *       clock.
 *   <li>When the Exec goes idle it parks at most until the earliest deadline ({@link #parkBound(long)}), so a timer
 *       fires at the first turn at or after its deadline whether the Exec is busy or asleep.
 * </ul>
 *
 * <p>The clock is the Exec's ({@link Exec.Builder#clock}, {@code System.nanoTime()} by default): every deadline,
 * delay and "now" here is a value of it, and it is the only time source this class reads. A park is bounded by the
 * earliest deadline <em>in that clock's nanoseconds</em>, so with a fake clock the Exec still returns from a park
 * after at most that many real nanoseconds and reads the clock again — it never sleeps forever on a fake deadline —
 * and at once when anything wakes it (a task from another thread, a wake-up): a test moves its clock on, then
 * submits a no-op task, and the next turn fires what became due.
 *
 * <p>The wheel only knows slot ids (which it reuses), so a map from id to {@link Timer} says which timer a slot holds.
 * The earliest deadline is kept as a lower bound ({@link #earliest}): scheduling lowers it; firing and cancelling
 * leave it stale (too early), and it is recomputed by one scan of the wheel only when the Exec wants to sleep past it
 * or must catch up after a long busy stretch. Because no deadline is below it, the wheel may skip straight to it.
 *
 * <h2>Closing</h2>
 * <ul>
 *   <li>Graceful shutdown: one-shot timers (and {@link Exec#sleep sleeps}) still fire at their deadlines and the Exec
 *       terminates after the last of them, like {@code ScheduledThreadPoolExecutor}'s default; the Exec's own tasks
 *       may still schedule one-shot timers while it drains. Periodic timers are cancelled (they would never let it
 *       stop) and new periodic timers are refused.
 *   <li>{@code shutdownNow}: every pending one-shot timer is cancelled and its task handed back in the list, after
 *       the ring and local tasks, in deadline order; periodic timers are cancelled; sleep promises complete with a
 *       {@link java.util.concurrent.CancellationException}. Nothing is dropped without a trace.
 * </ul>
 */
final class ExecTimers implements DeadlineTimerWheel.TimerHandler {
    /** Tick of the wheel: 2^20 ns (1.05 ms). */
    static final long TICK_NANOS = 1L << 20;
    private static final int TICKS_PER_WHEEL = 512;
    private static final long REVOLUTION_NANOS = TICK_NANOS * TICKS_PER_WHEEL;
    private static final int FIRE_LIMIT = 64;
    /** Deadlines are kept within this of now, ahead or behind (146 years), so that deadline arithmetic never wraps. */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 1;

    private final Exec exec;
    /** The Exec's clock: immutable, read on the owner thread (turns, arming) and by schedulers on any thread. */
    private final NanoClock clock;
    // Owner thread only, all of it.
    private DeadlineTimerWheel wheel; // created by the first timer: an Exec that never schedules pays nothing
    private Long2ObjectHashMap<Timer> byId;
    /** No deadline in the wheel is below this (it may be stale, i.e. too low); MAX_VALUE when the wheel is empty. */
    private long earliest = Long.MAX_VALUE;
    private long seq;
    /** The lowest deadline armed during the current {@link #poll()} (fired tasks may schedule timers). */
    private long armedMin = Long.MAX_VALUE;
    private Timer[] due = new Timer[FIRE_LIMIT];
    private int dueCount;
    private boolean shutdownSeen;
    private boolean finished;

    ExecTimers(Exec exec, NanoClock clock) {
        this.exec = exec;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Now, on the Exec's clock (any thread). */
    long now() {
        return clock.nanoTime();
    }

    // --------------------------------------------------------------------------------------- scheduling (any thread)

    static long delayNanos(String what, long delay, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        if (delay < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, got " + delay + " " + unit);
        }
        return Math.min(unit.toNanos(delay), MAX_DELAY_NANOS);
    }

    static long periodNanos(String what, long period, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        if (period <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, got " + period + " " + unit);
        }
        return Math.min(unit.toNanos(period), MAX_DELAY_NANOS);
    }

    static long durationNanos(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("sleep duration must be >= 0, got " + duration);
        }
        try {
            return Math.min(duration.toNanos(), MAX_DELAY_NANOS);
        } catch (ArithmeticException tooLong) {
            return MAX_DELAY_NANOS;
        }
    }

    /**
     * A timer that fires {@code delayNanos} from now (the caller's read of the Exec's clock), then every
     * {@code period} (see {@link Timer#period}).
     */
    Timer schedule(Runnable task, long delayNanos, long period) {
        Objects.requireNonNull(task, "task");
        Timer timer = new Timer(exec, task, clock.nanoTime() + delayNanos, period);
        submit(timer);
        return timer;
    }

    /**
     * A fixed-rate timer that skips the periods it missed instead of catching up ({@link Timer#skipsMissed}): the
     * {@link Ticker}'s. Periodic, so a shutdown cancels it like any other.
     */
    Timer scheduleSkippingMissed(Runnable task, long firstDeadline, long period) {
        final Timer timer = new Timer(exec, Objects.requireNonNull(task, "task"), firstDeadline, period, true);
        submit(timer);
        return timer;
    }

    /**
     * A one-shot timer at {@code deadline}, a value of the Exec's clock ({@link PromiseTimeout}). Owner thread (from
     * another thread it travels through the ring as {@link #schedule} does).
     */
    Timer scheduleAt(Runnable task, long deadline) {
        final Timer timer = new Timer(exec, Objects.requireNonNull(task, "task"), deadline, 0);
        submit(timer);
        return timer;
    }

    /** A promise that completes {@code delayNanos} (at most {@link #MAX_DELAY_NANOS}) from now on the Exec's clock. */
    Promise<Void> sleep(long delayNanos) {
        return sleepUntil(clock.nanoTime() + delayNanos);
    }

    /** A promise that completes at {@code deadlineNanos}, a value of the Exec's clock. */
    Promise<Void> sleepUntil(long deadlineNanos) {
        final long now = clock.nanoTime();
        // within MAX_DELAY of now either way: past deadlines keep their order, and no two deadlines' difference wraps
        final long delay = Math.max(-MAX_DELAY_NANOS, Math.min(delayUntil(deadlineNanos, now), MAX_DELAY_NANOS));
        final long deadline = now + delay;
        SleepPromise promise = new SleepPromise(exec);
        submit(promise.timedBy(new Timer(exec, promise, deadline, 0)));
        return promise;
    }

    /**
     * {@code deadline - now} without wrapping: a difference beyond the long range saturates, so that a deadline far
     * in the past ({@code Long.MIN_VALUE}) is in the past, not 146 years ahead. Deadlines and {@code now} are
     * values of the Exec's clock, which (like {@link System#nanoTime()} over a JVM's lifetime) stay far from the ends
     * of the range.
     */
    static long delayUntil(long deadline, long now) {
        final long d = deadline - now;
        if (((deadline ^ now) & (deadline ^ d)) < 0) { // signed overflow: the operands' signs differ from the result's
            return deadline < now ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return d;
    }

    private void submit(Timer timer) {
        if (exec.inEventLoop()) {
            if (finished || (timer.period != 0 && exec.isShutdown())) {
                throw new RejectedExecutionException(exec.name() + " is shut down: cannot schedule " + timer);
            }
            arm(timer);
            return;
        }
        int result = exec.offer(new Arm(timer)); // cross-thread: one ring enqueue, armed on the owner
        if (result < 0) {
            throw exec.inbound().rejection(result);
        }
    }

    /** After a successful {@link Timer#cancel()}: take it out of the wheel now (owner) or on the next turn. */
    void cancelled(Timer timer) {
        if (exec.inEventLoop()) {
            remove(timer);
        } else {
            exec.ownerExecutor().execute(new Unlink(timer)); // never rejects: ring, or overflow when full/closed
        }
    }

    // ------------------------------------------------------------------------------------------------ owner thread

    private void arm(Timer timer) {
        if (wheel == null) {
            final long now = clock.nanoTime();
            wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, now, TICK_NANOS, TICKS_PER_WHEEL, 4);
            byId = new Long2ObjectHashMap<>();
        } else if (wheel.timerCount() == 0) {
            wheel.currentTickTime(clock.nanoTime()); // an empty wheel jumps to now: no ticks to walk later
        }
        final long deadline = timer.deadline();
        final long id = wheel.scheduleTimer(deadline);
        timer.inWheel(seq++, id);
        byId.put(id, timer);
        if (deadline < earliest) {
            earliest = deadline;
        }
        if (deadline < armedMin) {
            armedMin = deadline;
        }
    }

    /** A periodic timer after an execution: back into the wheel unless the Exec is closing. */
    void rearm(Timer timer, long next) {
        timer.deadline(next);
        if (finished || exec.isShutdown()) {
            cancelByExec(timer); // graceful shutdown cancels periodic timers
            return;
        }
        arm(timer);
    }

    private void remove(Timer timer) {
        final long id = timer.wheelId();
        if (id != -1 && byId.get(id) == timer) {
            byId.remove(id);
            wheel.cancelTimer(id);
            timer.outOfWheel();
        }
    }

    /** Whether no timer is waiting in the wheel (the Exec's quiescence test during a graceful shutdown). */
    boolean isEmpty() {
        return wheel == null || wheel.timerCount() == 0;
    }

    /**
     * Once per loop turn: fires the timers that are due. The wheel first skips to the earliest deadline (nothing is
     * due before it), then polls tick by tick up to the one holding {@code now}, each tick's due timers sorted. If it
     * is more than a revolution behind (the Exec was held for over half a second), one sweep of the whole wheel
     * collects everything due instead, and the wheel jumps to now.
     *
     * @return how many fired
     */
    int poll() {
        if (wheel == null || wheel.timerCount() == 0) {
            return 0; // no clock read on turns without timers
        }
        final long now = clock.nanoTime(); // the turn's one clock read
        if (!shutdownSeen && exec.isShutdown()) { // volatile load, only on turns with timers pending
            shutdownSeen = true;
            cancelPeriodic();
        }
        armedMin = Long.MAX_VALUE;
        wheel.currentTickTime(Math.min(now, earliest)); // skip ticks with nothing due: no deadline < earliest
        int fired = 0;
        if (now - wheel.currentTickTime() > REVOLUTION_NANOS) {
            fired = sweep(now);
            wheel.currentTickTime(Math.min(now, armedMin)); // nothing older is left, but fired tasks may have armed
        }
        while (fired < FIRE_LIMIT && wheel.timerCount() > 0) {
            final long tickEnd = wheel.currentTickTime();
            dueCount = 0;
            wheel.poll(now, this, Integer.MAX_VALUE); // the whole tick: its due timers are sorted, then run
            final int n = dueCount;
            if (n > 0) {
                runDue(n);
                fired += n;
            }
            if (wheel.currentTickTime() == tickEnd) {
                break; // the tick holding `now`: the rest waits for a later turn
            }
        }
        if (wheel.timerCount() == 0) {
            earliest = Long.MAX_VALUE;
        }
        return fired;
    }

    @Override
    public boolean onTimerExpiry(TimeUnit timeUnit, long now, long timerId) {
        take(timerId);
        return true;
    }

    /** Moves a timer the wheel handed out (or the sweep found due) to the due list. */
    private void take(long timerId) {
        final Timer timer = byId.remove(timerId);
        timer.outOfWheel();
        if (dueCount == due.length) {
            due = Arrays.copyOf(due, dueCount * 2);
        }
        due[dueCount++] = timer; // run after the wheel's poll returns, so tasks may schedule and cancel freely
    }

    /** Every due timer in the whole wheel, fired in deadline order: the way back from a long stall. */
    private int sweep(long now) {
        // through our own map: DeadlineTimerWheel.forEach in Agrona 2.3.2 reports wrong timer ids for spokes > 0
        final LongArrayList ids = new LongArrayList();
        byId.forEachLong((id, timer) -> {
            if (timer.deadline() <= now) {
                ids.addLong(id);
            }
        });
        dueCount = 0;
        for (int i = 0; i < ids.size(); i++) {
            final long id = ids.getLong(i);
            wheel.cancelTimer(id);
            take(id);
        }
        final int n = dueCount;
        runDue(n);
        return n;
    }

    /** Runs the due timers, by deadline then scheduling order (one tick holds several deadlines). */
    private void runDue(int n) {
        final Timer[] d = due;
        if (n > 1) {
            Arrays.sort(d, 0, n, ExecTimers::compare);
        }
        for (int i = 0; i < n; i++) {
            final Timer t = d[i];
            d[i] = null;
            exec.loop().runTask(t.fire); // like any task: error handler, stall guard, stop check (hands it back)
        }
        if (d.length > 4 * FIRE_LIMIT) {
            due = new Timer[FIRE_LIMIT]; // do not keep a sweep's big buffer
        }
    }

    private static int compare(Timer a, Timer b) {
        final long diff = a.deadline() - b.deadline();
        return diff != 0 ? (diff < 0 ? -1 : 1) : Long.compare(a.seq(), b.seq());
    }

    private long scanEarliest() {
        long min = Long.MAX_VALUE;
        for (Timer t : byId.values()) {
            min = Math.min(min, t.deadline());
        }
        return min;
    }

    private void cancelPeriodic() {
        List<Timer> periodic = new ArrayList<>();
        byId.values().forEach(t -> {
            if (t.period != 0) {
                periodic.add(t);
            }
        });
        for (Timer t : periodic) {
            remove(t);
            cancelByExec(t);
        }
    }

    /**
     * The idle path: how long the Exec may park, given that it wanted {@code nanos} ({@code <= 0}: no limit). At
     * least 1 ns when a timer is due, so the park returns at once and the next turn fires it. The bound is measured
     * on the Exec's clock and slept in real nanoseconds: with a fake clock the park still ends (after at most the
     * fake time left), and the next turn reads the clock again.
     */
    long parkBound(long nanos) {
        if (wheel == null || wheel.timerCount() == 0) {
            return nanos;
        }
        final long now = clock.nanoTime();
        if (earliest <= now) {
            earliest = scanEarliest(); // stale after fires and cancels; recomputed only on the way to sleep
        }
        final long wait = Math.max(1, earliest - now);
        return nanos <= 0 ? wait : Math.min(nanos, wait);
    }

    /**
     * The Exec's finish: {@code unrun} (what the ring and local queue still held) loses the timer messages, pending
     * one-shot timers' tasks are added to it, everything else is cancelled (sleeps and promise timeouts, which are
     * corepin's, fail their promises). Owner thread, once.
     */
    void finish(List<Runnable> unrun) {
        finished = true;
        List<Timer> pending = null; // made only if there are timers: a stop under heap exhaustion may not allocate
        final int n = unrun.size();
        int kept = 0;
        for (int i = 0; i < n; i++) { // in place, by index: no iterator
            final Runnable r = unrun.get(i);
            if (r instanceof Arm || r instanceof Timer.Fire) { // not armed yet, or taken out of the wheel by a stop
                if (pending == null) {
                    pending = new ArrayList<>();
                }
                pending.add(r instanceof Arm ? ((Arm) r).timer : ((Timer.Fire) r).timer);
            } else if (!(r instanceof Unlink)) {
                unrun.set(kept++, r);
            }
        }
        for (int i = n - 1; i >= kept; i--) {
            unrun.remove(i);
        }
        if (wheel != null) {
            if (!byId.isEmpty()) {
                if (pending == null) {
                    pending = new ArrayList<>();
                }
                byId.values().forEach(pending::add);
                byId.clear();
            }
            wheel.clear();
        }
        if (pending == null) {
            return;
        }
        pending.sort(ExecTimers::compare);
        for (Timer t : pending) {
            t.outOfWheel();
            if (!t.cancelQuietly()) {
                continue; // already cancelled (or running: a Fire caught by the stop is PENDING, so not here)
            }
            if (t.period == 0 && !(t.task instanceof SleepPromise) && !(t.task instanceof PromiseTimeout)) {
                unrun.add(t.task); // handed back: it never ran
            } else {
                notifyCancelled(t); // periodic timers and sleeps are cancelled, their futures completed
            }
        }
    }

    /** The Exec (not the timer's owner) cancels a timer: tell its task, so that its future does not hang. */
    private static void cancelByExec(Timer timer) {
        if (timer.cancelQuietly()) {
            notifyCancelled(timer);
        }
    }

    private static void notifyCancelled(Timer timer) {
        if (timer.task instanceof ExecCancellable) {
            try {
                ((ExecCancellable) timer.task).cancelledByExec();
            } catch (Throwable t) {
                System.getLogger("io.corepin.ExecTimers").log(System.Logger.Level.WARNING,
                    "cancelling " + timer + " threw", t);
            }
        }
    }

    /** Cross-thread schedule: the message that arms a timer on the owner. */
    static final class Arm implements Runnable {
        final Timer timer;

        Arm(Timer timer) {
            this.timer = timer;
        }

        @Override
        public void run() {
            final ExecTimers timers = timer.exec.timers();
            if (timer.state() != Timer.PENDING) {
                return; // cancelled before it reached the Exec
            }
            if (timer.period != 0 && timer.exec.isShutdown()) {
                cancelByExec(timer); // accepted before the shutdown; a periodic timer is cancelled by it
                return;
            }
            timers.arm(timer);
        }

        @Override
        public String toString() {
            return "arm " + timer;
        }
    }

    /** Cross-thread cancel: the message that frees the wheel slot on the owner. */
    static final class Unlink implements Runnable {
        final Timer timer;

        Unlink(Timer timer) {
            this.timer = timer;
        }

        @Override
        public void run() {
            if (timer.exec.inEventLoop()) { // after termination a late canceller may run this itself: nothing to do
                timer.exec.timers().remove(timer);
            }
        }

        @Override
        public String toString() {
            return "unlink " + timer;
        }
    }
}
