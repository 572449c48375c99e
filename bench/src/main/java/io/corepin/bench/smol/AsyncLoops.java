package io.corepin.bench.smol;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The standing tasks of the suite for executors without a task model of their own (ForkJoinPool,
 * ThreadPoolExecutor, Netty), written as a Java developer would: each is a {@link Runnable} that runs on its
 * {@code home} executor, handles whatever is ready inline, and when it has to wait attaches its continuation with
 * {@code whenCompleteAsync(.., home)} and returns, freeing the thread. Yielding is re-submitting oneself to
 * {@code home}, behind the work already queued there.
 */
final class AsyncLoops {
    private AsyncLoops() {
    }

    /** Receives from one channel and sends each element on to the next (context_switch_*). */
    static final class Forwarder<E> implements Runnable {
        private final AsyncChannel<E> in;
        private final AsyncChannel<E> out;
        private final Executor home;
        private final BiConsumer<E, Throwable> onReceived = (e, failure) -> {
            if (failure == null && forward(e)) {
                run();
            }
        };
        private final BiConsumer<Void, Throwable> onSent = (v, failure) -> {
            if (failure == null) {
                run();
            }
        };

        Forwarder(AsyncChannel<E> in, AsyncChannel<E> out, Executor home) {
            this.in = in;
            this.out = out;
            this.home = home;
        }

        @Override
        public void run() {
            for (;;) {
                CompletableFuture<E> r = in.recv();
                if (!r.isDone()) {
                    r.whenCompleteAsync(onReceived, home);
                    return;
                }
                if (r.isCompletedExceptionally() || !forward(r.join())) {
                    return;
                }
            }
        }

        /** Sends {@code e} on; true if it was taken at once (keep looping), false if suspended or closed. */
        private boolean forward(E e) {
            CompletableFuture<Void> s = out.send(e);
            if (s.isDone()) {
                return !s.isCompletedExceptionally();
            }
            s.whenCompleteAsync(onSent, home);
            return false;
        }
    }

    /** Receives until the channel closes, handing each element to a handler (ping_pong's server, fanout). */
    static final class Receiver<E> implements Runnable {
        private final AsyncChannel<E> in;
        private final Consumer<E> handler;
        private final Executor home;
        private final BiConsumer<E, Throwable> onReceived = (e, failure) -> {
            if (failure == null) {
                handle(e);
                run();
            }
        };

        Receiver(AsyncChannel<E> in, Consumer<E> handler, Executor home) {
            this.in = in;
            this.handler = handler;
            this.home = home;
        }

        @Override
        public void run() {
            for (;;) {
                CompletableFuture<E> r = in.recv();
                if (!r.isDone()) {
                    r.whenCompleteAsync(onReceived, home);
                    return;
                }
                if (r.isCompletedExceptionally()) {
                    return;
                }
                handle(r.join());
            }
        }

        private void handle(E e) {
            handler.accept(e);
        }
    }

    /** Yields {@link Smol#STEPS} times (re-submits itself to {@code home}), then counts {@code done} down. */
    static final class Yielder implements Runnable {
        private final Executor home;
        private final CountDownLatch done;
        private int left = Smol.STEPS; // plain: only the task itself touches it, and each run happens-after the last

        Yielder(Executor home, CountDownLatch done) {
            this.home = home;
            this.done = done;
        }

        @Override
        public void run() {
            if (left-- == 0) {
                done.countDown();
            } else {
                home.execute(this);
            }
        }
    }

    /** Yields forever, until {@code stop} is set (context_switch_busy's background load). */
    static final class Spinner implements Runnable {
        private final Executor home;
        private final AtomicBoolean stop;

        Spinner(Executor home, AtomicBoolean stop) {
            this.home = home;
            this.stop = stop;
        }

        @Override
        public void run() {
            if (stop.get()) { // volatile read: the teardown's stop.set(true) ends the loop
                return;
            }
            try {
                home.execute(this);
            } catch (RejectedExecutionException shutDown) {
                // the executor is closing: the loop ends here
            }
        }
    }
}
