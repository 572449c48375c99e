package io.corepin;

import java.util.List;
import java.util.function.Consumer;

/**
 * An Exec's owner-side run queue: where local spawns, local wakes and corepin's own entries wait, and what a turn
 * runs after the inbound side. Two implementations: {@link FifoRunQueue} (the default: one FIFO; entries from the
 * ring run as they are taken) and {@link LevelScheduler} (levels of lanes: entries from the ring are queued in their
 * lane, and the scheduler picks what runs). Owner thread only: plain fields, no atomics.
 */
interface RunQueue {
    /** owner: queue a local spawn, a wake or one of corepin's entries. Plain stores. */
    void add(Runnable entry);

    /**
     * Whether entries taken from the inbound side (ring, backlog, overflow) run as they are taken (FIFO; they count
     * as tasks run) or are {@link #add}ed here first (levels: into their lane).
     */
    boolean runsInbound();

    /**
     * owner: runs up to {@code budget} queued entries with {@code runner} (the FIFO runs only those queued before
     * the call, so a task that respawns itself waits for the next turn).
     *
     * @return how many ran
     */
    int runLocal(Consumer<Runnable> runner, int budget);

    /** owner: nothing queued. */
    boolean isEmpty();

    /** owner: {@code task}'s poll returned "not done" (levels: its next poll goes to the followup lane). */
    void suspended(AsyncTask task, LiveTasks live);

    /** owner: the Exec began a graceful shutdown (levels: lanes that do not complete on close are emptied). */
    void beginClose(LiveTasks live);

    /** owner, finishing: everything still queued, in order, into {@code into} (room was reserved by the caller). */
    void drainForStop(List<Runnable> into);

    /** owner, finishing: how many entries {@link #drainForStop} will add. */
    int size();
}
