package io.corepin.channel;

import io.corepin.AsyncTask;
import io.corepin.Exec;
import io.corepin.Promise;
import io.corepin.Waker;

/**
 * A FIFO channel between tasks, bounded or unbounded. Receiving from an empty channel or sending into a full one
 * suspends the <em>task</em>, never the thread: {@link #recv()} and {@link #send(Object)} return promises, and
 * {@link #recv(Waker)} / {@link #send(Object, Waker)} are the poll-style forms for {@link AsyncTask}s.
 *
 * <p>{@link #close()} ends the stream: waiting senders and receivers are woken, sends fail with
 * {@link ChannelClosedException}, and receivers get the elements already sent and then the end of the stream
 * ({@link #isDrained()}; a {@code recv()} promise completes exceptionally with {@code ChannelClosedException}).
 *
 * <p>Wake-one: an element that arrives wakes one waiting receiver and is handed to it (it no longer takes a slot,
 * so the sender need not wait for that receiver to run); freed room wakes one waiting sender. A wake given to a
 * waiter that no longer uses it — cancelled, finished, or waiting elsewhere now — is passed on to the next waiter,
 * so an element never sits in the channel while a receiver waits (the contract: {@code ChannelBuffer}).
 * {@link #size()} counts buffered elements, not the ones handed to a woken receiver that has not run yet.
 *
 * <p>Two kinds:
 * <ul>
 *   <li>{@link #bounded(int)} / {@link #unbounded()}: usable from any thread and any Exec (a lock per operation).
 *   <li>{@link #local(int)}: both ends on the Exec that created it — no lock, no atomic instruction; any other
 *       thread touching it gets an {@link IllegalStateException}.
 * </ul>
 * Elements must not be null.
 *
 * @param <E> the element type
 */
public interface Channel<E> {

    /**
     * A thread-safe channel holding at most {@code capacity} elements.
     *
     * @throws IllegalArgumentException naming the value if capacity is below 1
     */
    static <E> Channel<E> bounded(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("channel capacity must be >= 1, got " + capacity);
        }
        return new SharedChannel<>(capacity);
    }

    /** A thread-safe channel without a bound (sends never wait). */
    static <E> Channel<E> unbounded() {
        return new SharedChannel<>(Integer.MAX_VALUE);
    }

    /**
     * A channel confined to the calling Exec: no lock, no atomics. {@code capacity <= 0} means unbounded.
     *
     * @throws IllegalStateException if the caller is not on an Exec's thread
     */
    static <E> Channel<E> local(int capacity) {
        Exec exec = Exec.current();
        if (exec == null) {
            throw new IllegalStateException("Channel.local() called on " + Thread.currentThread().getName()
                + ", which is not an Exec's thread");
        }
        return new LocalChannel<>(capacity <= 0 ? Integer.MAX_VALUE : capacity, exec);
    }

    /**
     * Sends without waiting.
     *
     * @return {@code false} if the channel is full
     * @throws ChannelClosedException if the channel is closed
     * @throws NullPointerException if e is null
     */
    boolean trySend(E e);

    /** Receives without waiting: the oldest element, or {@code null} if there is none (see {@link #isDrained()}). */
    E tryRecv();

    /**
     * Poll-style receive: the oldest element, or {@code null} after registering {@code waker} to be woken when an
     * element arrives or the channel closes. {@code null} with {@link #isDrained()} true is the end of the stream.
     */
    E recv(Waker waker);

    /**
     * Poll-style send: {@code true} if {@code e} went in, {@code false} after registering {@code waker} to be woken
     * when there may be room or the channel closes.
     *
     * @throws ChannelClosedException if the channel is closed
     */
    boolean send(E e, Waker waker);

    /** Closes the channel (idempotent) and wakes every waiting sender and receiver. */
    void close();

    /** Whether {@link #close()} was called. */
    boolean isClosed();

    /** Closed and empty: the end of the stream. */
    boolean isDrained();

    /** Elements buffered now. */
    int size();

    /** The bound ({@link Integer#MAX_VALUE} when unbounded). */
    int capacity();

    /**
     * Sends {@code e}, waiting (as a task on the calling Exec) while the channel is full.
     *
     * <p>Cancelling the promise (or {@code orTimeout}) stops the wait: the element is not sent — unless the cancel
     * races the very moment it goes in, when it may be sent although the promise reports the cancel.
     *
     * @return a promise completed when {@code e} is in, or exceptionally with {@link ChannelClosedException} if the
     *     channel is or becomes closed first
     * @throws NullPointerException if e is null
     * @throws IllegalStateException if the caller is not on an Exec's thread
     */
    default Promise<Void> send(E e) {
        Exec exec = ChannelTasks.requireExec("send");
        try {
            if (trySend(e)) {
                return ChannelTasks.completed(exec, null);
            }
        } catch (ChannelClosedException closed) {
            return ChannelTasks.failed(exec, closed); // as documented: the promise fails, the call does not throw
        }
        return ChannelTasks.spawnSend(exec, this, e);
    }

    /**
     * Receives the next element, waiting (as a task on the calling Exec) while the channel is empty.
     *
     * <p>Cancelling the promise (the loser of {@code anyOf}, or {@code orTimeout}) stops the wait and leaves the
     * channel's waiter list; the element it would have received stays in the channel for the next receiver, even
     * when the cancel races the hand-over. An abandoned receive that is never cancelled still takes an element:
     * cancel what you stop waiting for.
     *
     * @return a promise of the element; completed exceptionally with {@link ChannelClosedException} at the end of
     *     the stream
     * @throws IllegalStateException if the caller is not on an Exec's thread
     */
    default Promise<E> recv() {
        Exec exec = ChannelTasks.requireExec("recv");
        E e = tryRecv();
        if (e != null) {
            return ChannelTasks.completed(exec, e);
        }
        return ChannelTasks.spawnRecv(exec, this);
    }
}
