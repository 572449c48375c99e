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

    /**
     * The task {@link #poll()} would return next, without taking it; {@code null} if there is none, or if this source
     * cannot tell (the default). Work balancing ({@code io.corepin.WorkBalancing}) donates un-keyed tasks from the
     * head of a lane only: a lane whose source answers {@code null} here keeps all of its tasks. The FIFO,
     * deadline-first and alternating sources answer it.
     */
    default Runnable peek() {
        return null;
    }

    /**
     * Tasks held now — for a {@linkplain #generates() generator}, tasks it could hand out now. The Exec parks only
     * when every source of its levels answers 0 (asked again after it announced the park), and a graceful close
     * waits until the complete-on-close lanes answer 0; so it must be 0 whenever {@link #poll()} would answer
     * {@code null} (else the Exec spins instead of parking), and above 0 whenever {@code poll()} would not.
     */
    int size();

    /**
     * Whether this source can produce tasks without {@link #offer} (a generator: a poller of a NIC queue, a socket,
     * a simulation that makes work). The Exec polls a generator whenever its level's turn comes, not only after an
     * offer. Default {@code false}; asked once, when the Exec is built.
     *
     * <p><b>The generator contract.</b>
     * <ul>
     *   <li><b>Nothing now:</b> {@link #poll()} returns {@code null} and {@link #size()} 0. While the Exec has other
     *       work it keeps polling the generator every turn; once it has none it parks, and then polls nothing until
     *       it is woken.
     *   <li><b>More later, made on another thread</b> (a download finished, a packet arrived): make it visible to
     *       {@code size()} and {@code poll()} through a thread-safe structure, <em>then</em> run the wake-up the
     *       source was {@link #attach attached} with. The wake-up unparks the Exec if it is parked or about to park
     *       (never lost: the Exec re-checks {@code size()} after announcing its park), and costs the caller a fence
     *       and a load while the Exec is awake.
     *   <li><b>More later, made on the Exec's own thread</b> (at a time, after a task ran): schedule a timer or
     *       submit a task on the Exec; its turn polls the generator.
     *   <li><b>Always something</b> (an endless generator): {@code poll()} never returns {@code null}; the Exec never
     *       idles, lower levels get no turn under highest-first, and a graceful close waits for it forever if its
     *       lane completes on close — put it in a lane with {@code completeOnClose(false)}: a close hands back
     *       what {@code size()} reports it holds and stops polling it.
     * </ul>
     */
    default boolean generates() {
        return false;
    }

    /**
     * Called once, when the Exec that owns this source is built (before its thread starts, so before any other
     * method), with that Exec's wake-up: an action any thread may run to make the Exec, parked or not, take a turn
     * and poll its sources — a {@linkplain #generates() generator}'s way to say it has work again. Keep it where the
     * threads that make the generator's work can read it (a final or volatile field). Default: ignored.
     */
    default void attach(Runnable wakeup) {
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
     * empty ones): a multi-queue lane (smartpool's multi-channel). Each inner source keeps its own order (with
     * deadline-ordered inner sources, deadline order holds per inner source, not across them); its size is the sum
     * of theirs; it generates if any of them does, and passes its {@link #attach wake-up} on to all of them.
     *
     * @throws IllegalArgumentException naming the value if {@code ways < 1}
     */
    static TaskSource alternating(int ways, Supplier<? extends TaskSource> inner) {
        return new AlternatingSource(ways, inner);
    }
}
