package io.corepin;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What an {@link Exec} does when a turn of its loop found no work: spin, then yield, then park. Immutable; one
 * instance may be shared by many Execs (each keeps its own idle count).
 *
 * <p>Parking is <em>signalled</em>: an Exec announces it is about to park, re-checks its ring, and parks; a producer
 * that enqueues into a parked Exec's ring unparks it. Only that case costs the producer an extra atomic — while the
 * Exec is awake, producers pay nothing for the wake-up protocol.
 *
 * <ul>
 *   <li>{@link #park()} (the default): a short spin and a few yields, then park until woken. Burns no core when idle.
 *       The spins adapt: an Exec whose spins keep missing spins less and parks sooner (down to 8 spins, no yields),
 *       and one whose spins catch work keeps as many as caught it.
 *   <li>{@link #backoff(int, int, long, long)}: spin, yield, then timed parks that double from a minimum to a
 *       maximum, still woken early by producers.
 *   <li>{@link #busySpin()}: never parks. Lowest wake-up latency; burns its core at 100% even when idle.
 * </ul>
 */
public final class IdleStrategy {
    /** {@code Thread.yield()} between two clock reads. Declared before {@code DEFAULT}, whose constructor uses it. */
    private static final TimedYield SYSTEM_YIELD = () -> {
        long before = System.nanoTime(); // idle path only: two clock reads per yield
        Thread.yield();
        return System.nanoTime() - before;
    };
    private static final IdleStrategy DEFAULT = new IdleStrategy("park", 100, 10, 0, 0, false);

    /** One yield, timed (tests substitute a scripted one). */
    interface TimedYield {
        /** Yields once; returns the nanoseconds it took. */
        long yieldNanos();
    }

    private final String name;
    private final int spins;
    private final int yields;
    private final long minParkNanos;
    private final long maxParkNanos;
    private final boolean neverPark;
    private final TimedYield yielder;
    private final LongSupplier realTime;

    private IdleStrategy(String name, int spins, int yields, long minParkNanos, long maxParkNanos, boolean neverPark) {
        this(name, spins, yields, minParkNanos, maxParkNanos, neverPark, SYSTEM_YIELD, System::nanoTime);
    }

    private IdleStrategy(String name, int spins, int yields, long minParkNanos, long maxParkNanos, boolean neverPark,
                         TimedYield yielder, LongSupplier realTime) {
        this.yielder = yielder;
        this.realTime = realTime;
        this.name = name;
        this.spins = spins;
        this.yields = yields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        this.neverPark = neverPark;
    }

    /**
     * Spin 100 times, yield 10 times, then park until a producer wakes the Exec. The default.
     *
     * <p>Yielding only helps while the core is otherwise free (the yield returns at once and the Exec stays hot); a
     * yield that takes longer than 50 µs gave the core to another thread, so the Exec parks at once and parks without
     * yielding for its next 64 idle periods (a yielding thread stays runnable and, when work arrives, waits for a time
     * slice; a parked one is woken). The same holds for {@link #park(int, int)} and {@link #backoff}.
     *
     * <p>At light load the spins and yields catch nothing and only burn CPU (each task then costs the Exec a spin
     * phase, the yields and a park): after 8 idle periods in a row whose park lasted 50 µs or more, the Exec parks at
     * its first idle turn, and spins and yields again as soon as a park ends sooner than that or work arrives while
     * it spins. Only parks are timed. The same holds for {@link #park(int, int)} and {@link #backoff}; measured in
     * {@code bench/RESULTS.md}, "CPU at light load".
     */
    public static IdleStrategy park() {
        return DEFAULT;
    }

    /**
     * Spin {@code spins} times, yield {@code yields} times, then park until a producer wakes the Exec.
     * {@code park(0, 0)} parks on the first idle turn (the jcstress park/wake test uses it to aim at the moment the
     * Exec decides to park).
     *
     * @throws IllegalArgumentException naming the values if either is negative
     */
    public static IdleStrategy park(int spins, int yields) {
        if (spins < 0 || yields < 0) {
            throw new IllegalArgumentException("spins and yields must be >= 0, got " + spins + " and " + yields);
        }
        return new IdleStrategy("park", spins, yields, 0, 0, false);
    }

    /**
     * Spin {@code spins} times, yield {@code yields} times, then park for {@code minPark}, doubling up to
     * {@code maxPark} per idle turn; a producer's enqueue wakes the Exec early. The rules of {@link #park()} (late
     * yields, long parks, the adaptive spins) hold, but a park that runs to its timeout counts as neither long nor
     * short: with a {@link Poller} that no wake-up reaches (Aeron's subscription) every park does, and the Exec idles
     * much as Agrona's {@code BackoffIdleStrategy} does.
     *
     * @throws IllegalArgumentException naming the bad value if a count is negative or the park range is not
     *     {@code 0 < minPark <= maxPark}
     */
    public static IdleStrategy backoff(int spins, int yields, long minPark, long maxPark, TimeUnit unit) {
        if (spins < 0 || yields < 0) {
            throw new IllegalArgumentException("spins and yields must be >= 0, got " + spins + " and " + yields);
        }
        long min = unit.toNanos(minPark);
        long max = unit.toNanos(maxPark);
        if (min <= 0 || max < min) {
            throw new IllegalArgumentException(
                "park range must satisfy 0 < minPark <= maxPark, got " + minPark + ".." + maxPark + " " + unit);
        }
        return new IdleStrategy("backoff", spins, yields, min, max, false);
    }

    /** {@link #backoff(int, int, long, long, TimeUnit)} with the park range in nanoseconds. */
    public static IdleStrategy backoff(int spins, int yields, long minParkNanos, long maxParkNanos) {
        return backoff(spins, yields, minParkNanos, maxParkNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Never park: spin with {@link Thread#onSpinWait()}. Burns the Exec's core even when there is no work. Between two
     * turns an idle Exec spins on its ring's next slot (up to 16 spins) and takes a turn as soon as a task is
     * published there, so a task from another thread waits for one spin, not for a whole turn; an Exec with a
     * {@link Poller} spins once per turn instead (every turn polls it).
     */
    public static IdleStrategy busySpin() {
        return new IdleStrategy("busySpin", Integer.MAX_VALUE, 0, 0, 0, true);
    }

    /** For tests: the same strategy with a scripted yield. */
    IdleStrategy withTimedYield(TimedYield scripted) {
        return new IdleStrategy(name, spins, yields, minParkNanos, maxParkNanos, neverPark, scripted, realTime);
    }

    /** For tests: the same strategy with a scripted yield and a scripted clock timing its parks. */
    IdleStrategy withTiming(TimedYield scripted, LongSupplier parkClock) {
        return new IdleStrategy(name, spins, yields, minParkNanos, maxParkNanos, neverPark, scripted, parkClock);
    }

    /** One Exec's idler: this strategy's settings with that Exec's own idle count, parking with {@code parker}. */
    Idler newIdler(Idler.Parker parker) {
        return new Idler(spins, yields, minParkNanos, maxParkNanos, neverPark, yielder, realTime, parker);
    }

    @Override
    public String toString() {
        return neverPark ? name
            : name + "{spins=" + spins + ", yields=" + yields
                + (maxParkNanos == 0 ? ", park until woken}" : ", park " + minParkNanos + ".." + maxParkNanos + "ns}");
    }
}
