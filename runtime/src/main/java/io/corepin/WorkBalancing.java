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
 *
 * <h2>With {@link io.corepin.levels.Levels}: pool-wide priority</h2>
 * An Exec's load is then its ring plus its lanes (it publishes the lanes' count each turn with an opaque store).
 * Above the threshold, with a sibling under half that load, the Exec drains its ring into its lanes (so each
 * waiting task's level is known; the lanes hold at most a ring's worth beyond the ring, then the ring stays full
 * and producers feel the backpressure) and donates the <em>highest levels'</em> movable tasks first: from each lane,
 * highest level first, up to half of what it holds, from its head while the head is movable. A lane's single task
 * stays (it is this Exec's next pick there). A donated task lands in the same lane on the sibling, with its deadline.
 * Movable there: {@link ExecGroup#execute(Runnable)} (the default lane) and {@link ExecGroup#execute(
 * io.corepin.levels.Lane, Runnable)} / {@code execute(lane, deadline, task)}. Never moved: keyed work
 * ({@code execute(lane, key, deadline, task)}), anything submitted to one Exec, async tasks, {@code spawn}/{@code
 * submit} promise work (a promise belongs to its Exec), yields, and tasks of generator lanes or of sources that
 * cannot {@link io.corepin.levels.TaskSource#peek peek}.
 *
 * <p><b>Order.</b> FIFO per lane per Exec holds: tasks that enter one Exec's lane run in that order (a donation
 * takes from a lane's head and appends to the sibling's lane, so both keep their order). Across Execs nothing is
 * promised for movable work: a donated task may run before or after tasks that were behind it and stayed, and
 * after tasks that reached the sibling's lane first. Keyed work keeps per-key order because it never moves; a keyed
 * head keeps the movable tasks behind it in its lane until it has run. With a round-robin scheduler a donation
 * still takes the highest levels first (the sibling gets the most urgent work; each Exec then runs its lanes by its
 * own slices).
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
