package io.corepin.balance;

import java.util.function.ToLongFunction;

/**
 * Chooses which Exec of an {@link io.corepin.ExecGroup} runs an un-keyed submission
 * ({@code ExecGroup.execute(Runnable)}). It sees the group only as {@link Targets}: how many Execs, how deep each
 * ring is. Keyed submissions ({@code ExecGroup.execute(long, Runnable)} and the keyed {@code spawn} and
 * {@code submit}) always go to {@code ExecGroup.indexFor(key)}, which is {@link #indexFor(long, int)}, and never
 * consult the balancer, so a key can never move.
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
     * @param targets the group's Execs as the balancer sees them: {@link Targets#size()}, {@link Targets#depth(int)}
     * @return an index in {@code [0, targets.size())}, or {@link #NONE}; anything else makes the submission fail with
     *     an {@link IllegalStateException} naming the value (the task is not enqueued)
     */
    int select(Runnable task, Targets targets);

    /**
     * The index in {@code [0, size)} that {@code key} maps to: fixed forever, the same for equal keys. It is what
     * {@code ExecGroup.indexFor(key)} answers and where {@link #keyHash} puts a task with that key. MurmurHash3's
     * 64-bit finaliser spreads every key bit, then Lemire's multiply-shift reduces the high 32 bits without a
     * division.
     *
     * @throws IllegalArgumentException naming the value if {@code size < 1}
     */
    static int indexFor(long key, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) (((h >>> 32) * size) >>> 32);
    }

    /** Rotates through the Execs with a per-submitting-thread cursor: no shared counter, no atomic per submit. */
    static LoadBalancer roundRobin() {
        return new RoundRobin();
    }

    /**
     * Round robin, except where a wake-up is at stake: when the Exec it would pick is parked, the task goes to the
     * Exec pinned to the submitting thread's own CPU if that one is parked too, since waking a thread on one's own CPU
     * needs no interrupt of another CPU. The default of {@code ExecGroup.builder()}. While the picks are awake (a
     * loaded group) it is round robin and costs one volatile load more per submit; with every Exec parked (light
     * load) a submitter's tasks go to the Exec on its CPU, or round robin from a thread on a CPU with no Exec (a
     * poller with a core of its own). Measured here at 10,000 tasks/s, 2 Execs on 2 vCPUs: waking a parked Exec on
     * the other vCPU cost the submitter ~12 µs of system time against ~1.5 µs for a local wake-up (bench/RESULTS.md,
     * "CPU at light load"). Un-keyed work only: keyed work goes where its key maps, whatever is parked.
     */
    static LoadBalancer wakeLocal() {
        return new WakeLocal();
    }

    /**
     * Routes on a key the task carries: equal keys always reach the same Exec, the one {@link #indexFor(long, int)}
     * (and so {@code ExecGroup.indexFor(key)}) names. Only {@code execute(Runnable)} hands the balancer the caller's
     * task; an un-keyed {@code spawn} or {@code submit} has no Runnable to show it (it sees a placeholder), so route
     * those by key with the keyed overloads, which land where this balancer would put the key.
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
     * {@link #NONE} so the group applies its {@link io.corepin.Backpressure}.
     *
     * @throws IllegalArgumentException naming the value if {@code maxDepth < 1}
     */
    static LoadBalancer boundedDepth(int maxDepth) {
        return new BoundedDepth(maxDepth);
    }
}
