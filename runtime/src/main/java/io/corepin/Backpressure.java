package io.corepin;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link ExecGroup#execute} does when the chosen Exec's ring is full, or the {@link LoadBalancer} answered
 * {@link LoadBalancer#NONE}. The submitter never loses its task: it is either enqueued, run, or handed back through
 * a {@link java.util.concurrent.RejectedExecutionException}.
 */
public final class Backpressure {
    enum Kind { REJECT, BLOCK, CALLER_RUNS }

    private static final Backpressure REJECT = new Backpressure(Kind.REJECT, Duration.ZERO);
    private static final Backpressure CALLER_RUNS = new Backpressure(Kind.CALLER_RUNS, Duration.ZERO);

    final Kind kind;
    final long timeoutNanos;

    private Backpressure(Kind kind, Duration timeout) {
        this.kind = kind;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Throw {@link java.util.concurrent.RejectedExecutionException} at once (the default). */
    public static Backpressure reject() {
        return REJECT;
    }

    /**
     * Retry, backing off from spinning to parking (1 µs doubling to 1 ms), until there is room or the timeout
     * passes; then reject. An interrupt also ends the wait with a rejection (the interrupt status is kept).
     *
     * @throws IllegalArgumentException naming the value if the timeout is negative
     */
    public static Backpressure block(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("block timeout must be >= 0, got " + timeout);
        }
        return new Backpressure(Kind.BLOCK, timeout);
    }

    /**
     * Run the task on the submitting thread, which slows the submitter to the pace of the group. Applies to
     * un-keyed submissions only: keyed work never runs off its Exec, so a keyed submission to a full ring is
     * rejected under this policy.
     */
    public static Backpressure callerRuns() {
        return CALLER_RUNS;
    }

    @Override
    public String toString() {
        return kind == Kind.BLOCK ? "block(" + Duration.ofNanos(timeoutNanos) + ")" : kind.name().toLowerCase();
    }
}
