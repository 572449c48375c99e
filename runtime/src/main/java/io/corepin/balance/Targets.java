package io.corepin.balance;

/**
 * What a {@link LoadBalancer} sees of the Execs it chooses among: how many there are, how deep each one's inbound
 * ring is now, whether it is parked, and which one is pinned to the caller's CPU. Not the Execs themselves, so a
 * balancer can only choose, never submit or close.
 *
 * <p>{@link io.corepin.ExecGroup} hands its balancer such a view of its Execs. Any thread may call it (balancers run
 * on the submitting threads); {@link #depth(int)} is a snapshot that the ring's producers and owner change at once.
 */
public interface Targets {
    /** How many targets there are: the indexes are {@code [0, size())}. Fixed for the life of the view. */
    int size();

    /**
     * Tasks waiting in the inbound ring of the target at {@code index} now (a snapshot, maybe stale at once).
     *
     * @throws IndexOutOfBoundsException if index is outside {@code [0, size())}
     */
    int depth(int index);

    /**
     * Whether the target at {@code index} is parked (or about to park) now, so that a task for it costs a wake-up: a
     * system call, and when the target is pinned to another CPU than the caller's, an interrupt of that CPU (a
     * snapshot, maybe stale at once). A view that cannot tell answers {@code false}.
     *
     * @throws IndexOutOfBoundsException if index is outside {@code [0, size())}
     */
    default boolean parked(int index) {
        return false;
    }

    /**
     * The index of the target pinned to the CPU the calling thread runs on now, or {@code -1} when none is (or the
     * CPU cannot be read). Reads the CPU on every call ({@code sched_getcpu} on Linux, a library call): ask where a
     * wake-up is at stake, not on every submit. A view that cannot tell answers {@code -1}.
     */
    default int local() {
        return -1;
    }
}
