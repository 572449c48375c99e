package io.corepin.bench.smol;

import io.corepin.AsyncTask;
import io.corepin.channel.Channel;
import io.corepin.channel.ChannelClosedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * corepin's standing tasks for the suite, written as {@link AsyncTask} state machines (the allocation-free,
 * poll-style way corepin offers): each {@code poll()} does whatever is ready and, when it must wait, leaves its
 * waker with the channel ({@code recv(this)}, {@code send(e, this)}) and returns {@code false}. Yielding is
 * {@code wake(); return false;}, which re-queues the task behind the work already queued on its Exec.
 */
final class CorepinLoops {
    private CorepinLoops() {
    }

    /** Receives from one channel and sends each element on to the next (context_switch_*). */
    static final class Forwarder extends AsyncTask {
        private final Channel<Integer> in;
        private final Channel<Integer> out;
        private Integer held; // owner thread only: received, not yet sent on

        Forwarder(Channel<Integer> in, Channel<Integer> out) {
            this.in = in;
            this.out = out;
        }

        @Override
        protected boolean poll() {
            for (;;) {
                if (out.isClosed() || in.isDrained()) {
                    return true;
                }
                if (held == null) {
                    held = in.recv(this);
                    if (held == null) {
                        return in.isDrained(); // false: our waker is registered with in
                    }
                }
                try {
                    if (!out.send(held, this)) {
                        return false; // our waker is registered with out
                    }
                } catch (ChannelClosedException closing) {
                    return true; // the round is being torn down
                }
                held = null;
            }
        }
    }

    /** ping_pong's server: completes every one-shot reply it receives with 0. */
    static final class Responder extends AsyncTask {
        private final Channel<CompletableFuture<Integer>> requests;

        Responder(Channel<CompletableFuture<Integer>> requests) {
            this.requests = requests;
        }

        @Override
        protected boolean poll() {
            for (CompletableFuture<Integer> reply; (reply = requests.recv(this)) != null; ) {
                reply.complete(0);
            }
            return requests.isDrained();
        }
    }

    /** fanout's receiver: takes messages until the channel is drained. */
    static final class Drain extends AsyncTask {
        private final Channel<Integer> in;
        private long received; // owner thread only

        Drain(Channel<Integer> in) {
            this.in = in;
        }

        @Override
        protected boolean poll() {
            while (in.recv(this) != null) {
                received++;
            }
            return in.isDrained();
        }
    }

    /** Yields {@link Smol#STEPS} times, then counts {@code done} down. */
    static final class Yielder extends AsyncTask {
        private final CountDownLatch done;
        private int left = Smol.STEPS; // owner thread only

        Yielder(CountDownLatch done) {
            this.done = done;
        }

        @Override
        protected boolean poll() {
            if (left-- == 0) {
                done.countDown();
                return true;
            }
            wake();
            return false;
        }
    }

    /** Yields forever, until {@code stop} is set (context_switch_busy's background load). */
    static final class Spinner extends AsyncTask {
        private final AtomicBoolean stop;

        Spinner(AtomicBoolean stop) {
            this.stop = stop;
        }

        @Override
        protected boolean poll() {
            if (stop.get()) { // volatile read: the teardown's stop.set(true) ends the loop
                return true;
            }
            wake();
            return false;
        }
    }
}
