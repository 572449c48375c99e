package io.corepin.levels;

import java.util.function.Supplier;

/**
 * Where an Exec with {@link Levels} takes its next task from: a FIFO queue, a shortest-deadline-first queue, a
 * multi-queue, or anything else that can be polled — a poller of a NIC or socket that turns events into tasks
 * ({@link #generates()}). Each Exec owns its own instances (a {@link Lane} holds the factory).
 *
 * <p>Owner thread only: every method is called on the owning Exec's thread, so implementations need no
 * synchronization and should use none.
 */
public interface TaskSource {
    /** Adds a task. {@code deadlineNanos} (a value of the Exec's clock) matters to deadline-ordered sources. */
    void offer(Runnable task, long deadlineNanos);

    /** The next task, or {@code null} if there is none now. */
    Runnable poll();

    /** Tasks held now. */
    int size();

    /**
     * Whether this source can produce tasks without {@link #offer} (a poller): the Exec then polls it whenever its
     * level's turn comes instead of only after an offer. Default {@code false}.
     */
    default boolean generates() {
        return false;
    }

    /** A FIFO queue (ignores deadlines). */
    static TaskSource fifo() {
        return new FifoSource();
    }

    /** Shortest deadline first: the task with the earliest deadline is polled first; equal deadlines stay FIFO. */
    static TaskSource shortestDeadlineFirst() {
        return new DeadlineSource();
    }

    /**
     * {@code ways} inner sources used in rotation: offers go to them in turn, polls take from them in turn (skipping
     * empty ones): a multi-queue lane (smartpool's multi-channel).
     *
     * @throws IllegalArgumentException naming the value if {@code ways < 1}
     */
    static TaskSource alternating(int ways, Supplier<? extends TaskSource> inner) {
        return new AlternatingSource(ways, inner);
    }
}
