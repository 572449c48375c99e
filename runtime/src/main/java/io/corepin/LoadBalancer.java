package io.corepin;

import java.util.function.ToLongFunction;

/**
 * Chooses which Exec of an {@link ExecGroup} runs an un-keyed submission ({@link ExecGroup#execute(Runnable)}).
 * Keyed submissions ({@link ExecGroup#execute(long, Runnable)} and the keyed {@code spawn} and {@code submit})
 * always go to {@link ExecGroup#indexFor(long)} and never consult the balancer, so a key can never move.
 *
 * <p>Called on the submitting thread, concurrently from many threads: implementations must be thread-safe, and should
 * avoid shared read-modify-write state (one shared counter bounced between submitters costs more than the ring).
 */
@FunctionalInterface
public interface LoadBalancer {
    /** Returned by {@link #select} when no Exec should take the task now: the group applies its backpressure. */
    int NONE = -1;

    /**
     * @param task the task being submitted (a balancer may route on it)
     * @param group the group, for {@link ExecGroup#size()} and {@link ExecGroup#depth(int)}
     * @return an index in {@code [0, group.size())}, or {@link #NONE}; anything else makes the submission fail with
     *     an {@link IllegalStateException} naming the value (the task is not enqueued)
     */
    int select(Runnable task, ExecGroup group);

    /** Rotates through the Execs with a per-submitting-thread cursor: no shared counter, no atomic per submit. */
    static LoadBalancer roundRobin() {
        return new RoundRobin();
    }

    /**
     * Routes on a key the task carries: equal keys always reach the same Exec, the one
     * {@link ExecGroup#indexFor(long)} names. Only {@code execute(Runnable)} hands the balancer the caller's task;
     * an un-keyed {@code spawn} or {@code submit} has no Runnable to show it (it sees a placeholder), so route those
     * by key with the keyed overloads, which land where this balancer would put the key.
     */
    static LoadBalancer keyHash(ToLongFunction<? super Runnable> keyOf) {
        return new KeyHash(keyOf);
    }

    /** Samples two distinct Execs at random (thread-local random, no shared state) and picks the shallower ring. */
    static LoadBalancer powerOfTwoChoices() {
        return new PowerOfTwoChoices();
    }

    /**
     * Round robin that skips every Exec whose ring holds {@code maxDepth} or more tasks; when all do, returns
     * {@link #NONE} so the group applies its {@link Backpressure}.
     *
     * @throws IllegalArgumentException naming the value if {@code maxDepth < 1}
     */
    static LoadBalancer boundedDepth(int maxDepth) {
        return new BoundedDepth(maxDepth);
    }
}
