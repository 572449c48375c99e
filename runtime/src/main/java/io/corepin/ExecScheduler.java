package io.corepin;

import io.corepin.balance.LoadBalancer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A {@link ScheduledExecutorService} over one {@link Exec} or an {@link ExecGroup}, for code written against the JDK
 * interface; it behaves as the JDK documents the interfaces, with {@code ScheduledThreadPoolExecutor}'s default
 * policies. Delayed and periodic tasks use the Execs' own timer wheels (no extra thread); in a group each scheduled
 * task picks an Exec round robin (a per-thread cursor with a random start) and stays there, and {@link #execute}
 * goes through the group's balancer.
 *
 * <ul>
 *   <li>Zero and negative delays mean "now"; periods must be positive ({@link IllegalArgumentException} naming the
 *       value); {@code null} arguments throw {@link NullPointerException}.
 *   <li>A periodic task that throws stops; its future completes with the exception.
 *   <li>{@link #shutdown()}: no new task is accepted, from any thread, the Execs' own included
 *       ({@link RejectedExecutionException}); tasks already accepted still run, one-shot tasks at their deadlines;
 *       periodic tasks are cancelled before it returns ({@code getContinueExistingPeriodicTasksAfterShutdownPolicy()}
 *       is {@code false}, {@code getExecuteExistingDelayedTasksAfterShutdownPolicy()} {@code true}).
 *   <li>{@link #shutdownNow()} returns at once, without waiting for a running task (it interrupts the Execs'
 *       threads), with every task accepted through this scheduler that had not started: plain tasks and the futures
 *       of one-shot and periodic tasks awaiting an execution, undone and uncancelled, in the order they were
 *       accepted. A task running at that moment is not in the list (a periodic one is cancelled when its execution
 *       returns). Every accepted task either runs once or is in that list, never both, never neither. Tasks given
 *       to the Execs directly, not through this scheduler, come back from {@link Exec#shutdownNow()}'s future.
 *   <li>Calls that wait ({@code invokeAll}, {@code invokeAny}, {@link #awaitTermination}, and {@code get} or
 *       {@code join} of a future it returned that is not done) on any Exec's thread would park that Exec, possibly
 *       on work that needs it: they throw {@link IllegalStateException} at once, naming the Exec and the call.
 *       Compose {@link Promise}s instead, or wait from another thread.
 * </ul>
 *
 * <p>Cost: to hand tasks back without reading the Execs' queues (only their own threads may), the scheduler tracks
 * every task it accepted until it starts — one small object, a concurrent-set insert and removal and an atomic
 * sequence number per task, on top of the Exec's own submission. Use the Exec or group directly where that matters.
 */
public final class ExecScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final Exec exec;       // one Exec, or null for a group
    private final ExecGroup group; // or a group
    /** Where timers go in a group: per-thread cursors, no shared counter. */
    private final LoadBalancer placement = LoadBalancer.roundRobin();
    /** Accepted and not started (periodic: not finished): what shutdownNow may hand back. */
    private final Set<Tracked> tracked = ConcurrentHashMap.newKeySet();
    /** Acceptance order of the tracked tasks (an atomic add per task: interop, not the Exec's hot path). */
    private final AtomicLong accepted = new AtomicLong();
    /** Set by shutdown and shutdownNow; read by every submission. */
    private volatile boolean shutdown;
    /**
     * Set by shutdownNow before it stops the Execs: from then on they leave this scheduler's tasks to its list
     * (the Exec reads it after seeing its stopped state, which shutdownNow wrote after this flag).
     */
    private volatile boolean stoppingNow;

    /** A task the scheduler accepted and may hand back. */
    interface Tracked {
        /** Acceptance order. */
        long seq();

        /**
         * shutdownNow: take the task if it has not started and return what goes into the list; {@code null} if it
         * started (a running periodic task is told that its current execution is its last), finished, or was taken.
         */
        Runnable handBack();

        /** A graceful shutdown: periodic tasks are cancelled. */
        void onShutdown();
    }

    private ExecScheduler(Exec exec, ExecGroup group) {
        this.exec = exec;
        this.group = group;
    }

    /** A scheduler over one Exec. */
    public static ExecScheduler of(Exec exec) {
        return new ExecScheduler(Objects.requireNonNull(exec, "exec"), null);
    }

    /** A scheduler over a group: execute through its balancer, timers round robin over its Execs. */
    public static ExecScheduler of(ExecGroup group) {
        return new ExecScheduler(null, Objects.requireNonNull(group, "group"));
    }

    private Exec pick() {
        return exec != null ? exec : group.exec(placement.select(null, group.targets()));
    }

    // -------------------------------------------------------------------------------------------------- submission

    /**
     * Runs {@code command} on the Exec (or the one the group's balancer picks).
     *
     * @throws RejectedExecutionException if this scheduler or the Exec is shut down, or the Exec has no room
     */
    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        checkAccepting(command);
        TrackedTask task = new TrackedTask(this, command, accepted.getAndIncrement()); // atomic: interop path
        tracked.add(task);
        try {
            if (exec != null) {
                exec.execute(task);
            } else {
                group.execute(task);
            }
        } catch (RuntimeException refused) {
            if (task.refuse()) {
                throw refused;
            }
            // a concurrent shutdownNow took it first: it was accepted, and is in that list
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        return schedule(Executors.callable(command, null), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Objects.requireNonNull(callable, "callable");
        Objects.requireNonNull(unit, "unit");
        return start(callable, false, t -> t.exec().schedule(t.fire, Math.max(0, delay), unit));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        ExecTimers.periodNanos("period", period, unit); // checked before anything is accepted
        return start(Executors.callable(command), true,
            t -> t.exec().scheduleAtFixedRate(t.fire, Math.max(0, initialDelay), period, unit));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        ExecTimers.periodNanos("delay", delay, unit); // checked before anything is accepted
        return start(Executors.callable(command), true,
            t -> t.exec().scheduleWithFixedDelay(t.fire, Math.max(0, initialDelay), delay, unit));
    }

    /** Tracks the task, then arms its timer; a refusal untracks it and throws, unless shutdownNow took it. */
    private <V> ScheduledTask<V> start(Callable<V> work, boolean periodic, Function<ScheduledTask<V>, Timer> arm) {
        checkAccepting(work);
        ScheduledTask<V> task = new ScheduledTask<>(this, pick(), work, periodic, accepted.getAndIncrement());
        tracked.add(task);
        final Timer timer;
        try {
            timer = arm.apply(task);
        } catch (RuntimeException refused) {
            if (task.refuse()) {
                throw refused;
            }
            return task; // a concurrent shutdownNow took it first: it was accepted, and is in that list
        }
        task.timer(timer);
        return task;
    }

    private void checkAccepting(Object task) {
        if (shutdown) { // volatile load
            throw new RejectedExecutionException(this + " is shut down: cannot accept " + task);
        }
    }

    void untrack(Tracked task) {
        tracked.remove(task);
    }

    boolean isStoppingNow() {
        return stoppingNow; // volatile load
    }

    // ------------------------------------------------------------------------------------------- waiting calls

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        checkNotOnOwnExec("invokeAll");
        return super.invokeAll(tasks);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
        throws InterruptedException {
        checkNotOnOwnExec("invokeAll");
        return super.invokeAll(tasks, timeout, unit);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        checkNotOnOwnExec("invokeAny");
        return super.invokeAny(tasks);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
        checkNotOnOwnExec("invokeAny");
        return super.invokeAny(tasks, timeout, unit);
    }

    private void checkNotOnOwnExec(String call) {
        checkNotOnAnExec(call, this);
    }

    /**
     * A call that waits, made on an Exec's thread, would park that Exec — possibly on work that needs it (then
     * forever): corepin never parks an Exec but in its idle park, so it fails at once, naming the Exec and the call.
     */
    static void checkNotOnAnExec(String call, Object on) {
        Exec current = Exec.current();
        if (current != null) {
            throw new BlockingOperationException(call + " on " + on + " called on " + current.name() + "'s thread: it "
                + "would block that Exec while it waits (forever, if the work needs that Exec); compose Promises "
                + "or call it from another thread");
        }
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new SubmittedTask<>(callable);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new SubmittedTask<>(runnable, value);
    }

    // ----------------------------------------------------------------------------------------------- closing

    /**
     * Accepts no new task; tasks already accepted still run (one-shot tasks at their deadlines); periodic tasks are
     * cancelled before this returns. Returns at once; see {@link #awaitTermination}.
     */
    @Override
    public void shutdown() {
        shutdown = true; // volatile store: later submissions are refused
        if (exec != null) {
            exec.shutdown();
        } else {
            group.shutdown();
        }
        for (Tracked t : tracked) {
            t.onShutdown();
        }
    }

    /**
     * Stops the Exec(s) after their current tasks (interrupting their threads) and returns at once, without
     * waiting for a running task: the list holds every task accepted through this scheduler that had not started,
     * in acceptance order (see the class comment). Also from one of the Execs' own threads.
     */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;    // volatile store: later submissions are refused
        stoppingNow = true; // volatile store, before the Execs' STOP: they leave our tasks to this list
        if (exec != null) {
            exec.shutdownNow(); // its future (tasks given to the Exec directly) completes when its thread stops
        } else {
            group.shutdownNow();
        }
        // Everything accepted before the Execs closed was tracked before that: this snapshot holds it.
        List<Tracked> all = new ArrayList<>(tracked);
        all.sort(Comparator.comparingLong(Tracked::seq));
        List<Runnable> back = new ArrayList<>(all.size());
        for (Tracked t : all) {
            Runnable r = t.handBack();
            if (r != null) {
                back.add(r);
            }
        }
        return back;
    }

    /** {@code true} once this scheduler, or one of its Execs, was shut down. */
    @Override
    public boolean isShutdown() {
        if (shutdown) {
            return true;
        }
        if (exec != null) {
            return exec.isShutdown();
        }
        for (int i = 0; i < group.size(); i++) {
            if (group.exec(i).isShutdown()) {
                return true;
            }
        }
        return false;
    }

    /** {@code true} once every Exec's thread has exited after a shutdown. */
    @Override
    public boolean isTerminated() {
        if (exec != null) {
            return exec.isTerminated();
        }
        for (int i = 0; i < group.size(); i++) {
            if (!group.exec(i).isTerminated()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits up to the timeout for every Exec to terminate.
     *
     * @throws BlockingOperationException if it would wait on an Exec's thread (on one of these Execs: for itself)
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        if (timeout > 0 && !isTerminated()) {
            checkNotOnOwnExec("awaitTermination");
        }
        return exec != null ? exec.awaitTermination(timeout, unit) : group.awaitTermination(timeout, unit);
    }

    @Override
    public String toString() {
        return "ExecScheduler{" + (exec != null ? exec.name() : group) + '}';
    }
}
