package io.corepin;

import java.util.concurrent.CancellationException;

/** The tasks behind {@link Channel#send(Object)} and {@link Channel#recv()}: poll-style loops completing a promise. */
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
        p.completeOnOwner(value, null);
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

    private static final class Recv<E> extends AsyncTask {
        final Promise<E> promise;
        private final Channel<E> channel;

        Recv(Exec exec, Channel<E> channel) {
            this.promise = new Promise<>(exec);
            this.promise.producer = this;
            this.channel = channel;
        }

        @Override
        protected boolean poll() {
            if (promise.isDone()) {
                return true; // cancelled: stop waiting, leave the element for other receivers
            }
            E e = channel.recv(this);
            if (e != null) {
                promise.completeOnOwner(e, null);
                return true;
            }
            if (channel.isDrained()) {
                promise.completeOnOwner(null, new ChannelClosedException("end of stream: channel closed"));
                return true;
            }
            return false;
        }

        @Override
        protected void onCancel() {
            promise.completeOnOwner(null, new CancellationException("recv cancelled: Exec shut down now"));
        }
    }

    private static final class Send<E> extends AsyncTask {
        final Promise<Void> promise;
        private final Channel<E> channel;
        private final E element;

        Send(Exec exec, Channel<E> channel, E element) {
            this.promise = new Promise<>(exec);
            this.promise.producer = this;
            this.channel = channel;
            this.element = element;
        }

        @Override
        protected boolean poll() {
            if (promise.isDone()) {
                return true; // cancelled: the element is not sent
            }
            try {
                if (!channel.send(element, this)) {
                    return false;
                }
                promise.completeOnOwner(null, null);
            } catch (ChannelClosedException closed) {
                promise.completeOnOwner(null, closed);
            }
            return true;
        }

        @Override
        protected void onCancel() {
            promise.completeOnOwner(null, new CancellationException("send cancelled: Exec shut down now"));
        }
    }
}
