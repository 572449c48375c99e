package io.corepin.channel;

import io.corepin.Waker;
import java.util.Objects;

/** {@link Channel#bounded(int)} and {@link Channel#unbounded()}: the buffer behind one monitor. */
final class SharedChannel<E> implements Channel<E>, ChannelWaiters<E> {
    private final ChannelBuffer<E> buffer;

    SharedChannel(int capacity) {
        this.buffer = new ChannelBuffer<>(capacity, "channel@" + Integer.toHexString(System.identityHashCode(this)),
            this, null); // checks of stale wakers run on the waiter's own Exec, and take the monitor
    }

    @Override
    public synchronized boolean trySend(E e) {
        return buffer.offer(Objects.requireNonNull(e, "element"));
    }

    @Override
    public synchronized E tryRecv() {
        return buffer.poll();
    }

    @Override
    public synchronized E recv(Waker waker) {
        return buffer.poll(Objects.requireNonNull(waker, "waker"));
    }

    @Override
    public synchronized boolean send(E e, Waker waker) {
        return buffer.offer(Objects.requireNonNull(e, "element"), Objects.requireNonNull(waker, "waker"));
    }

    @Override
    public synchronized void close() {
        buffer.close();
    }

    @Override
    public synchronized boolean isClosed() {
        return buffer.isClosed();
    }

    @Override
    public synchronized boolean isDrained() {
        return buffer.isDrained();
    }

    @Override
    public synchronized int size() {
        return buffer.size();
    }

    @Override
    public synchronized void forget(Waker waker) {
        buffer.forget(waker);
    }

    @Override
    public synchronized void giveBack(E e) {
        buffer.giveBack(e);
    }

    @Override
    public synchronized void expire(Waker waker, ChannelBuffer.Hold hold) {
        buffer.expire(waker, hold);
    }

    @Override
    public synchronized int waiters() {
        return buffer.waiters();
    }

    @Override
    public int capacity() {
        return buffer.capacity;
    }

    @Override
    public String toString() {
        return buffer.name + "{capacity=" + buffer.capacity + '}';
    }
}
