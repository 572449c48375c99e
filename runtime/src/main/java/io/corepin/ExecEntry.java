package io.corepin;

import java.util.List;

/**
 * A run-queue entry of corepin's own (a promise completion, a continuation, a scope child, a yield…) that knows
 * what a stopping Exec does with it, instead of being handed back to the user as if it were their task. Entries that
 * do not implement it are user tasks and are handed back by {@code shutdownNow}. Called on the finishing thread.
 */
interface ExecEntry extends Runnable {
    /** The Exec stopped before this entry ran: complete what waits on it (run it, or cancel its promise). */
    void onStop(List<Runnable> handBack);
}
