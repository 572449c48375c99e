package io.corepin;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Structured concurrency over an {@link ExecGroup} (smolscale's Nursery, smartpool's scoped operations):
 *
 * <pre>{@code
 * try (Scope scope = group.scope()) {
 *     for (Item item : items) scope.spawn(() -> process(item));
 * } // every child has finished here, and everything the children wrote is visible
 * }</pre>
 *
 * <ul>
 *   <li>{@link #close()} waits for every child ({@link #close(Duration)} with a bound); {@link #join()} is the
 *       non-blocking form for code on an Exec.
 *   <li>The first child failure is thrown from {@code close()} (or fails {@code join()}'s promise); later failures
 *       are added to it as suppressed exceptions.
 *   <li>On the first failure the scope cancels the unfinished children: a {@code Runnable} child that has not
 *       started is skipped; an async child's promise is cancelled (its body's result is dropped).
 *   <li>Happens-before: each child's writes happen before {@code close()} returns (or {@code join()} completes).
 * </ul>
 * A scope is closed once, by the thread that opened it. Once {@code close()} or {@code join()} was called, spawning
 * throws {@link IllegalStateException} — except from the scope's own running children (a {@code Runnable} child
 * while it runs, an async child's body while it builds its stage), which may spawn grandchildren until the scope has
 * finished; the close waits for them too. No child runs after {@code close()} returned: a spawn either is counted
 * before the close can finish, or throws.
 *
 * <p>If an Exec is stopped ({@code shutdownNow}) before a {@code Runnable} child ran, the child is not handed back
 * as the user's task: it fails the scope with a {@link CancellationException} naming the Exec.
 */
public final class Scope implements AutoCloseable {
    private final ExecGroup group;
    /** Unfinished children plus 1 for the scope itself until close/join: RMW by spawners and finishing children. */
    private final AtomicInteger pending = new AtomicInteger(1);
    /** Completes (with the first failure, if any) when pending reaches 0. */
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<CompletableFuture<?>> asyncChildren = ConcurrentHashMap.newKeySet();
    /** The first failure; later ones are suppressed into it. Guarded by {@code this}. */
    private Throwable failure;
    /** Set on the first failure: children not yet started skip their work. */
    private volatile boolean cancelled;
    /** The scope whose child the current thread is running (a child's own spawns are accepted while closing). */
    private static final ThreadLocal<Scope> RUNNING_CHILD = new ThreadLocal<>();

    Scope(ExecGroup group) {
        this.group = group;
    }

    /**
     * Runs {@code child} on one of the group's Execs, as part of this scope.
     *
     * @throws IllegalStateException if the scope was closed (and the caller is not one of its running children)
     * @throws java.util.concurrent.RejectedExecutionException if the group refused the child (it is not counted)
     */
    public void spawn(Runnable child) {
        spawnChild(child, false, 0);
    }

    /**
     * Runs {@code child} on the Exec that owns {@code key} in the group (as {@link ExecGroup#execute(long, Runnable)}:
     * the same core for the same key, in the order of the keyed submits), as part of this scope.
     *
     * @throws IllegalStateException if the scope was closed (and the caller is not one of its running children)
     * @throws java.util.concurrent.RejectedExecutionException if the group refused the child (it is not counted)
     */
    public void spawn(long key, Runnable child) {
        spawnChild(child, true, key);
    }

    private void spawnChild(Runnable child, boolean keyed, long key) {
        Objects.requireNonNull(child, "child");
        enter();
        try {
            if (keyed) {
                group.execute(key, new Child(child));
            } else {
                group.execute(new Child(child)); // the balancer sees the child itself (WrapsTask)
            }
        } catch (RuntimeException refused) {
            leave(null);
            throw refused;
        }
    }

    /**
     * Runs {@code child} on one of the group's Execs and counts it until the stage it returns completes.
     *
     * @return the child's promise (cancelled if a sibling fails first)
     * @throws IllegalStateException if the scope was closed (and the caller is not one of its running children)
     */
    public <T> Promise<T> spawn(Supplier<? extends CompletionStage<T>> child) {
        return spawnAsync(child, false, 0);
    }

    /**
     * Runs {@code child} on the Exec that owns {@code key} in the group (as {@link ExecGroup#spawn(long, Supplier)})
     * and counts it until the stage it returns completes.
     *
     * @return the child's promise (cancelled if a sibling fails first)
     * @throws IllegalStateException if the scope was closed (and the caller is not one of its running children)
     */
    public <T> Promise<T> spawn(long key, Supplier<? extends CompletionStage<T>> child) {
        return spawnAsync(child, true, key);
    }

    private <T> Promise<T> spawnAsync(Supplier<? extends CompletionStage<T>> child, boolean keyed, long key) {
        Objects.requireNonNull(child, "child");
        enter();
        final Promise<T> promise;
        try {
            final Supplier<CompletionStage<T>> body =
                () -> cancelled ? CompletableFuture.failedFuture(cancellation()) : asChild(child);
            promise = keyed ? group.spawn(key, body) : group.spawn(body);
        } catch (RuntimeException refused) {
            leave(null);
            throw refused;
        }
        asyncChildren.add(promise);
        if (cancelled) {
            promise.cancel(false);
        }
        promise.whenComplete((v, t) -> {
            asyncChildren.remove(promise);
            leave(t);
        });
        return promise;
    }

    /**
     * Stops accepting children and returns a promise, owned by the calling Exec, that completes when every child has
     * finished — exceptionally with the first failure.
     *
     * @throws IllegalStateException if the caller is not on an Exec's thread, or the scope was already closed
     */
    public Promise<Void> join() {
        Exec exec = Exec.current();
        if (exec == null) {
            throw new IllegalStateException("Scope.join() needs an Exec's thread; use close() elsewhere");
        }
        arrive();
        Promise<Void> result = new Promise<>(exec);
        done.whenComplete((v, t) -> {
            if (t == null) {
                result.complete(null);
            } else {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /**
     * Stops accepting children and waits until every child has finished.
     *
     * @throws RuntimeException the first child failure (as thrown, or wrapped in a {@link CompletionException} when
     *     it is a checked exception), with later failures suppressed
     * @throws BlockingOperationException if called on an Exec's thread (it would block that core: use
     *     {@link #join()})
     */
    @Override
    public void close() {
        closeForWaiting();
        boolean interrupted = false;
        while (true) {
            try {
                done.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                break; // the failure is rethrown below
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throwFirstFailure();
    }

    /**
     * {@link #close()} with a bound: stops accepting children and waits at most {@code timeout} for them. On a timeout
     * the children keep running and stay counted; {@code close()} or this method may be called again to wait on.
     *
     * @throws TimeoutException naming the timeout and the children still unfinished
     * @throws InterruptedException if the waiting thread is interrupted (the children keep running)
     * @throws RuntimeException the first child failure, as {@link #close()} throws it
     * @throws BlockingOperationException if called on an Exec's thread
     */
    public void close(Duration timeout) throws TimeoutException, InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        closeForWaiting();
        try {
            done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // the failure is rethrown below
        } catch (TimeoutException e) {
            throw new TimeoutException(pending() + " scope children still unfinished after " + timeout);
        }
        throwFirstFailure();
    }

    /** Off an Exec's thread only; closes the scope to new children unless already closed. */
    private void closeForWaiting() {
        Exec exec = Exec.current();
        if (exec != null) {
            throw new BlockingOperationException("Scope.close() would block " + exec.name()
                + "; use join() on an Exec");
        }
        if (!closed.get()) {
            arrive();
        }
    }

    private void throwFirstFailure() {
        Throwable first;
        synchronized (this) {
            first = failure;
        }
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first instanceof Error) {
            throw (Error) first;
        }
        if (first != null) {
            throw new CompletionException(first);
        }
    }

    /** Children spawned and not yet finished (a snapshot). */
    public int pending() {
        return Math.max(0, pending.get() - (closed.get() ? 0 : 1));
    }

    /** Whether close or join was called (for tests: the scope is closing or closed). */
    boolean isClosed() {
        return closed.get();
    }

    /**
     * Counts a child. The count comes first (RMW), the check of {@code closed} after it: a close that sets
     * {@code closed} and then drops the scope's own count cannot reach 0 while a spawn that saw {@code closed}
     * false is still on its way; a spawn that sees it true takes its count back. A running child of this scope
     * is itself counted, so its spawns never find the count at 0 and are accepted while the scope is closing.
     */
    private void enter() {
        pending.incrementAndGet(); // RMW: one per child
        if (closed.get() && RUNNING_CHILD.get() != this) { // volatile: after the increment, see above
            leave(null);
            throw new IllegalStateException("scope is closed");
        }
    }

    /** Runs {@code body} as this scope's child on the current thread: its spawns count as grandchildren. */
    private <T> T asChild(Supplier<T> body) {
        final Scope outer = RUNNING_CHILD.get();
        RUNNING_CHILD.set(this);
        try {
            return body.get();
        } finally {
            RUNNING_CHILD.set(outer);
        }
    }

    private void arrive() {
        if (!closed.compareAndSet(false, true)) {
            throw new IllegalStateException("scope is already closed");
        }
        leave(null);
    }

    private void leave(Throwable childFailure) {
        if (childFailure != null) {
            fail(childFailure);
        }
        if (pending.decrementAndGet() == 0) { // RMW (release): the children's writes happen before `done`
            Throwable first;
            synchronized (this) {
                first = failure;
            }
            if (first == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(first);
            }
        }
    }

    private void fail(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cancelled && cause instanceof CancellationException) {
            return; // our own cancellation of a sibling, not a failure
        }
        boolean first;
        synchronized (this) {
            first = failure == null;
            if (first) {
                failure = cause;
            } else if (failure != cause) {
                failure.addSuppressed(cause);
            }
        }
        if (first) {
            cancelled = true;
            for (CompletableFuture<?> child : asyncChildren) {
                child.cancel(false);
            }
        }
    }

    private static CancellationException cancellation() {
        return new CancellationException("scope cancelled after a sibling failed");
    }

    /**
     * A Runnable child: skipped once the scope is cancelled; reports its end either way. If its Exec stops before it
     * ran, it fails the scope with a cancellation instead of being handed back (nobody would ever report its end).
     */
    private final class Child implements ExecEntry, WrapsTask {
        private final Runnable work;

        Child(Runnable work) {
            this.work = work;
        }

        @Override
        public Runnable userTask() {
            return work;
        }

        @Override
        public void run() {
            Throwable thrown = null;
            final Scope outer = RUNNING_CHILD.get();
            RUNNING_CHILD.set(Scope.this);
            try {
                if (!cancelled) {
                    work.run();
                }
            } catch (Throwable t) {
                thrown = t;
            } finally {
                RUNNING_CHILD.set(outer);
            }
            leave(thrown);
        }

        @Override
        public Runnable onStop() {
            Exec exec = Exec.current(); // the finishing Exec's thread
            leave(new CancellationException("scope child not run: " + (exec == null ? "its Exec" : exec.name())
                + " was shut down now"));
            return null;
        }

        @Override
        public String toString() {
            return "scope child " + work;
        }
    }
}
