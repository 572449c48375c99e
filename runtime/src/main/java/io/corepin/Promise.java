package io.corepin;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link CompletableFuture} that belongs to one {@link Exec}: its continuations run on that Exec's thread.
 *
 * <ul>
 *   <li>Completed on the owning Exec ({@link #complete}, {@link #completeExceptionally}, {@link #cancel}), it runs
 *       the continuations right there, as {@code CompletableFuture} does.
 *   <li>Completed from any other thread, the completion is handed to the owning Exec (one ring enqueue) and happens
 *       there; those methods then return whether the promise was still incomplete when handed over (a completion
 *       racing on the Exec may still win).
 *   <li>A continuation registered from another thread ({@code thenApply}, {@code whenComplete}, …) runs on the
 *       owning Exec even if the promise is already complete; {@code *Async} methods without an executor run there too.
 *   <li>Dependent stages are Promises of the same Exec.
 * </ul>
 * If the Exec has terminated, completions and continuations run on the calling thread rather than being lost.
 *
 * <p>The high-level way to write a task that waits; {@link AsyncTask} is the low-level, allocation-free one. A
 * promise is one object; {@code CompletableFuture}'s own machinery (a CAS per completion and per registered
 * continuation) is the price of the standard API.
 *
 * @param <T> the value type
 */
public class Promise<T> extends CompletableFuture<T> {
    private final Exec exec;
    /** Runs continuations on the owner: local queue there, ring or overflow elsewhere, in place after termination. */
    private final Executor onOwner;
    /**
     * The corepin task that will complete this promise, if any: woken when someone else completes or cancels the
     * promise first, so that it stops (a cancelled spawn does not run its body or keep waiting). Owner thread.
     */
    AsyncTask producer;

    /**
     * An incomplete promise owned by {@code exec}.
     *
     * @throws NullPointerException if exec is null
     */
    public Promise(Exec exec) {
        this.exec = Objects.requireNonNull(exec, "exec");
        this.onOwner = exec.ownerExecutor();
    }

    /** The Exec this promise's continuations run on. */
    public final Exec exec() {
        return exec;
    }

    /** Completes on the owner thread (the caller must be it); package-private fast path for corepin's own tasks. */
    final void completeOnOwner(T value, Throwable failure) {
        if (failure == null) {
            super.complete(value);
        } else {
            super.completeExceptionally(failure);
        }
    }

    @Override
    public boolean complete(T value) {
        if (exec.isOwnerThread()) {
            return stopProducer(super.complete(value));
        }
        boolean pending = !isDone();
        onOwner.execute(() -> stopProducer(super.complete(value)));
        return pending;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        if (exec.isOwnerThread()) {
            return stopProducer(super.completeExceptionally(failure));
        }
        boolean pending = !isDone();
        onOwner.execute(() -> stopProducer(super.completeExceptionally(failure)));
        return pending;
    }

    /**
     * Cancels the promise; if a corepin task was going to complete it (a spawned body, a channel receive), that
     * task stops: a body that has not started never runs, a waiting one stops waiting.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (exec.isOwnerThread()) {
            return stopProducer(super.cancel(mayInterruptIfRunning));
        }
        boolean pending = !isDone();
        onOwner.execute(() -> stopProducer(super.cancel(mayInterruptIfRunning)));
        return pending;
    }

    /** Owner thread: an outside completion won; let the producing task see it and finish. */
    private boolean stopProducer(boolean completedNow) {
        final AsyncTask p = producer;
        if (completedNow && p != null) {
            producer = null;
            p.wake();
        }
        return completedNow;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new Promise<>(exec);
    }

    /** The owning Exec (never rejecting: see the class comment), used by the {@code *Async} methods. */
    @Override
    public Executor defaultExecutor() {
        return onOwner;
    }

    @Override
    public String toString() {
        return "Promise@" + exec.name() + super.toString().substring(super.toString().indexOf('['));
    }

    // Continuations registered off the owner go through the owner's executor, so that they never run on the
    // registering thread even when this promise is already complete.

    private boolean onOwnerThread() {
        return exec.isOwnerThread();
    }

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return onOwnerThread() ? super.thenApply(fn) : super.thenApplyAsync(fn, onOwner);
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return onOwnerThread() ? super.thenAccept(action) : super.thenAcceptAsync(action, onOwner);
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return onOwnerThread() ? super.thenRun(action) : super.thenRunAsync(action, onOwner);
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
                                                    BiFunction<? super T, ? super U, ? extends V> fn) {
        return onOwnerThread() ? super.thenCombine(other, fn) : super.thenCombineAsync(other, fn, onOwner);
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
                                                      BiConsumer<? super T, ? super U> action) {
        return onOwnerThread() ? super.thenAcceptBoth(other, action)
            : super.thenAcceptBothAsync(other, action, onOwner);
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return onOwnerThread() ? super.runAfterBoth(other, action) : super.runAfterBothAsync(other, action, onOwner);
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return onOwnerThread() ? super.applyToEither(other, fn) : super.applyToEitherAsync(other, fn, onOwner);
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return onOwnerThread() ? super.acceptEither(other, action) : super.acceptEitherAsync(other, action, onOwner);
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return onOwnerThread() ? super.runAfterEither(other, action)
            : super.runAfterEitherAsync(other, action, onOwner);
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return onOwnerThread() ? super.thenCompose(fn) : super.thenComposeAsync(fn, onOwner);
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return onOwnerThread() ? super.handle(fn) : super.handleAsync(fn, onOwner);
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return onOwnerThread() ? super.whenComplete(action) : super.whenCompleteAsync(action, onOwner);
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return onOwnerThread() ? super.exceptionally(fn) : super.exceptionallyAsync(fn, onOwner);
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return onOwnerThread() ? super.exceptionallyCompose(fn) : super.exceptionallyComposeAsync(fn, onOwner);
    }
}
