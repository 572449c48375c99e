package io.corepin;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A handle that can submit work to an {@link ExecGroup} or an {@link Exec} but cannot stop it (smartpool's shared
 * handle of an {@code OwnedPool}): {@link ExecGroup#submitter()}, {@link Exec#submitter()}. The code that builds the
 * group owns it and closes it; code that is only given a {@code Submitter} can put work on it and nothing else — it
 * has no {@code shutdown}, {@code shutdownNow}, {@code close} or {@code awaitTermination}, and is neither the group nor
 * the Exec (nor an {@code ExecutorService}), so no cast reaches them.
 *
 * <pre>{@code
 * try (ExecGroup group = ExecGroup.builder().build()) {   // the owner: builds and closes
 *     Submitter submit = group.submitter();                // handed to code that only submits
 *     new FlowHandler(submit).start();                     // can execute/spawn/submit, cannot close the group
 * }
 * }</pre>
 *
 * Every method routes exactly as the owner's method of the same name does — the group's balancer and backpressure
 * for un-keyed work, {@link ExecGroup#indexFor(long)} for keys, in per-key order — and throws what it throws (a
 * {@link java.util.concurrent.RejectedExecutionException} once the owner closed it). An Exec's submitter is that of a
 * group of one: every key maps to the Exec, and keyed submissions keep per-key order (through its ring, from the Exec's
 * own thread too, as a group's keyed submits do).
 *
 * <p>{@code trySubmit} is the group's name for a submission that reports a full ring instead of throwing (an Exec's
 * {@link Exec#offer(Runnable)} says more: the room left). {@link #call} is call-and-come-back: the promise belongs to
 * the calling Exec.
 */
public interface Submitter extends Executor {
    /** {@link ExecGroup#execute(Runnable)}; on an Exec's submitter {@link Exec#execute(Runnable)}. */
    @Override
    void execute(Runnable task);

    /** {@link ExecGroup#execute(long, Runnable)}: the key's Exec, in per-key order. */
    void execute(long key, Runnable task);

    /**
     * {@link ExecGroup#trySubmit(Runnable)}: one attempt, never blocking or running the task here.
     *
     * @return {@code false} if the chosen ring had no room
     * @throws java.util.concurrent.RejectedExecutionException if the target is shut down
     */
    boolean trySubmit(Runnable task);

    /** {@link ExecGroup#spawn(AsyncTask)}; returns the task's handle. */
    TaskHandle spawn(AsyncTask task);

    /** {@link ExecGroup#spawn(long, AsyncTask)}; returns the task's handle. */
    TaskHandle spawn(long key, AsyncTask task);

    /** {@link ExecGroup#spawn(Supplier)}. */
    <T> Promise<T> spawn(Supplier<? extends CompletionStage<T>> body);

    /** {@link ExecGroup#spawn(long, Supplier)}. */
    <T> Promise<T> spawn(long key, Supplier<? extends CompletionStage<T>> body);

    /** {@link ExecGroup#submit(Callable)}. */
    <T> Promise<T> submit(Callable<T> work);

    /** {@link ExecGroup#submit(long, Callable)}. */
    <T> Promise<T> submit(long key, Callable<T> work);

    /**
     * Call and come back ({@link Exec#call(Callable)}): runs {@code work} where an un-keyed submit would, and returns
     * a promise owned by the calling Exec (by the target when called from a plain thread), so what is composed on it
     * continues on the caller. A group's submitter hands the result back with one more promise and hop than
     * {@link Exec#call} does.
     */
    <T> Promise<T> call(Callable<T> work);
}
