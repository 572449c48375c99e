package io.corepin.channel;

import io.corepin.AsyncTask;
import io.corepin.Exec;
import io.corepin.Promise;
import io.corepin.Waker;
import java.util.concurrent.CancellationException;

/**
 * The tasks behind {@link Channel#send(Object)} and {@link Channel#recv()}: poll-style loops completing a promise.
 *
 * <p>Their promise may be completed by someone else first — cancelled (the loser of {@code anyOf}), timed out
 * ({@code orTimeout}), completed by hand. The promise wakes the task then (it is the promise's producer,
 * {@link Promise#Promise(Exec, AsyncTask)}), and failing that the channel's sweep of abandoned waiters does: the task
 * polls again, leaves the channel's waiter lists and ends without taking or sending anything. A receive whose
 * promise is won by a cancel <em>while</em> it takes the element puts the element back at the head of the channel:
 * an element never vanishes into a cancelled promise.
 */
final class ChannelTasks {
    private ChannelTasks() {
    }

    static Exec requireExec(String op) {
        Exec exec = Exec.current();
        if (exec == null) {
            throw new IllegalStateException("Channel." + op + "() returns a promise owned by an Exec; "
                + Thread.currentThread().getName() + " is not an Exec's thread (use Exec.blockOn, or trySend/tryRecv)");
        }
        return exec;
    }

    static <T> Promise<T> completed(Exec exec, T value) {
        Promise<T> p = new Promise<>(exec);
        p.complete(value); // no producer to wake
        return p;
    }

    static <T> Promise<T> failed(Exec exec, Throwable failure) {
        Promise<T> p = new Promise<>(exec);
        p.completeExceptionally(failure); // no producer to wake
        return p;
    }

    static <E> Promise<E> spawnRecv(Exec exec, Channel<E> channel) {
        Recv<E> task = new Recv<>(exec, channel);
        exec.spawn(task);
        return task.promise;
    }

    static <E> Promise<Void> spawnSend(Exec exec, Channel<E> channel, E element) {
        Send<E> task = new Send<>(exec, channel, element);
        exec.spawn(task);
        return task.promise;
    }

    /** Whether {@code w} is one of these waits whose promise is already complete (any thread: a volatile read). */
    static boolean isAbandoned(Waker w) {
        return w instanceof Wait && ((Wait<?, ?>) w).promise.isDone();
    }

    /**
     * A wait on a channel for a promise. It always comes back: every poll either calls the channel with itself as
     * the waker or {@link #leave}s, and so does {@link #onCancel} — so a wake handed to it needs no check
     * ({@link ChannelBuffer}'s wake-one contract).
     */
    abstract static class Wait<E, T> extends AsyncTask {
        final Promise<T> promise;
        final Channel<E> channel;

        Wait(Exec exec, Channel<E> channel) {
            this.promise = new Promise<>(exec, this); // a completion by someone else wakes this task
            this.channel = channel;
        }

        /** The promise was completed by someone else: leave the waiter lists (any stale registration). */
        final void leave() {
            if (channel instanceof ChannelWaiters) {
                ((ChannelWaiters<?>) channel).forget(this);
            }
        }

        @Override
        protected final void onCancel() {
            leave(); // a shared channel outlives this Exec: do not leave a dead waker in it
            promise.completeExceptionally(new CancellationException(what() + " cancelled: Exec shut down now"));
        }

        abstract String what();
    }

    private static final class Recv<E> extends Wait<E, E> {
        Recv(Exec exec, Channel<E> channel) {
            super(exec, channel);
        }

        @Override
        protected boolean poll() {
            if (promise.isDone()) {
                leave(); // cancelled or timed out: stop waiting, leave the element for other receivers
                return true;
            }
            E e = channel.recv(this);
            if (e != null) {
                if (!promise.complete(e)) { // a cancel (from any thread) won the promise while we took e
                    giveBack(e);
                }
                return true;
            }
            if (channel.isDrained()) {
                promise.completeExceptionally(new ChannelClosedException("end of stream: channel closed"));
                return true;
            }
            return false;
        }

        private void giveBack(E e) {
            if (channel instanceof ChannelWaiters) {
                @SuppressWarnings("unchecked")
                ChannelWaiters<E> ours = (ChannelWaiters<E>) channel;
                ours.giveBack(e);
                return;
            }
            boolean back;
            try {
                back = channel.trySend(e); // someone else's Channel: the best it offers is the tail
            } catch (ChannelClosedException closed) {
                back = false;
            }
            if (!back) {
                throw new IllegalStateException("recv on " + channel + " was cancelled after taking " + e
                    + ", and the channel would not take it back");
            }
        }

        @Override
        String what() {
            return "recv";
        }
    }

    private static final class Send<E> extends Wait<E, Void> {
        private final E element;

        Send(Exec exec, Channel<E> channel, E element) {
            super(exec, channel);
            this.element = element;
        }

        @Override
        protected boolean poll() {
            if (promise.isDone()) {
                leave(); // cancelled or timed out: the element is not sent
                return true;
            }
            try {
                if (!channel.send(element, this)) {
                    return false;
                }
                promise.complete(null);
            } catch (ChannelClosedException closed) {
                promise.completeExceptionally(closed);
            }
            return true;
        }

        @Override
        String what() {
            return "send";
        }
    }
}
