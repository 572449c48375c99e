package io.corepin;

/**
 * smolscale's work balancing for an {@link ExecGroup}: an Exec whose ring backlog passes a threshold pushes part of
 * it to the sibling with the shortest ring, instead of leaving that sibling idle.
 *
 * <ul>
 *   <li>Push side: the overloaded Exec drains a chunk of its own ring (as always: no atomics) and enqueues the
 *       movable tasks into the sibling's ring with one burst CAS, like any producer. Consumers never steal, so
 *       every ring keeps a single consumer.
 *   <li>Only un-keyed work submitted through the group ({@link ExecGroup#execute(Runnable)},
 *       {@link ExecGroup#trySubmit}) moves. Keyed work ({@link ExecGroup#execute(long, Runnable)}), tasks submitted
 *       to one Exec directly, and tasks an Exec spawns for itself never migrate; keyed tasks met in a donated chunk
 *       run right there, in ring order, so per-key order holds.
 *   <li>The check costs the owner one load of its own ring's producer index per turn (already read by the drain);
 *       siblings are looked at only when the backlog passes the threshold.
 * </ul>
 * Not applied to Execs with {@link io.corepin.levels.Levels} (their ring is only a transport into lanes).
 */
public final class WorkBalancing {
    private static final WorkBalancing OFF = new WorkBalancing(Integer.MAX_VALUE, 0);

    final int threshold;
    final int maxChunk;

    private WorkBalancing(int threshold, int maxChunk) {
        this.threshold = threshold;
        this.maxChunk = maxChunk;
    }

    /** No balancing (the default): work stays where the balancer put it. */
    public static WorkBalancing off() {
        return OFF;
    }

    /**
     * Donate when the ring holds more than {@code backlog} tasks: up to half of the backlog (at most
     * {@code maxChunk}) goes to the least-loaded sibling, if that sibling's ring is shorter than half of ours.
     *
     * @throws IllegalArgumentException naming the value if {@code backlog < 1} or {@code maxChunk < 1}
     */
    public static WorkBalancing donateAbove(int backlog, int maxChunk) {
        if (backlog < 1 || maxChunk < 1) {
            throw new IllegalArgumentException("backlog and maxChunk must be >= 1, got " + backlog + " and " + maxChunk);
        }
        return new WorkBalancing(backlog, maxChunk);
    }

    /** {@link #donateAbove(int, int)} with a chunk of at most 256 tasks. */
    public static WorkBalancing donateAbove(int backlog) {
        return donateAbove(backlog, 256);
    }

    boolean isOn() {
        return this != OFF;
    }

    @Override
    public String toString() {
        return isOn() ? "WorkBalancing{above " + threshold + ", chunk <= " + maxChunk + "}" : "WorkBalancing{off}";
    }
}
