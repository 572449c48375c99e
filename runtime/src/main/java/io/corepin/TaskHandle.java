package io.corepin;

/**
 * What {@link Exec#spawn(AsyncTask)} and {@link ExecGroup#spawn(AsyncTask)} return: a way to wait for a spawned
 * {@link AsyncTask} and to cancel it, from any thread.
 *
 * <pre>{@code
 * TaskHandle h = group.spawn(new Sum(channel));
 * h.done().thenRun(() -> log("sum finished"));   // runs on the task's Exec
 * h.cancel();                                      // from anywhere: onCancel runs on the task's Exec, once
 * }</pre>
 *
 * <ul>
 *   <li><b>The end</b> of the task is {@link #done()}'s outcome: {@code null} when its {@code poll()} returned
 *       {@code true}; the throwable when a poll threw (the Exec's {@link TaskErrorHandler} hears of it too); a
 *       {@link java.util.concurrent.CancellationException} when it was cancelled — by {@link #cancel()},
 *       {@link Exec#shutdownNow()}, or a closing lane that does not complete on close.
 *   <li><b>Cancelling</b> is deciding that outcome first, as for any {@link Promise}: {@link #cancel()} (like
 *       {@code done().cancel(..)}, {@code done().completeExceptionally(..)}, {@code done().orTimeout(..)}) returns
 *       {@code true} for the one caller whose compare-and-swap decided it, and the task is then stopped on its own
 *       Exec: a poll that has not begun when the Exec sees the decision never begins, {@link AsyncTask#onCancel()}
 *       runs there once, and the Exec no longer counts the task (a graceful shutdown does not wait for it). A task
 *       that ends on its own while the decision travels to its Exec (a poll in progress returned {@code true}) is not
 *       cancelled again: {@code onCancel} runs only for a task that had not ended. So exactly one of "the task
 *       ended on its own" and "{@code onCancel} ran" happens, whoever wins the race. The promise completes when
 *       the cancel decides it, so its waiters may wake before {@code onCancel} has run on the Exec; a {@link Scope}
 *       counts an {@code AsyncTask} child until it has stopped there.
 *   <li><b>Cost</b>: the handle is the task's own run-queue entry, made with the task: a spawn allocates nothing for
 *       it, and a handle nobody asks for costs the Exec one load (a plain {@code mov} on x86, no fence, no atomic
 *       instruction) per poll and one at the task's end, plus a release store of the end. The first
 *       {@link #done()} (or {@link #cancel()}) makes one {@link Promise} — the same one for every later call — and,
 *       from a thread other than the task's Exec, sends it to the Exec once (one ring enqueue) so that it hears of the
 *       end.
 * </ul>
 * Do not cast a handle to anything else: what it is beyond this interface is corepin's.
 */
public interface TaskHandle {
    /** The Exec the task was spawned on (where its polls, its {@code onCancel} and {@link #done()}'s actions run). */
    Exec exec();

    /**
     * A promise of the task's end (see the class comment), owned by the task's Exec; made on the first call, the same
     * one afterwards. Completing or cancelling it from outside before the task ended cancels the task.
     */
    Promise<Void> done();

    /**
     * Cancels the task if it has not ended: {@code done().cancel(false)}. Any thread, any number of times.
     *
     * @return {@code true} if this call decided the outcome (the task is cancelled on its Exec, unless a poll under
     *     way finishes it first); {@code false} if the task had ended or the outcome was already decided
     */
    boolean cancel();

    /**
     * Whether the outcome is decided: the task ended, or {@link #done()} was completed or cancelled. Exact on the
     * task's Exec; elsewhere it may lag a task's end by as long as the store takes to become visible.
     */
    boolean isDone();
}
