package io.corepin.channel;

import io.corepin.Exec;
import io.corepin.Waker;
import java.util.Objects;

/** {@link Channel#local(int)}: the buffer confined to one Exec's thread — plain loads and stores only. */
final class LocalChannel<E> implements Channel<E>, ChannelWaiters<E> {
    private final ChannelBuffer<E> buffer;
    private final Exec owner;

    LocalChannel(int capacity, Exec owner) {
        this.buffer = new ChannelBuffer<>(capacity,
            "local channel@" + Integer.toHexString(System.identityHashCode(this)) + " of " + owner.name(),
            this, owner); // checks of stale wakers run on the owner too: the buffer never leaves its thread
        this.owner = owner;
    }

    private ChannelBuffer<E> buffer() {
        if (!owner.inEventLoop()) {
            throw new IllegalStateException(buffer.name + " used from " + Thread.currentThread().getName()
                + ": a local channel belongs to its Exec's thread (use Channel.bounded for cross-thread use)");
        }
        return buffer;
    }

    @Override
    public boolean trySend(E e) {
        return buffer().offer(Objects.requireNonNull(e, "element"));
    }

    @Override
    public E tryRecv() {
        return buffer().poll();
    }

    @Override
    public E recv(Waker waker) {
        return buffer().poll(Objects.requireNonNull(waker, "waker"));
    }

    @Override
    public boolean send(E e, Waker waker) {
        return buffer().offer(Objects.requireNonNull(e, "element"), Objects.requireNonNull(waker, "waker"));
    }

    @Override
    public void close() {
        buffer().close();
    }

    @Override
    public boolean isClosed() {
        return buffer().isClosed();
    }

    @Override
    public boolean isDrained() {
        return buffer().isDrained();
    }

    @Override
    public int size() {
        return buffer().size();
    }

    @Override
    public void forget(Waker waker) {
        buffer().forget(waker);
    }

    @Override
    public void giveBack(E e) {
        buffer().giveBack(e);
    }

    @Override
    public void expire(Waker waker, ChannelBuffer.Hold hold) {
        buffer().expire(waker, hold);
    }

    @Override
    public int waiters() {
        return buffer().waiters();
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
