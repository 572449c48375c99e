package io.corepin;

import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * A periodic stream of ticks on one {@link Exec} (smartpool's {@code timescheduler} streams), made by
 * {@link Exec#ticks(long, TimeUnit)}: a tick at every period boundary — creation time plus {@code k × period} on the
 * Exec's clock — from the Exec's own timer wheel (no timer thread), received on the Exec's thread:
 *
 * <pre>{@code
 * Ticker ticker = exec.ticks(100, TimeUnit.MILLISECONDS);
 * Promise<Void> flusher = exec.spawn(() -> flushEvery(ticker));
 *
 * Promise<Void> flushEvery(Ticker ticker) {                       // on the Exec
 *     return ticker.recv().thenCompose(periods -> { flush(periods); return flushEvery(ticker); });
 * }                                                                // ends with a CancellationException at close
 * }</pre>
 *
 * <h2>Missed ticks are coalesced</h2>
 * A tick that nobody has received yet when the next period ends is not followed by a second one: the pending tick
 * grows a count instead, and {@link #recv()} completes with the number of periods that ended since the previous
 * tick was received (1 when the receiver keeps up). Likewise when the Exec itself was held for several periods, the
 * wheel fires once and the next tick is at the next boundary after now; the grid is kept (fixed rate, no drift).
 * Why not deliver missed ticks back to back, as {@link Exec#scheduleAtFixedRate} runs late executions: on a core
 * that runs tasks to completion a consumer that fell behind would then spend the core on a burst of stale ticks
 * (N flushes with nothing new to flush) just when it is already late, and the ticks waiting for it would pile up
 * without bound; a coalesced tick costs nothing while nobody listens, and its count still tells rate-based work
 * (a token bucket's refill, a rate's denominator) exactly how much time passed. Work that must run once per
 * period, however late, belongs on {@code scheduleAtFixedRate}.
 *
 * <h2>Threads</h2>
 * {@link #recv()} and {@link #tryRecv()} run on the Exec's thread only (a receive is owner state: no lock, no
 * atomic); the tick fires there too, and completes the waiting receive there, so what is composed on it runs at
 * once. {@link #close()} and {@link #isClosed()} work from any thread.
 *
 * <h2>End of the stream</h2>
 * {@link #close()}, a graceful {@link Exec#shutdown()} (which cancels periodic timers) or {@link Exec#shutdownNow()}
 * ends it: the timer leaves the wheel, waiting receives — and every later one — complete exceptionally with a
 * {@link CancellationException} saying why, and a pending tick is dropped. A ticker never keeps its Exec from
 * closing.
 */
public final class Ticker implements AutoCloseable {
    private final Exec exec;
    private final long periodNanos;
    // Owner thread (after the Exec stopped: its finishing or late thread, one at a time).
    /** Receives waiting for the next tick, oldest first. */
    private final ArrayDeque<Promise<Long>> waiters = new ArrayDeque<>(2);
    /** Periods ended and not yet received. */
    private long pending;
    /** The boundary the next tick stands for (its timer's deadline, or earlier after a skip). */
    private long nextTick;
    /** Why the stream ended, once it has. */
    private String endedBecause;
    /** Any thread: set by close() or by the owner when the stream ends. */
    private volatile boolean closed;
    /** The periodic timer; set right after it is scheduled. */
    private final Timer timer;

    /** See {@link Exec#ticks(long, TimeUnit)}. */
    Ticker(Exec exec, long periodNanos) {
        this.exec = exec;
        this.periodNanos = periodNanos;
        this.nextTick = exec.timers().now() + periodNanos; // plain: published with the timer (ring or owner)
        this.timer = exec.timers().scheduleSkippingMissed(new Tick(this), nextTick, periodNanos); // the same grid
    }

    /**
     * The next tick: a promise, owned by this ticker's Exec, of the number of periods that ended since the previous
     * tick was received ({@code >= 1}; see the class comment). Completed at once when a tick is pending; otherwise
     * on the Exec at the next period boundary. Several receives waiting take the coming ticks in order, one each.
     * Cancelling a receive takes nothing: the tick stays for the next one. At the end of the stream the promise
     * completes exceptionally with a {@link CancellationException}.
     *
     * @throws IllegalStateException naming the thread if it is not this ticker's Exec's
     */
    public Promise<Long> recv() {
        checkOwner("recv()");
        final Promise<Long> p = new Promise<>(exec);
        if (endedBecause != null) {
            p.completeOnOwner(null, ended());
        } else if (pending > 0) {
            final long n = pending;
            pending = 0;
            p.completeOnOwner(n, null);
        } else {
            waiters.removeIf(Promise::isDone); // cancelled receives leave (they never take a tick)
            waiters.add(p);
        }
        return p;
    }

    /**
     * Takes the pending tick without waiting: the number of periods it stands for, or 0 if none is pending (or the
     * stream has ended; see {@link #isClosed()}).
     *
     * @throws IllegalStateException naming the thread if it is not this ticker's Exec's
     */
    public long tryRecv() {
        checkOwner("tryRecv()");
        final long n = pending;
        pending = 0;
        return n;
    }

    /**
     * Ends the stream (idempotent, any thread): the timer is cancelled at once and leaves the wheel; waiting
     * receives fail with a {@link CancellationException} on the Exec.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true; // volatile: isClosed() from any thread
        timer.cancel(); // any thread: no tick starts after this
        if (exec.isOwnerLoop()) {
            end("the ticker was closed");
        } else {
            exec.runOnOwner(new Close(this)); // never rejects; late once the Exec is finishing
        }
    }

    /** Whether the stream has ended: {@link #close()}, or its Exec's shutdown. Any thread. */
    public boolean isClosed() {
        return closed;
    }

    /** The Exec the ticks fire on. */
    public Exec exec() {
        return exec;
    }

    /** The period, in nanoseconds of the Exec's clock. */
    public long periodNanos() {
        return periodNanos;
    }

    /** The timer (tests). */
    Timer timer() {
        return timer;
    }

    @Override
    public String toString() {
        return "Ticker{every " + periodNanos + "ns on " + exec.name() + (closed ? ", closed" : "") + '}';
    }

    // ------------------------------------------------------------------------------------------------ owner side

    private void checkOwner(String call) {
        if (!exec.inEventLoop()) {
            throw new IllegalStateException("Ticker." + call + " called on " + Thread.currentThread().getName()
                + ", which is not the thread of " + exec.name() + " (a ticker is received on its Exec)");
        }
    }

    /** The timer fired: every boundary up to now is one coalesced tick; the oldest live receive takes it. */
    private void fire() {
        if (endedBecause != null) {
            return;
        }
        final long now = exec.timers().now();
        final long periods = 1 + Math.max(0, now - nextTick) / periodNanos;
        nextTick += periods * periodNanos;
        pending += periods;
        for (Promise<Long> w; pending > 0 && (w = waiters.poll()) != null; ) {
            final long n = pending;
            pending = 0; // before the completion: its actions run right here and may receive again
            if (!w.completeOnOwner(n, null)) {
                pending += n; // cancelled meanwhile: the tick stays pending
            }
        }
    }

    /** The stream ends (owner): waiting receives fail; a pending tick is dropped. Idempotent. */
    private void end(String because) {
        if (endedBecause != null) {
            return;
        }
        endedBecause = because;
        closed = true; // volatile
        pending = 0;
        for (Promise<Long> w; (w = waiters.poll()) != null; ) {
            w.completeOnOwner(null, ended());
        }
    }

    private CancellationException ended() {
        return new CancellationException(this + " has ended: " + endedBecause);
    }

    /** The timer's task: a tick; told when the Exec (not close()) cancels the timer, at a shutdown. */
    private static final class Tick implements Runnable, ExecCancellable {
        private final Ticker ticker;

        Tick(Ticker ticker) {
            this.ticker = ticker;
        }

        @Override
        public void run() {
            ticker.fire();
        }

        @Override
        public void cancelledByExec() {
            ticker.end(ticker.exec.name() + " was shut down");
        }

        @Override
        public String toString() {
            return "tick of " + ticker;
        }
    }

    /** close() from another thread: the owner's part. */
    private static final class Close implements ExecEntry {
        private final Ticker ticker;

        Close(Ticker ticker) {
            this.ticker = ticker;
        }

        @Override
        public void run() {
            ticker.end("the ticker was closed");
        }

        @Override
        public Runnable onStop() {
            ticker.end("the ticker was closed");
            return null;
        }
    }
}
