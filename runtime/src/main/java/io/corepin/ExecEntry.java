package io.corepin;

/**
 * A run-queue entry that is not simply the user's {@code Runnable}: corepin's own entries (a promise completion, a
 * continuation, a scope child, a yield…) and its wrappers of user work (an async task's poll step, a spawn's body,
 * a routed or movable submission, a scheduler's tracked task). Each kind knows what a stopping Exec does with it, so
 * the hand-back is one loop: {@code r instanceof ExecEntry ? ((ExecEntry) r).onStop() : r}. Entries that do not
 * implement it are the user's tasks and are handed back by {@code shutdownNow} as they are.
 */
interface ExecEntry extends Runnable {
    /**
     * The Exec stopped before this entry ran: complete what waits on it (run it late, cancel its promise or its
     * task). Called on the finishing thread.
     *
     * @return the user's task to hand back in this entry's place, or {@code null} when there is none
     */
    Runnable onStop();

    /**
     * Whether this entry must run or stop even once its Exec takes no more work: {@code true} for corepin's own
     * bookkeeping (a completion, a continuation, a registration, a yield, a scope child — dropping one would leave
     * its waiters, possibly a task the close waits for, hanging). So a graceful close of
     * {@link io.corepin.levels.Levels} keeps it whatever its lane, and after termination a late waker stops it on its
     * own thread
     * ({@link Inbound#drainLate}). {@code false} for wrappers of user work (an async task's poll, a spawn's body, a
     * routed or movable submission): a closing lane drops them, and a late one is not stopped by the waker — the
     * owner's finish cancels or hands back that work itself.
     */
    default boolean mustComplete() {
        return true;
    }

    /** What a stop does with any run-queue entry: an entry's {@link #onStop()}, or the user's task itself. */
    static Runnable stop(Runnable entry) {
        return entry instanceof ExecEntry ? ((ExecEntry) entry).onStop() : entry;
    }
}
