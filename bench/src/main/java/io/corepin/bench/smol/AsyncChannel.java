package io.corepin.bench.smol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A small bounded multi-producer multi-consumer channel with {@link CompletableFuture} ends, as a Java developer
 * would write one for executors that have no channel of their own (ForkJoinPool, ThreadPoolExecutor, Netty): a
 * monitor around a buffer and two FIFO queues of waiters. {@link #send} on a full channel and {@link #recv} on an
 * empty one return an incomplete future instead of blocking a thread. Futures are completed outside the monitor,
 * by the thread that made progress possible; a task resumes on its own executor by attaching its continuation
 * with {@code whenCompleteAsync(.., home)} when the future is not done yet (see {@link AsyncLoops}).
 *
 * @param <E> element type, not null
 */
final class AsyncChannel<E> {
    private static final CompletableFuture<Void> ACCEPTED = CompletableFuture.completedFuture(null);

    private final int capacity;
    private final ArrayDeque<E> buffer;
    private final ArrayDeque<CompletableFuture<E>> receivers = new ArrayDeque<>();
    private final ArrayDeque<PendingSend<E>> senders = new ArrayDeque<>();
    private boolean closed;

    /** A send waiting for room. */
    private static final class PendingSend<E> {
        final E element;
        final CompletableFuture<Void> accepted = new CompletableFuture<>();

        PendingSend(E element) {
            this.element = element;
        }
    }

    AsyncChannel(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.capacity = capacity;
        this.buffer = new ArrayDeque<>(capacity);
    }

    /** Completes when {@code e} is buffered or handed to a receiver; exceptionally if the channel is closed. */
    CompletableFuture<Void> send(E e) {
        CompletableFuture<E> receiver;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new ChannelClosed());
            }
            receiver = receivers.poll();
            if (receiver == null) {
                if (buffer.size() < capacity) {
                    buffer.add(e);
                    return ACCEPTED;
                }
                PendingSend<E> p = new PendingSend<>(e);
                senders.add(p);
                return p.accepted;
            }
        }
        receiver.complete(e); // outside the monitor: completing runs the receiver's non-async continuations
        return ACCEPTED;
    }

    /** Completes with the next element; exceptionally with {@link ChannelClosed} once closed and drained. */
    CompletableFuture<E> recv() {
        E e;
        PendingSend<E> unblocked;
        synchronized (this) {
            e = buffer.poll();
            if (e == null) {
                if (closed) {
                    return CompletableFuture.failedFuture(new ChannelClosed());
                }
                CompletableFuture<E> waiter = new CompletableFuture<>();
                receivers.add(waiter);
                return waiter;
            }
            unblocked = senders.poll(); // room was made: the oldest waiting send gets it
            if (unblocked != null) {
                buffer.add(unblocked.element);
            }
        }
        if (unblocked != null) {
            unblocked.accepted.complete(null);
        }
        return CompletableFuture.completedFuture(e);
    }

    /** Ends the stream: waiting receivers and senders fail with {@link ChannelClosed}; buffered elements remain. */
    void close() {
        List<CompletableFuture<?>> waiters = new ArrayList<>();
        synchronized (this) {
            closed = true;
            waiters.addAll(receivers);
            receivers.clear();
            for (PendingSend<E> p : senders) {
                waiters.add(p.accepted);
            }
            senders.clear();
        }
        for (CompletableFuture<?> w : waiters) {
            w.completeExceptionally(new ChannelClosed());
        }
    }
}
