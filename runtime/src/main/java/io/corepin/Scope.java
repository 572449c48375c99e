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
 *   <li>On the first failure the scope cancels the unfinished children, each on its own Exec: a {@code Runnable}
 *       child that has not started is skipped; an async child's promise is cancelled (its body's result is dropped,
 *       a body not yet run never runs); an {@link AsyncTask} child is cancelled through its {@link TaskHandle} (a
 *       poll not yet begun never begins, its {@code onCancel} runs on its Exec).
 *   <li>Happens-before: each child's writes happen before {@code close()} returns (or {@code join()} completes).
 * </ul>
 *
 * <h2>Nursery: the body's failure, and children whose failure is theirs</h2>
 * An exception thrown by the code that opened the scope (its <em>body</em>) cancels the children too, and is what the
 * scope fails with: {@link ExecGroup#scope(Body)} runs the body, then waits for the children, so an exception in the
 * body cancels them, waits for them to stop, and is rethrown with the children's failures suppressed into it.
 * {@code close()} of a try-with-resources block cannot see the block's exception: there, call {@link #fail} in a
 * {@code catch} of the block, or use the body form.
 *
 * <pre>{@code
 * group.scope(scope -> {
 *     scope.spawn(() -> fetch(a));                          // Failure.PROPAGATE: a failure fails the scope
 *     scope.spawn(Scope.Failure.IGNORE, () -> warmCache());  // its failure is its own: logged, not the scope's
 *     validate(input);                                      // throws: both children are cancelled, this is thrown
 * });
 * }</pre>
 *
 * Each child chooses what its failure does ({@link Failure}): {@link Failure#PROPAGATE} (the default, and what every
 * {@code spawn} without a {@code Failure} does) fails the scope and cancels the siblings; {@link Failure#IGNORE}
 * reports the failure where it would be reported without a scope — a {@code Runnable}'s to its Exec's
 * {@link TaskErrorHandler} (and {@link Exec#taskErrors()}), an async child's in its promise, an {@code AsyncTask}'s in
 * its handle (and, as for every failed poll, the error handler) — and the scope goes on. An ignoring child is still
 * waited for, and still cancelled when the scope is.
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
    /** The first failure (or {@link #fail}'s cause); later ones are suppressed into it. Guarded by {@code this}. */
    private Throwable failure;
    /** Set when the count reached 0 and the outcome was read: {@link #failure} is final from then on. Guarded. */
    private boolean finished;
    /** Set on the first failure: children not yet started skip their work. */
    private volatile boolean cancelled;
    /** The scope whose child the current thread is running (a child's own spawns are accepted while closing). */
    private static final ThreadLocal<Scope> RUNNING_CHILD = new ThreadLocal<>();

    Scope(ExecGroup group) {
        this.group = group;
    }

    /**
     * What a child's failure does to its scope, chosen per child as the first argument of {@code spawn}. It is an
     * argument of the spawn rather than a setting of the scope or a wrapper of the work because it belongs to one
     * child, and because every kind of child ({@code Runnable}, async body, {@link AsyncTask}, keyed or not) takes it
     * the same way: each {@code spawn(..)} has a {@code spawn(Failure, ..)} form, and the forms without it propagate.
     */
    public enum Failure {
        /** The child's failure fails the scope and cancels its siblings (smolscale's Nursery; the default). */
        PROPAGATE,
        /**
         * The child's failure is reported as it would be without the scope (error handler, its promise or handle)
         * and does not fail the scope; the child is still waited for and still cancelled with the scope.
         */
        IGNORE
    }

    /**
     * The code of a scope, for {@link ExecGroup#scope(Body)}: spawns the children; an exception it throws cancels them
     * and is the scope's failure.
     *
     * @param <X> what the body may throw (inferred: {@code RuntimeException} for a body that throws nothing checked)
     */
    @FunctionalInterface
    public interface Body<X extends Exception> {
        void run(Scope scope) throws X;
    }

    /** {@link ExecGroup#scope(Body)}: the body, then the wait; the body's exception cancels the children. */
    static <X extends Exception> void run(ExecGroup group, Body<X> body) throws X {
        Objects.requireNonNull(body, "body");
        final Exec exec = Exec.current();
        if (exec != null) { // refused before the body spawns anything: the wait would block this core
            throw new BlockingOperationException("ExecGroup.scope(body)", exec, "the scope's children");
        }
        final Scope scope = new Scope(group);
        try {
            body.run(scope);
        } catch (Throwable t) {
            scope.fail(t); // the body's exception: the children are cancelled and it is the scope's failure
            scope.awaitChildren();
            throw t; // with the children's failures suppressed into it
        }
        scope.close();
    }

    /**
     * Runs {@code child} on one of the group's Execs, as part of this scope; its failure fails the scope
     * ({@link Failure#PROPAGATE}).
     *
     * @throws IllegalStateException if the scope was closed (and the caller is not one of its running children)
     * @throws java.util.concurrent.RejectedExecutionException if the group refused the child (it is not counted)
     */
    public void spawn(Runnable child) {
        spawnChild(child, false, 0, false);
    }

    /**
     * {@link #spawn(Runnable)} with the child's {@link Failure} policy: under {@link Failure#IGNORE} what it throws
     * goes to its Exec's {@link TaskErrorHandler} (counted in {@link Exec#taskErrors()}), not to the scope.
     */
    public void spawn(Failure onFailure, Runnable child) {
        spawnChild(child, false, 0, ignores(onFailure));
    }

    /** {@link #spawn(long, Runnable)} with the child's {@link Failure} policy. */
    public void spawn(Failure onFailure, long key, Runnable child) {
        spawnChild(child, true, key, ignores(onFailure));
    }

    /**
     * Runs {@code child} on the Exec that owns {@code key} in the group (as {@link ExecGroup#execute(long, Runnable)}:
     * the same core for the same key, in the order of the keyed submits), as part of this scope.
     *
     * @throws IllegalStateException if the scope was closed (and the caller is not one of its running children)
     * @throws java.util.concurrent.RejectedExecutionException if the group refused the child (it is not counted)
     */
    public void spawn(long key, Runnable child) {
        spawnChild(child, true, key, false);
    }

    private static boolean ignores(Failure onFailure) {
        return Objects.requireNonNull(onFailure, "onFailure") == Failure.IGNORE;
    }

    private void spawnChild(Runnable child, boolean keyed, long key, boolean ignore) {
        Objects.requireNonNull(child, "child");
        enter();
        try {
            if (keyed) {
                group.execute(key, new Child(child, ignore));
            } else {
                group.execute(new Child(child, ignore)); // the balancer sees the child itself (WrapsTask)
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
        return spawnAsync(child, false, 0, false);
    }

    /** {@link #spawn(Supplier)} with the child's {@link Failure} policy: under IGNORE its failure is its promise's. */
    public <T> Promise<T> spawn(Failure onFailure, Supplier<? extends CompletionStage<T>> child) {
        return spawnAsync(child, false, 0, ignores(onFailure));
    }

    /** {@link #spawn(long, Supplier)} with the child's {@link Failure} policy. */
    public <T> Promise<T> spawn(Failure onFailure, long key, Supplier<? extends CompletionStage<T>> child) {
        return spawnAsync(child, true, key, ignores(onFailure));
    }

    /**
     * Starts {@code child} on one of the group's Execs (as {@link ExecGroup#spawn(AsyncTask)}) and counts it until it
     * ends; a failed poll fails the scope. Cancelling the scope cancels the task through its handle, on its Exec.
     * (Only {@code Runnable} children and async bodies count as running children for spawning while the scope
     * closes; a poll of an {@code AsyncTask} child does not.)
     *
     * @return the task's handle
     * @throws IllegalStateException if the scope was closed (and the caller is not one of its running children), or
     *     the task was already spawned
     * @throws java.util.concurrent.RejectedExecutionException if the group refused the child (it is not counted)
     */
    public TaskHandle spawn(AsyncTask child) {
        return spawnTask(child, false, 0, false);
    }

    /** {@link #spawn(AsyncTask)} on the Exec that owns {@code key} (as {@link ExecGroup#spawn(long, AsyncTask)}). */
    public TaskHandle spawn(long key, AsyncTask child) {
        return spawnTask(child, true, key, false);
    }

    /** {@link #spawn(AsyncTask)} with the child's {@link Failure} policy: under IGNORE its failure is its handle's. */
    public TaskHandle spawn(Failure onFailure, AsyncTask child) {
        return spawnTask(child, false, 0, ignores(onFailure));
    }

    /** {@link #spawn(long, AsyncTask)} with the child's {@link Failure} policy. */
    public TaskHandle spawn(Failure onFailure, long key, AsyncTask child) {
        return spawnTask(child, true, key, ignores(onFailure));
    }

    private TaskHandle spawnTask(AsyncTask child, boolean keyed, long key, boolean ignore) {
        Objects.requireNonNull(child, "child");
        enter();
        final TaskHandle handle;
        try {
            handle = keyed ? group.spawn(key, child) : group.spawn(child);
        } catch (RuntimeException refused) {
            leave(null);
            throw refused;
        }
        final TaskEnd end = (TaskEnd) handle.done(); // cancelling it cancels the task on its Exec
        track(end, end.stopped(), ignore); // counted until the task has stopped there (onCancel done)
        return handle;
    }

    /**
     * Runs {@code child} on the Exec that owns {@code key} in the group (as {@link ExecGroup#spawn(long, Supplier)})
     * and counts it until the stage it returns completes.
     *
     * @return the child's promise (cancelled if a sibling fails first)
     * @throws IllegalStateException if the scope was closed (and the caller is not one of its running children)
     */
    public <T> Promise<T> spawn(long key, Supplier<? extends CompletionStage<T>> child) {
        return spawnAsync(child, true, key, false);
    }

    private <T> Promise<T> spawnAsync(Supplier<? extends CompletionStage<T>> child, boolean keyed, long key,
                                      boolean ignore) {
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
        track(promise, promise, ignore);
        return promise;
    }

    /**
     * Counts an async child, whose outcome is {@code outcome} (what the scope cancels), until {@code finished}
     * completes — the same future for an async body; for an AsyncTask the moment it has stopped on its Exec, which
     * is after its promise when a cancel decided that. The continuation runs on the child's Exec. Added to the set
     * before reading {@code cancelled} (volatile): a failure that set it and walked the set before the add is seen
     * here, and one after finds the child in the set.
     */
    private void track(CompletableFuture<?> outcome, CompletableFuture<?> finished, boolean ignore) {
        asyncChildren.add(outcome);
        if (cancelled) {
            outcome.cancel(false);
        }
        finished.whenComplete((v, t) -> {
            asyncChildren.remove(outcome);
            leave(ignore ? null : failureOf(outcome));
        });
    }

    /** The failure of a completed future, or null. */
    private static Throwable failureOf(CompletableFuture<?> done) {
        try {
            done.getNow(null);
            return null;
        } catch (CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (CancellationException e) {
            return e;
        }
    }

    /**
     * Fails the scope with {@code cause}, as the scope's body does when it throws ({@link ExecGroup#scope(Body)}):
     * the children are cancelled (see the class comment), and {@code close()}/{@code join()} fail with {@code cause}
     * — it becomes the scope's failure, with any child failure recorded before it and every one after it suppressed
     * into it. For a try-with-resources block, whose {@code close()} cannot see the block's exception:
     * {@code try (Scope s = group.scope()) { try { ... } catch (Throwable t) { s.fail(t); throw t; } }}.
     * Any thread; once the scope has finished (its close returned or its join completed) it changes nothing.
     */
    public void fail(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        synchronized (this) {
            if (finished) {
                return;
            }
            final Throwable earlier = failure;
            failure = cause;
            if (earlier != null && earlier != cause) {
                cause.addSuppressed(earlier);
            }
        }
        cancelChildren();
    }

    /** Closes to new children (unless closed) and waits for the children, however they end, without throwing. */
    private void awaitChildren() {
        closeForWaiting();
        boolean interrupted = false;
        while (true) {
            try {
                done.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                break; // the caller reports the failure (close() rethrows the first; the body form its own)
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
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
        awaitChildren();
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
            childFailed(childFailure);
        }
        if (pending.decrementAndGet() == 0) { // RMW (release): the children's writes happen before `done`
            Throwable first;
            synchronized (this) {
                first = failure;
                finished = true; // the outcome is decided: a later fail() changes nothing
            }
            if (first == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(first);
            }
        }
    }

    private void childFailed(Throwable t) {
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
            cancelChildren();
        }
    }

    /** Children not yet started skip their work; async children are cancelled (on their Execs). */
    private void cancelChildren() {
        cancelled = true; // volatile: before the walk (see track)
        for (CompletableFuture<?> child : asyncChildren) {
            child.cancel(false);
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
        /** {@link Failure#IGNORE}: a throw goes to the Exec's error handler instead of the scope. */
        private final boolean ignore;

        Child(Runnable work, boolean ignore) {
            this.work = work;
            this.ignore = ignore;
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
            if (thrown != null && ignore) {
                Exec.current().loop().taskFailed(work, thrown); // as if run without a scope; before the count drops
                thrown = null;
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
