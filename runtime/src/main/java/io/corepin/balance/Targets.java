package io.corepin.balance;

/**
 * What a {@link LoadBalancer} sees of the Execs it chooses among: how many there are, and how deep each one's inbound
 * ring is now. Not the Execs themselves, so a balancer can only choose, never submit or close.
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
}
