package io.corepin;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link CompletionStage} and {@link java.util.concurrent.Future} that belongs to one {@link Exec}: every action
 * registered on it, and on every stage derived from it, runs on that Exec's thread — whoever completes it, whichever
 * thread completes the other stage of a {@code *Both}/{@code *Either} or the inner stage of a {@code thenCompose},
 * whichever thread registers the action, and whether or not the promise is already complete.
 *
 * <ul>
 *   <li><b>The outcome</b> is decided by one compare-and-swap, from any thread, as {@link CompletableFuture}'s:
 *       {@link #complete}, {@link #completeExceptionally} and {@link #cancel} return {@code true} for exactly one
 *       caller, and a {@code cancel} that returned {@code true} means {@link #isCancelled()} and {@link #isDone()}
 *       from then on. Waiters in {@link #get()}/{@link #join()} on other threads wake at once.
 *   <li><b>The actions</b> ({@code thenApply}, {@code thenCombine}, {@code handle}, …) wait in a list that only the
 *       owning Exec touches, and run there: completed on the owner, they run right there (a completion inside an
 *       action runs its own actions after the current one returns, so that chains do not grow the stack); completed
 *       elsewhere, the completion is handed to the owner (one ring enqueue). Registered from another thread, the
 *       registration travels to the owner the same way.
 *   <li><b>Derived stages</b> are Promises of the same Exec, and are themselves the list entries: a continuation
 *       costs one object. {@code *Async} methods without an executor run the action in a later task of the owner;
 *       with an executor, on that executor (their derived stage still belongs to the owner).
 *   <li><b>Waiting on an Exec thread</b> for an incomplete promise ({@link #join()}, {@link #get()},
 *       {@link #get(long, TimeUnit)}) throws {@link BlockingOperationException} at once: it would block a core
 *       (and hang forever when the promise needs that core). Compose instead, or use {@link Exec#call}.
 * </ul>
 * If the Exec stopped, completions and actions still happen — on the thread that completes or registers, one at a
 * time (see {@link Exec#shutdown()}) — rather than being lost.
 *
 * <p><b>Why it extends {@code CompletableFuture} and overrides every stage method.</b> {@code CompletableFuture} runs
 * a dependent on whatever thread completes its source, and relays the inner stage of {@code thenCompose},
 * {@code exceptionallyCompose} and the second source of {@code *Both}/{@code *Either} by completing the dependent
 * directly, bypassing {@code complete()}; no override of {@code complete} can bring those back to the owner. So a
 * Promise keeps only {@code CompletableFuture}'s outcome word (and with it {@code get}, {@code join},
 * {@code isDone}, interop with {@code allOf}/{@code anyOf}) and implements every {@code CompletionStage} method
 * itself; {@link #orTimeout} and {@link #completeOnTimeout} run on the Exec's own timer wheel (no JDK delayer
 * thread). {@link #obtrudeValue} and {@link #obtrudeException} are refused: an outcome
 * that others may have acted on is final. Stages made by {@code CompletableFuture}'s static methods
 * ({@code allOf}, {@code anyOf}) are plain {@code CompletableFuture}s with its placement, not Promises.
 *
 * <p>The high-level way to write a task that waits; {@link AsyncTask} is the low-level, allocation-free one.
 *
 * @param <T> the value type
 */
public class Promise<T> extends CompletableFuture<T> {
    private final Exec exec;
    /**
     * The corepin task that will complete this promise, if any: woken when someone else completes or cancels the
     * promise first, so that it stops (a cancelled spawn does not run its body or keep waiting). Owner thread.
     */
    private AsyncTask producer;

    // Owner-thread state (after the Exec stopped: its late runner's, one thread at a time).
    /** Actions waiting for the outcome, in registration order (each a derived stage). */
    private Promise<?> head;
    private Promise<?> tail;
    /** This promise's link in its source's list of actions (a derived stage is in one list). */
    private Promise<?> nextAction;
    /** The outcome reached the owner: actions registered from now on run at once. */
    private boolean fired;

    // Written by the thread whose compare-and-swap decided the outcome, before the firing is handed to the owner
    // (ring release store, or the same thread); read only by the owner after that.
    private T value;
    private Throwable failure;

    /**
     * An incomplete promise owned by {@code exec}.
     *
     * @throws NullPointerException if exec is null
     */
    public Promise(Exec exec) {
        this.exec = Objects.requireNonNull(exec, "exec");
    }

    /**
     * An incomplete promise owned by {@code exec} that the task {@code producer} is going to complete — an
     * {@link AsyncTask} that waits on something (a channel, say) for it. When the outcome is decided, by anyone and
     * however ({@link #complete}, {@link #completeExceptionally}, {@link #cancel}, {@code orTimeout}), the producer is
     * woken once as the outcome reaches the owner, so that a producer whose promise someone else completed or
     * cancelled sees {@link #isDone()} in its next poll and stops waiting. Its own completion wakes it too, harmlessly
     * (a task that finishes in the poll during which it was woken is not polled again).
     *
     * @throws NullPointerException if exec or producer is null
     */
    public Promise(Exec exec, AsyncTask producer) {
        this(exec);
        this.producer = Objects.requireNonNull(producer, "producer"); // plain: reaches the owner with the promise
    }

    /** The Exec this promise's actions run on. */
    public final Exec exec() {
        return exec;
    }

    // ------------------------------------------------------------------------------------------------ completion

    /** Completes from corepin's own producers (the owner, normally): no producer to stop. */
    final boolean completeOnOwner(T v, Throwable x) {
        return settle(v, x, false);
    }

    @Override
    public boolean complete(T v) {
        return settle(v, null, true);
    }

    @Override
    public boolean completeExceptionally(Throwable x) {
        return settle(null, Objects.requireNonNull(x, "failure"), true);
    }

    /**
     * Cancels the promise (if it was not complete: {@code true} for exactly one caller, as for any completion); if a
     * corepin task was going to complete it (a spawned body, a channel receive), that task stops: a body that has
     * not started never runs, a waiting one stops waiting.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return settle(null, new CancellationException(), true);
    }

    /** Refused: a Promise's outcome, once others may have acted on it, is final. */
    @Override
    public void obtrudeValue(T value) {
        throw new UnsupportedOperationException("obtrudeValue: a Promise's outcome is final (" + this + ")");
    }

    /** Refused: a Promise's outcome, once others may have acted on it, is final. */
    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("obtrudeException: a Promise's outcome is final (" + this + ")");
    }

    @Override
    public Promise<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
        Objects.requireNonNull(supplier, "supplier");
        Objects.requireNonNull(executor, "executor");
        executor.execute(() -> {
            try {
                complete(supplier.get());
            } catch (Throwable t) {
                completeExceptionally(t);
            }
        });
        return this;
    }

    @Override
    public Promise<T> completeAsync(Supplier<? extends T> supplier) {
        return completeAsync(supplier, exec.ownerExecutor());
    }

    /**
     * Completes this promise exceptionally with a {@link TimeoutException} if it is not complete after
     * {@code timeout}, measured on its Exec's clock by its Exec's own timer wheel — not by
     * {@code CompletableFuture}'s JVM-wide delayer thread, which is never started. The timeout fires on the owner
     * (a cancelled {@code recv()} or spawned body waiting for this promise stops there); a completion before the
     * deadline, by anyone, takes the timer out of the wheel at once. A graceful shutdown of the Exec still fires it
     * at its deadline (as a sleep); an Exec that stops first ({@code shutdownNow}, or already terminated) cannot, so
     * the promise fails with a {@link CancellationException} naming the Exec instead of waiting for ever. Nothing
     * happens if the promise is done already.
     *
     * @return this promise
     * @throws IllegalArgumentException naming the value if {@code timeout} is negative
     * @throws NullPointerException if unit is null
     */
    @Override
    public Promise<T> orTimeout(long timeout, TimeUnit unit) {
        PromiseTimeout.start(this, null, true, timeout, unit);
        return this;
    }

    /**
     * Completes this promise with {@code value} if it is not complete after {@code timeout}: as
     * {@link #orTimeout}, on the Exec's own timer wheel.
     *
     * @return this promise
     * @throws IllegalArgumentException naming the value if {@code timeout} is negative
     * @throws NullPointerException if unit is null
     */
    @Override
    public Promise<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
        PromiseTimeout.start(this, value, false, timeout, unit);
        return this;
    }

    /**
     * Any thread: the compare-and-swap decides; the winner records the outcome and has the actions fired on the
     * owner.
     */
    private boolean settle(T v, Throwable x, boolean stopProducer) {
        final boolean won = x == null ? super.complete(v) : super.completeExceptionally(x); // CAS of the outcome
        if (won) {
            value = v; // plain: published to the owner by the hand-off below (or read on this thread)
            failure = x;
            if (exec.isOwnerLoop()) {
                fireOnOwner(stopProducer);
            } else {
                exec.runOnOwner(new Fire(this, stopProducer)); // ring release store publishes value/failure
            }
        }
        return won;
    }

    /** Owner thread: {@code task} will complete this promise; an outside completion or cancel wakes it. */
    final void producedBy(AsyncTask task) {
        producer = task;
    }

    /** Owner: stop the producer if someone else completed the promise, then run (or chain) the actions. */
    final void fireOnOwner(boolean stopProducer) {
        final AsyncTask p = producer;
        producer = null;
        if (stopProducer && p != null) {
            p.wake();
        }
        exec.promiseChain().fire(this);
    }

    /** Owner, from the {@link PromiseChain}: the outcome is here; run the waiting actions in registration order. */
    final void fireActions() {
        fired = true;
        Promise<?> a = head;
        head = null;
        tail = null;
        while (a != null) {
            final Promise<?> next = a.nextAction;
            a.nextAction = null;
            a.onSource(value, failure);
            a = next;
        }
    }

    /** Owner: add a derived stage to the list, or run it at once when the outcome is already here. */
    final void attach(Promise<?> action) {
        if (fired) {
            action.onSource(value, failure);
        } else if (tail == null) {
            head = action;
            tail = action;
        } else {
            tail.nextAction = action;
            tail = action;
        }
    }

    /** A derived stage's reaction to its source's outcome. Owner thread. */
    void onSource(Object sourceValue, Throwable sourceFailure) {
        throw new AssertionError("not a derived stage: " + this);
    }

    /** Any thread: register a derived stage on this promise, on the owner. */
    private <U> Promise<U> register(Derived<U> action) {
        if (exec.isOwnerLoop()) {
            action.attachNow();
        } else {
            exec.runOnOwner(action); // the derived stage is its own registration entry
        }
        return action;
    }

    /** The failure a derived stage completes with: {@code CompletableFuture}'s wrapping. */
    static CompletionException wrap(Throwable x) {
        return x instanceof CompletionException ? (CompletionException) x : new CompletionException(x);
    }

    // ------------------------------------------------------------------------------------------------ waiting

    /** @throws BlockingOperationException on an Exec's thread while incomplete (see the class comment) */
    @Override
    public T join() {
        if (!isDone()) {
            refuseToBlock("join()");
        }
        return super.join();
    }

    /** @throws BlockingOperationException on an Exec's thread while incomplete (see the class comment) */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone()) {
            refuseToBlock("get()");
        }
        return super.get();
    }

    /** @throws BlockingOperationException on an Exec's thread while incomplete (see the class comment) */
    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone()) {
            refuseToBlock("get(" + timeout + " " + unit + ")");
        }
        return super.get(timeout, unit);
    }

    private void refuseToBlock(String call) {
        final Exec here = Exec.current();
        if (here != null) {
            throw new BlockingOperationException(call, here, "an incomplete promise of " + exec.name()
                + (here == exec ? " (which only this thread can complete)" : ""));
        }
    }

    // ------------------------------------------------------------------------------------------------ stages

    /** The executor marker of {@code *Async} methods without an executor: a later task of the owner. */
    static final Executor OWNER = command -> {
        throw new AssertionError("marker only");
    };

    private static Executor async(Executor e) {
        return Objects.requireNonNull(e, "executor");
    }

    @Override
    public <U> Promise<U> thenApply(Function<? super T, ? extends U> fn) {
        return register(new Then<>(this, Then.APPLY, fn, null));
    }

    @Override
    public <U> Promise<U> thenApplyAsync(Function<? super T, ? extends U> fn) {
        return register(new Then<>(this, Then.APPLY, fn, OWNER));
    }

    @Override
    public <U> Promise<U> thenApplyAsync(Function<? super T, ? extends U> fn, Executor executor) {
        return register(new Then<>(this, Then.APPLY, fn, async(executor)));
    }

    @Override
    public Promise<Void> thenAccept(Consumer<? super T> action) {
        return register(new Then<>(this, Then.ACCEPT, action, null));
    }

    @Override
    public Promise<Void> thenAcceptAsync(Consumer<? super T> action) {
        return register(new Then<>(this, Then.ACCEPT, action, OWNER));
    }

    @Override
    public Promise<Void> thenAcceptAsync(Consumer<? super T> action, Executor executor) {
        return register(new Then<>(this, Then.ACCEPT, action, async(executor)));
    }

    @Override
    public Promise<Void> thenRun(Runnable action) {
        return register(new Then<>(this, Then.RUN, action, null));
    }

    @Override
    public Promise<Void> thenRunAsync(Runnable action) {
        return register(new Then<>(this, Then.RUN, action, OWNER));
    }

    @Override
    public Promise<Void> thenRunAsync(Runnable action, Executor executor) {
        return register(new Then<>(this, Then.RUN, action, async(executor)));
    }

    @Override
    public <U> Promise<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return register(new Then<>(this, Then.HANDLE, fn, null));
    }

    @Override
    public <U> Promise<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) {
        return register(new Then<>(this, Then.HANDLE, fn, OWNER));
    }

    @Override
    public <U> Promise<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn, Executor executor) {
        return register(new Then<>(this, Then.HANDLE, fn, async(executor)));
    }

    @Override
    public Promise<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return register(new Then<>(this, Then.WHEN, action, null));
    }

    @Override
    public Promise<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) {
        return register(new Then<>(this, Then.WHEN, action, OWNER));
    }

    @Override
    public Promise<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action, Executor executor) {
        return register(new Then<>(this, Then.WHEN, action, async(executor)));
    }

    @Override
    public Promise<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return register(new Then<>(this, Then.EXCEPTIONALLY, fn, null));
    }

    @Override
    public Promise<T> exceptionallyAsync(Function<Throwable, ? extends T> fn) {
        return register(new Then<>(this, Then.EXCEPTIONALLY, fn, OWNER));
    }

    @Override
    public Promise<T> exceptionallyAsync(Function<Throwable, ? extends T> fn, Executor executor) {
        return register(new Then<>(this, Then.EXCEPTIONALLY, fn, async(executor)));
    }

    @Override
    public <U> Promise<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return register(new Then<>(this, Then.COMPOSE, fn, null));
    }

    @Override
    public <U> Promise<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) {
        return register(new Then<>(this, Then.COMPOSE, fn, OWNER));
    }

    @Override
    public <U> Promise<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn, Executor executor) {
        return register(new Then<>(this, Then.COMPOSE, fn, async(executor)));
    }

    @Override
    public Promise<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return register(new Then<>(this, Then.EXCEPTIONALLY_COMPOSE, fn, null));
    }

    @Override
    public Promise<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return register(new Then<>(this, Then.EXCEPTIONALLY_COMPOSE, fn, OWNER));
    }

    @Override
    public Promise<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn,
                                                Executor executor) {
        return register(new Then<>(this, Then.EXCEPTIONALLY_COMPOSE, fn, async(executor)));
    }

    @Override
    public <U, V> Promise<V> thenCombine(CompletionStage<? extends U> other,
                                         BiFunction<? super T, ? super U, ? extends V> fn) {
        return register(new Both<>(this, Both.COMBINE, other, fn, null));
    }

    @Override
    public <U, V> Promise<V> thenCombineAsync(CompletionStage<? extends U> other,
                                              BiFunction<? super T, ? super U, ? extends V> fn) {
        return register(new Both<>(this, Both.COMBINE, other, fn, OWNER));
    }

    @Override
    public <U, V> Promise<V> thenCombineAsync(CompletionStage<? extends U> other,
                                              BiFunction<? super T, ? super U, ? extends V> fn, Executor executor) {
        return register(new Both<>(this, Both.COMBINE, other, fn, async(executor)));
    }

    @Override
    public <U> Promise<Void> thenAcceptBoth(CompletionStage<? extends U> other,
                                            BiConsumer<? super T, ? super U> action) {
        return register(new Both<>(this, Both.ACCEPT_BOTH, other, action, null));
    }

    @Override
    public <U> Promise<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
                                                 BiConsumer<? super T, ? super U> action) {
        return register(new Both<>(this, Both.ACCEPT_BOTH, other, action, OWNER));
    }

    @Override
    public <U> Promise<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
                                                 BiConsumer<? super T, ? super U> action, Executor executor) {
        return register(new Both<>(this, Both.ACCEPT_BOTH, other, action, async(executor)));
    }

    @Override
    public Promise<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return register(new Both<>(this, Both.RUN_BOTH, other, action, null));
    }

    @Override
    public Promise<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action) {
        return register(new Both<>(this, Both.RUN_BOTH, other, action, OWNER));
    }

    @Override
    public Promise<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action, Executor executor) {
        return register(new Both<>(this, Both.RUN_BOTH, other, action, async(executor)));
    }

    @Override
    public <U> Promise<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return register(new Both<>(this, Both.APPLY_EITHER, other, fn, null));
    }

    @Override
    public <U> Promise<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return register(new Both<>(this, Both.APPLY_EITHER, other, fn, OWNER));
    }

    @Override
    public <U> Promise<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn,
                                             Executor executor) {
        return register(new Both<>(this, Both.APPLY_EITHER, other, fn, async(executor)));
    }

    @Override
    public Promise<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return register(new Both<>(this, Both.ACCEPT_EITHER, other, action, null));
    }

    @Override
    public Promise<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return register(new Both<>(this, Both.ACCEPT_EITHER, other, action, OWNER));
    }

    @Override
    public Promise<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action,
                                           Executor executor) {
        return register(new Both<>(this, Both.ACCEPT_EITHER, other, action, async(executor)));
    }

    @Override
    public Promise<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return register(new Both<>(this, Both.RUN_EITHER, other, action, null));
    }

    @Override
    public Promise<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action) {
        return register(new Both<>(this, Both.RUN_EITHER, other, action, OWNER));
    }

    @Override
    public Promise<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action, Executor executor) {
        return register(new Both<>(this, Both.RUN_EITHER, other, action, async(executor)));
    }

    /** A derived stage completed as this one is (same Exec). */
    @Override
    public Promise<T> copy() {
        return register(new Then<>(this, Then.WHEN, (BiConsumer<T, Throwable>) (v, x) -> { }, null));
    }

    /** A derived stage (same Exec); a Promise is already no more than a stage plus its Future side. */
    @Override
    public CompletionStage<T> minimalCompletionStage() {
        return copy();
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new Promise<>(exec);
    }

    /** The owning Exec (never rejecting: see the class comment). */
    @Override
    public Executor defaultExecutor() {
        return exec.ownerExecutor();
    }

    @Override
    public String toString() {
        final String s = super.toString();
        return "Promise@" + exec.name() + s.substring(s.indexOf('['));
    }

    // ------------------------------------------------------------------------------------------------ entries

    /**
     * A completion decided off the owner, on its way there. On a stopped Exec it fires on the late runner (see
     * {@link Exec#runLate}), so that the actions still run once.
     */
    private static final class Fire implements ExecEntry {
        private final Promise<?> promise;
        private final boolean stopProducer;

        Fire(Promise<?> promise, boolean stopProducer) {
            this.promise = promise;
            this.stopProducer = stopProducer;
        }

        @Override
        public void run() {
            promise.fireOnOwner(stopProducer);
        }

        @Override
        public Runnable onStop() {
            promise.exec.runLate(this);
            return null;
        }

        @Override
        public String toString() {
            return "completion of " + promise;
        }
    }

    /**
     * A derived stage: also the entry that carries its registration to the owner (when registered from another
     * thread) and, for {@code *Async} actions on the owner, the later task that runs the action.
     */
    abstract static class Derived<U> extends Promise<U> implements ExecEntry {
        private static final int REGISTER = 0;
        private static final int WAITING = 1;
        private static final int RUN_ACTION = 2;

        final Executor executor; // null: run the action inline; OWNER: a later owner task; else that executor
        private int phase;       // owner (and the action's executor, after the hand-off)

        Derived(Exec exec, Executor executor) {
            super(exec);
            this.executor = executor;
        }

        /** Owner: register on the source(s). */
        final void attachNow() {
            phase = WAITING;
            attachToSources();
        }

        abstract void attachToSources();

        /** The action, with the outcome(s) it waits for; completes this stage. On the action's thread. */
        abstract void runAction();

        /** Owner: the outcome(s) are here: run the action inline, or hand it to its executor. */
        final void actionReady() {
            if (isDone()) {
                return; // cancelled (or completed by hand) before its action ran: the action does not run
            }
            if (executor == null) {
                runAction();
                return;
            }
            phase = RUN_ACTION;
            if (executor == OWNER) {
                exec().runOnOwner(this); // plain: owner-thread queue
                return;
            }
            try {
                executor.execute(this);
            } catch (Throwable rejected) {
                completeOnOwner(null, wrap(rejected));
            }
        }

        @Override
        public final void run() {
            if (phase == REGISTER) {
                attachNow();
            } else if (phase == RUN_ACTION) {
                phase = WAITING;
                if (!isDone()) {
                    runAction();
                }
            }
        }

        /** The Exec stopped: a registration still happens (late); an action not yet run is cancelled. */
        @Override
        public final Runnable onStop() {
            if (phase == REGISTER) {
                exec().runLate(this);
            } else {
                completeOnOwner(null, new CancellationException(exec().name() + " was shut down now"));
            }
            return null;
        }

        /** Completes this stage with the outcome of {@code stage} (thenCompose's relay), on this stage's owner. */
        final void relay(CompletionStage<U> stage) {
            if (stage == null) {
                completeOnOwner(null, wrap(new NullPointerException("the function returned a null stage")));
                return;
            }
            stage.whenComplete((v, x) -> completeOnOwner(v, x == null ? null : wrap(x)));
        }
    }

    /** The single-source stages. */
    static final class Then<S, U> extends Derived<U> {
        static final int APPLY = 0;
        static final int ACCEPT = 1;
        static final int RUN = 2;
        static final int HANDLE = 3;
        static final int WHEN = 4;
        static final int EXCEPTIONALLY = 5;
        static final int COMPOSE = 6;
        static final int EXCEPTIONALLY_COMPOSE = 7;

        private Promise<S> source; // dropped once attached, so that a finished chain can be collected
        private final int kind;
        private Object fn; // dropped once it ran
        private Object sourceValue;
        private Throwable sourceFailure;

        Then(Promise<S> source, int kind, Object fn, Executor executor) {
            super(source.exec(), executor);
            this.source = source;
            this.kind = kind;
            this.fn = Objects.requireNonNull(fn, "action");
        }

        @Override
        void attachToSources() {
            final Promise<S> s = source;
            source = null;
            s.attach(this);
        }

        @Override
        void onSource(Object v, Throwable x) {
            sourceValue = v;
            sourceFailure = x;
            actionReady();
        }

        @Override
        @SuppressWarnings("unchecked")
        void runAction() {
            final Object f = fn;
            fn = null;
            final S v = (S) sourceValue;
            final Throwable x = sourceFailure;
            sourceValue = null;
            sourceFailure = null;
            try {
                switch (kind) {
                    case APPLY:
                        if (x == null) {
                            completeOnOwner(((Function<? super S, ? extends U>) f).apply(v), null);
                        } else {
                            completeOnOwner(null, wrap(x));
                        }
                        return;
                    case ACCEPT:
                        if (x == null) {
                            ((Consumer<? super S>) f).accept(v);
                            completeOnOwner(null, null);
                        } else {
                            completeOnOwner(null, wrap(x));
                        }
                        return;
                    case RUN:
                        if (x == null) {
                            ((Runnable) f).run();
                            completeOnOwner(null, null);
                        } else {
                            completeOnOwner(null, wrap(x));
                        }
                        return;
                    case HANDLE:
                        completeOnOwner(((BiFunction<? super S, Throwable, ? extends U>) f).apply(v, x), null);
                        return;
                    case WHEN:
                        runWhenComplete((BiConsumer<? super S, ? super Throwable>) f, v, x);
                        return;
                    case EXCEPTIONALLY:
                        if (x == null) {
                            completeOnOwner((U) v, null);
                        } else {
                            completeOnOwner(((Function<Throwable, ? extends U>) f).apply(x), null);
                        }
                        return;
                    case COMPOSE:
                        if (x == null) {
                            relay(((Function<? super S, ? extends CompletionStage<U>>) f).apply(v));
                        } else {
                            completeOnOwner(null, wrap(x));
                        }
                        return;
                    case EXCEPTIONALLY_COMPOSE:
                        if (x == null) {
                            completeOnOwner((U) v, null);
                        } else {
                            relay(((Function<Throwable, ? extends CompletionStage<U>>) f).apply(x));
                        }
                        return;
                    default:
                        throw new AssertionError(kind);
                }
            } catch (Throwable thrown) {
                completeOnOwner(null, wrap(thrown));
            }
        }

        /** whenComplete: the source's outcome passes through; an action that throws fails a successful one. */
        @SuppressWarnings("unchecked")
        private void runWhenComplete(BiConsumer<? super S, ? super Throwable> action, S v, Throwable x) {
            try {
                action.accept(v, x);
            } catch (Throwable thrown) {
                if (x == null) {
                    completeOnOwner(null, wrap(thrown));
                    return;
                }
                if (x != thrown) {
                    x.addSuppressed(thrown);
                }
            }
            completeOnOwner((U) v, x == null ? null : wrap(x));
        }
    }

    /** The two-source stages: {@code *Both} wait for both outcomes, {@code *Either} take the first. */
    static final class Both<S, O, U> extends Derived<U> {
        static final int COMBINE = 0;
        static final int ACCEPT_BOTH = 1;
        static final int RUN_BOTH = 2;
        static final int APPLY_EITHER = 3;
        static final int ACCEPT_EITHER = 4;
        static final int RUN_EITHER = 5;

        private Promise<S> source;                 // dropped once attached
        private CompletionStage<? extends O> other; // dropped once attached
        private final int kind;
        private Object fn;
        // Owner-thread state.
        private boolean sourceDone;
        private boolean otherDone;
        private boolean decided;
        private Object v1;
        private Throwable x1;
        private Object v2;
        private Throwable x2;

        Both(Promise<S> source, int kind, CompletionStage<? extends O> other, Object fn, Executor executor) {
            super(source.exec(), executor);
            this.source = source;
            this.kind = kind;
            this.other = Objects.requireNonNull(other, "other");
            this.fn = Objects.requireNonNull(fn, "action");
        }

        @Override
        void attachToSources() {
            final Promise<S> s = source;
            final CompletionStage<? extends O> o = other;
            source = null;
            other = null;
            s.attach(this);
            if (o instanceof Promise && ((Promise<?>) o).exec() == exec()) {
                ((Promise<?>) o).attach(new OtherSide(this)); // same owner: straight into its list
            } else {
                o.whenComplete(this::otherArrived); // another Exec or thread: hops back here
            }
        }

        /** The other stage completed, on whatever thread completed it. */
        private void otherArrived(Object v, Throwable x) {
            if (exec().isOwnerLoop()) {
                onOther(v, x);
            } else {
                exec().runOnOwner(new OtherOutcome(this, v, x));
            }
        }

        @Override
        void onSource(Object v, Throwable x) {
            sourceDone = true;
            v1 = v;
            x1 = x;
            ready();
        }

        void onOther(Object v, Throwable x) {
            otherDone = true;
            v2 = v;
            x2 = x;
            ready();
        }

        private void ready() {
            if (decided) {
                return;
            }
            final boolean either = kind >= APPLY_EITHER;
            if (either ? (sourceDone || otherDone) : (sourceDone && otherDone)) {
                decided = true;
                actionReady();
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        void runAction() {
            final Object f = fn;
            fn = null;
            final boolean fromSource = sourceDone; // for *Either: the stage that decided (the source if both)
            try {
                if (kind < APPLY_EITHER) {
                    final Throwable x = x1 != null ? x1 : x2;
                    if (x != null) {
                        completeOnOwner(null, wrap(x));
                    } else if (kind == COMBINE) {
                        completeOnOwner(((BiFunction<Object, Object, ? extends U>) f).apply(v1, v2), null);
                    } else if (kind == ACCEPT_BOTH) {
                        ((BiConsumer<Object, Object>) f).accept(v1, v2);
                        completeOnOwner(null, null);
                    } else {
                        ((Runnable) f).run();
                        completeOnOwner(null, null);
                    }
                    return;
                }
                final Object v = fromSource ? v1 : v2;
                final Throwable x = fromSource ? x1 : x2;
                if (x != null) {
                    completeOnOwner(null, wrap(x));
                } else if (kind == APPLY_EITHER) {
                    completeOnOwner(((Function<Object, U>) f).apply(v), null);
                } else if (kind == ACCEPT_EITHER) {
                    ((Consumer<Object>) f).accept(v);
                    completeOnOwner(null, null);
                } else {
                    ((Runnable) f).run();
                    completeOnOwner(null, null);
                }
            } catch (Throwable thrown) {
                completeOnOwner(null, wrap(thrown));
            } finally {
                v1 = null;
                v2 = null;
            }
        }
    }

    /** The other stage of a {@link Both} when it is a Promise of the same Exec: an entry in its list. */
    private static final class OtherSide extends Promise<Void> {
        private final Both<?, ?, ?> both;

        OtherSide(Both<?, ?, ?> both) {
            super(both.exec());
            this.both = both;
        }

        @Override
        void onSource(Object v, Throwable x) {
            both.onOther(v, x);
        }
    }

    /** The other stage of a {@link Both} completed elsewhere: its outcome on the way to the owner. */
    private static final class OtherOutcome implements ExecEntry {
        private final Both<?, ?, ?> both;
        private final Object value;
        private final Throwable failure;

        OtherOutcome(Both<?, ?, ?> both, Object value, Throwable failure) {
            this.both = both;
            this.value = value;
            this.failure = failure;
        }

        @Override
        public void run() {
            both.onOther(value, failure);
        }

        @Override
        public Runnable onStop() {
            both.exec().runLate(this);
            return null;
        }
    }
}
