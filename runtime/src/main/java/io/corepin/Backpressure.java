package io.corepin;

import io.corepin.balance.LoadBalancer;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link ExecGroup#execute} does when the chosen Exec's ring is full, or the {@link LoadBalancer} answered
 * {@link LoadBalancer#NONE}. The submitter never loses its task: it is either enqueued, run, or handed back through
 * a {@link java.util.concurrent.RejectedExecutionException}. No policy parks an Exec's thread (see {@link #block}).
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
     * Wait for room — how depends on the submitting thread:
     * <ul>
     *   <li><b>A plain thread</b> retries until there is room or the timeout passes; then it is rejected. After a few
     *       spins it parks: while every ring of the group is at least half full, until one of the Execs has drained
     *       its ring to half of what it held (that Exec wakes it; it looks again at least every 50 ms), otherwise
     *       backing off (1 µs doubling to 1 ms). An interrupt also ends the wait with a rejection (the
     *       interrupt status is kept). So does a thread inside {@link Exec#blockOn} (a body spawning more than the
     *       rings hold, smolscale's spawn_many): blockOn blocks that thread anyway, its Exec is in no group, and
     *       nothing ever waits for room in it, so its wait cannot be part of a cycle; the host's own turn resumes
     *       when the body's task returns.
     *   <li><b>An Exec's thread</b> (a task submitting; a thread hosting {@link Exec.Builder#runHere}) is never
     *       parked: parking it would stop its core, and two Execs waiting for room in each other's rings would
     *       deadlock both.
     *       Instead the task joins the <em>backlog</em> of the target Exec — a queue behind its ring that the target's
     *       owner takes from each turn, once its ring has been consumed past what was submitted before — and the
     *       submit returns at once. A backlog holds up to one ring's capacity of such tasks; beyond that the submit
     *       is rejected at once (the timeout does not apply). A task in a backlog belongs to the target like one in
     *       its ring: a graceful close runs it, {@code shutdownNow} hands it back, and a submit after the target
     *       shut down is rejected naming it. Un-keyed work goes to the balancer's pick (when it answers
     *       {@link LoadBalancer#NONE}, the open Exec with the shortest ring); keyed work to the key's Exec, in
     *       per-key order (see {@link ExecGroup}). Spawning an {@link AsyncTask} or submitting into a
     *       {@link io.corepin.levels.Lane} through the group has no backlog path: with no room it is rejected at once.
     * </ul>
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
