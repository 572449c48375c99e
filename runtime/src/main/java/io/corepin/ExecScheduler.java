package io.corepin;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ScheduledExecutorService} over one {@link Exec} or an {@link ExecGroup}, for code written against the JDK
 * interface. Delayed and periodic tasks use the Execs' own timer wheels (no extra thread); in a group each scheduled
 * task picks an Exec round robin and stays there, and {@link #execute} goes through the group's balancer.
 *
 * <ul>
 *   <li>As the interface specifies, zero and negative delays mean "now"; periods must be positive.
 *   <li>A periodic task that throws stops; its future completes with the exception.
 *   <li>{@link #shutdown()}: the Exec's graceful shutdown — pending one-shot tasks still run at their deadlines,
 *       periodic tasks are cancelled (like {@code ScheduledThreadPoolExecutor}'s defaults).
 *       {@link #shutdownNow()} returns what never ran (plain tasks, and the futures of pending one-shot tasks).
 *   <li>Blocking calls ({@code invokeAll}, {@code Future.get}) on the Exec's own thread would block that Exec; use
 *       them from other threads, or compose {@link Promise}s instead.
 * </ul>
 */
public final class ExecScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final Exec exec;       // one Exec, or null for a group
    private final ExecGroup group; // or a group
    private final AtomicInteger next = new AtomicInteger();

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
        return exec != null ? exec : group.exec(Math.floorMod(next.getAndIncrement(), group.size())); // CAS: interop
    }

    @Override
    public void execute(Runnable command) {
        if (exec != null) {
            exec.execute(command);
        } else {
            group.execute(command);
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        return schedule(Executors.callable(command, null), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        ScheduledTask<V> task = new ScheduledTask<>(Objects.requireNonNull(callable, "callable"), false);
        task.timer(pick().schedule(task, Math.max(0, delay), unit));
        return task;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        ScheduledTask<Object> task = periodic(command);
        task.timer(pick().scheduleAtFixedRate(task, Math.max(0, initialDelay), period, unit));
        return task;
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        ScheduledTask<Object> task = periodic(command);
        task.timer(pick().scheduleWithFixedDelay(task, Math.max(0, initialDelay), delay, unit));
        return task;
    }

    private static ScheduledTask<Object> periodic(Runnable command) {
        return new ScheduledTask<>(Executors.callable(Objects.requireNonNull(command, "command")), true);
    }

    @Override
    public void shutdown() {
        if (exec != null) {
            exec.shutdown();
        } else {
            group.shutdown();
        }
    }

    /**
     * Stops the Exec(s) after their current tasks and returns what never ran.
     *
     * @throws IllegalStateException if called on one of the Execs' own threads (it would wait for itself)
     */
    @Override
    public List<Runnable> shutdownNow() {
        Exec current = Exec.current();
        if (current != null && owns(current)) {
            throw new IllegalStateException("shutdownNow() called on " + current.name()
                + "'s own thread: it would wait for itself; call shutdownNow() on the Exec and do not wait");
        }
        return exec != null ? exec.shutdownNow().join() : group.shutdownNow().join();
    }

    private boolean owns(Exec e) {
        if (exec != null) {
            return e == exec;
        }
        for (int i = 0; i < group.size(); i++) {
            if (group.exec(i) == e) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isShutdown() {
        return exec != null ? exec.isShutdown() : group.isShutdown();
    }

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

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return exec != null ? exec.awaitTermination(timeout, unit) : group.awaitTermination(timeout, unit);
    }

    @Override
    public String toString() {
        return "ExecScheduler{" + (exec != null ? exec : group) + '}';
    }
}
