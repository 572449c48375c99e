package io.corepin;

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
 */
final class ChannelBuffer<E> {
    final int capacity; // Integer.MAX_VALUE: unbounded
    final String name;
    private final ArrayDeque<E> items = new ArrayDeque<>();
    private final ArrayDeque<Waker> receivers = new ArrayDeque<>();
    private final ArrayDeque<Waker> senders = new ArrayDeque<>();
    private boolean closed;

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

    private static void register(ArrayDeque<Waker> waiters, Waker waker) {
        if (waiters.peekLast() != waker) { // a task re-polled without being woken registers once
            waiters.addLast(waker);
        }
    }

    private static void wakeAll(ArrayDeque<Waker> waiters) {
        for (Waker w; (w = waiters.pollFirst()) != null; ) {
            w.wake();
        }
    }
}
