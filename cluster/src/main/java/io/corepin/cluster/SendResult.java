package io.corepin.cluster;

import io.aeron.Publication;

/**
 * What became of one {@link ClusterNode#send}: Aeron's publication results, named. Only {@link #SENT} consumed a
 * sequence number; on any other result nothing was written and the caller decides (retry on a later turn, drop,
 * re-route). The sending Exec never waits: like corepin's {@link io.corepin.Backpressure} policies, which never park
 * an Exec's thread, a full or absent peer is reported at once.
 */
public enum SendResult {
    /** Written into the peer's publication; Aeron delivers it unless the peer is lost. */
    SENT,
    /**
     * The peer's receive window (its flow control) is full: it has not kept up. Try again later — not in a loop in
     * the same task: the window moves on only when the media drivers' threads run (with
     * {@link ClusterNode.Builder#driverOnExec}, when Exec 0's turn runs its driver). Re-queue the rest of the work;
     * where the drivers share the cores with the Execs, give the core away ({@code Thread.yield()}) before the retry,
     * as {@code ThreeHosts}' sender does — without it an Exec that always has work holds its core until the scheduler
     * takes it, a time slice per window (bench/RESULTS.md, "Throughput per host": 16× per host with 2 hosts).
     */
    BACK_PRESSURED,
    /** No subscriber of the target (host, Exec) is connected yet, or any longer. */
    NOT_CONNECTED,
    /** Aeron was rotating the term (retried a few times in place first) . Try again. */
    ADMIN_ACTION,
    /** The publication was closed (the node is closing). */
    CLOSED,
    /** The publication reached its maximum position. */
    MAX_POSITION_EXCEEDED;

    static SendResult of(long position) {
        if (position > 0) {
            return SENT;
        }
        if (position == Publication.BACK_PRESSURED) {
            return BACK_PRESSURED;
        }
        if (position == Publication.NOT_CONNECTED) {
            return NOT_CONNECTED;
        }
        if (position == Publication.ADMIN_ACTION) {
            return ADMIN_ACTION;
        }
        if (position == Publication.CLOSED) {
            return CLOSED;
        }
        if (position == Publication.MAX_POSITION_EXCEEDED) {
            return MAX_POSITION_EXCEEDED;
        }
        throw new IllegalStateException("unknown publication result " + position);
    }
}
