package io.corepin.channel;

import io.corepin.AsyncTask;
import io.corepin.Waker;
import java.util.ArrayDeque;

/**
 * The state of a channel — elements and the wakers of tasks waiting to receive or to send — with no
 * synchronization of its own: {@link LocalChannel} confines it to one thread, {@link SharedChannel} guards it with a
 * lock.
 *
 * <p>Waiters are woken all at once when the state they wait for may have changed (an element arrived, space was
 * freed, the channel closed) and re-check it when polled. That is simple and cannot lose a wake-up even when a
 * registered waker is stale (its task got what it wanted by other means); with many waiters on one channel it costs
 * spurious polls. {@link Waker#wake()} never runs a task inline, so waking under a lock is safe.
 *
 * <p>A waiter whose wait ended by other means (its promise cancelled or timed out, its task finished) leaves the
 * lists: {@link ChannelTasks}' tasks {@link #forget} themselves when they see their promise complete, and a list
 * that reached {@link #pruneAt} is swept of such waiters before it grows (amortized O(1) per registration), so the
 * lists stay bounded by the live waiters even if a waiter is never polled again.
 */
final class ChannelBuffer<E> {
    final int capacity; // Integer.MAX_VALUE: unbounded
    final String name;
    private final ArrayDeque<E> items = new ArrayDeque<>();
    private final ArrayDeque<Waker> receivers = new ArrayDeque<>();
    private final ArrayDeque<Waker> senders = new ArrayDeque<>();
    private boolean closed;
    /** A registration into a list this long sweeps abandoned waiters out first; then twice the survivors. */
    private int pruneAt = PRUNE_MIN;
    private static final int PRUNE_MIN = 16;

    ChannelBuffer(int capacity, String name) {
        this.capacity = capacity;
        this.name = name;
    }

    boolean offer(E e) {
        if (closed) {
            throw new ChannelClosedException(name + " is closed");
        }
        if (items.size() >= capacity) {
            return false;
        }
        items.addLast(e);
        wakeAll(receivers);
        return true;
    }

    boolean offer(E e, Waker waker) {
        if (offer(e)) {
            return true;
        }
        register(senders, waker);
        return false;
    }

    E poll() {
        E e = items.pollFirst();
        if (e != null && !senders.isEmpty()) {
            wakeAll(senders);
        }
        return e;
    }

    E poll(Waker waker) {
        E e = poll();
        if (e == null && !closed) {
            register(receivers, waker);
        }
        return e;
    }

    /** Its receive lost the promise to a cancel after taking {@code e}: {@code e} goes back where it was. */
    void giveBack(E e) {
        items.addFirst(e);
        wakeAll(receivers);
    }

    void forget(Waker waker) {
        receivers.removeFirstOccurrence(waker); // identity: wakers do not override equals (AsyncTask cannot)
        senders.removeFirstOccurrence(waker);
    }

    void close() {
        if (!closed) {
            closed = true;
            wakeAll(receivers);
            wakeAll(senders);
        }
    }

    boolean isClosed() {
        return closed;
    }

    boolean isDrained() {
        return closed && items.isEmpty();
    }

    int size() {
        return items.size();
    }

    int waiters() {
        return receivers.size() + senders.size();
    }

    private void register(ArrayDeque<Waker> waiters, Waker waker) {
        if (waiters.peekLast() == waker) { // a task re-polled without being woken registers once
            return;
        }
        if (waiters.size() >= pruneAt) {
            waiters.removeIf(ChannelBuffer::abandonedWoken);
            pruneAt = Math.max(PRUNE_MIN, 2 * waiters.size());
        }
        waiters.addLast(waker);
    }

    /**
     * Whether a registered waker no longer waits here — its task finished, or it is one of ChannelTasks' waits whose
     * promise is complete — after waking it (so that such a wait, never polled otherwise, sees its promise and ends).
     * {@link AsyncTask#isDone()} is a hint off the owner thread; it only ever turns true, and a stale {@code false}
     * merely keeps the waker until the next sweep.
     */
    private static boolean abandonedWoken(Waker w) {
        if (w instanceof AsyncTask && ((AsyncTask) w).isDone()) {
            return true;
        }
        if (ChannelTasks.isAbandoned(w)) {
            w.wake();
            return true;
        }
        return false;
    }

    private static void wakeAll(ArrayDeque<Waker> waiters) {
        for (Waker w; (w = waiters.pollFirst()) != null; ) {
            w.wake();
        }
    }
}
