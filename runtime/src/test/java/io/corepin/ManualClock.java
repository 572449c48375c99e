package io.corepin;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.NanoClock;

/**
 * A clock that moves only when a test moves it ({@link Exec.Builder#clock}): tests drive an Exec's time instead of
 * sleeping. Safe to read and move from any thread (the Exec's, the stall guard's, the test's).
 *
 * <p>It starts at one second, not 0: the counters' {@code BUSY_SINCE} uses 0 for "idle". An Exec sees a move at its
 * next turn; one that is parked may park up to its next deadline in real time first, so {@link #advance(long,
 * TimeUnit, Exec)} also wakes it.
 */
final class ManualClock implements NanoClock {
    static final long START_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Runnable NOTHING = () -> { };

    private final AtomicLong now = new AtomicLong(START_NANOS);

    @Override
    public long nanoTime() {
        return now.get(); // volatile: a move happens-before the read that sees it
    }

    /**
     * Moves the clock on by {@code amount} (never back).
     *
     * @return the new time
     */
    long advance(long amount, TimeUnit unit) {
        if (amount < 0) {
            throw new IllegalArgumentException("a clock only moves forward, got " + amount + " " + unit);
        }
        return now.addAndGet(unit.toNanos(amount));
    }

    /**
     * Moves the clock on, then wakes {@code exec} so that its next turn reads the new time: a no-op through its owner
     * executor, which never rejects (it also works while the Exec shuts down).
     *
     * @return the new time
     */
    long advance(long amount, TimeUnit unit, Exec exec) {
        final long t = advance(amount, unit);
        exec.ownerExecutor().execute(NOTHING);
        return t;
    }
}
