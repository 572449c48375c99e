package io.corepin.affinity;

import com.sun.jna.Function;

/**
 * The calling thread's timer slack, Linux's {@code prctl(PR_SET_TIMERSLACK)}: how much later than asked the kernel
 * may end a timed sleep of this thread, to batch it with other timers. The default is 50 µs, so on Linux
 * {@code LockSupport.parkNanos(1_000)} sleeps about 55–60 µs; with a slack of 1 µs it sleeps what the timer and the
 * wake-up cost (10–15 µs on a KVM guest). A thread whose idling is a timed park that nothing wakes early — an Exec
 * polling a source without a wake-up, like an Aeron subscription — gets each park's length back as latency.
 *
 * <p>A smaller slack costs more timer interrupts while the thread sleeps in short parks; it changes nothing for a
 * thread that spins or sleeps until woken. The setting is per thread, inherited by threads the thread starts. Linux
 * only; elsewhere {@link #isAvailable()} is {@code false} with {@link #unavailableReason()} saying why. Each method
 * acts on the calling thread only.
 */
public final class TimerSlack {
    private static final int PR_SET_TIMERSLACK = 29;
    private static final int PR_GET_TIMERSLACK = 30;
    private static final System.Logger LOG = System.getLogger("io.corepin.affinity");
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED =
        new java.util.concurrent.atomic.AtomicBoolean();

    private TimerSlack() {
    }

    /** Whether {@link #set(long)} and {@link #get()} work here (checked once, on the first call). */
    public static boolean isAvailable() {
        return Holder.REASON == null;
    }

    /** Why timer slack cannot be set here, or {@code null} when it can. */
    public static String unavailableReason() {
        return Holder.REASON;
    }

    /**
     * Sets the calling thread's timer slack.
     *
     * @param nanos at least 1 (0 would mean "the thread's default", which is not what a caller asking for a value
     *     wants)
     * @throws IllegalArgumentException naming the value if it is below 1
     * @throws IllegalStateException naming the reason if it is not available, or the error number if prctl failed
     */
    public static void set(long nanos) {
        if (nanos < 1) {
            throw new IllegalArgumentException("timer slack must be >= 1 ns, got " + nanos);
        }
        check();
        final int r = Holder.PRCTL.invokeInt(new Object[] {PR_SET_TIMERSLACK, nanos, 0L, 0L, 0L});
        if (r != 0) {
            throw new IllegalStateException("prctl(PR_SET_TIMERSLACK, " + nanos + ") returned " + r + ", errno "
                + com.sun.jna.Native.getLastError());
        }
    }

    /**
     * Sets the calling thread's timer slack if it can, for a caller that runs on either way: where it cannot
     * ({@link #isAvailable()} false, or prctl failed), logs why — the first time at WARNING, later at DEBUG.
     *
     * @param nanos at least 1
     * @return whether the slack is now {@code nanos}
     * @throws IllegalArgumentException naming the value if it is below 1
     */
    public static boolean trySet(long nanos) {
        if (nanos < 1) {
            throw new IllegalArgumentException("timer slack must be >= 1 ns, got " + nanos);
        }
        try {
            set(nanos);
            return true;
        } catch (IllegalStateException e) {
            final boolean first = WARNED.compareAndSet(false, true);
            LOG.log(first ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, "corepin: thread \""
                + Thread.currentThread().getName() + "\" keeps its timer slack: " + e.getMessage()
                + (first ? " (further failures are logged at DEBUG)" : ""));
            return false;
        }
    }

    /**
     * The calling thread's timer slack in nanoseconds.
     *
     * @throws IllegalStateException naming the reason if it is not available
     */
    public static long get() {
        check();
        // prctl returns the slack as its int result (Linux caps the readable value at INT_MAX).
        return Holder.PRCTL.invokeInt(new Object[] {PR_GET_TIMERSLACK, 0L, 0L, 0L, 0L});
    }

    private static void check() {
        if (Holder.REASON != null) {
            throw new IllegalStateException("timer slack cannot be set here: " + Holder.REASON);
        }
    }

    /** prctl(2), found on first use. */
    private static final class Holder {
        static Function PRCTL;
        static final String REASON = init();

        private static String init() {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
                return "not Linux (os.name " + System.getProperty("os.name") + ")";
            }
            try {
                PRCTL = Function.getFunction("c", "prctl");
                final int slack = PRCTL.invokeInt(new Object[] {PR_GET_TIMERSLACK, 0L, 0L, 0L, 0L});
                return slack < 0 ? "prctl(PR_GET_TIMERSLACK) failed, errno " + com.sun.jna.Native.getLastError()
                    : null;
            } catch (Throwable t) { // no JNA native library, say
                return "cannot call prctl(2) through JNA: " + t;
            }
        }
    }
}
