package io.corepin;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.agrona.concurrent.NanoClock;

/**
 * What the stall guard ({@link StallGuard}) has seen of one Exec, for any thread to read: the stalls it reported
 * ({@link Exec#stalls()}), and the task it last found running and when it first found it, from which
 * {@link Exec#loopLagNanos()} is computed at read time.
 *
 * <p>Written by the guard's thread only (its one writer: a plain load and a release store, no read-modify-write),
 * never by the Exec: the owner path pays nothing for it. A separate object, so the guard's stores never touch the
 * cache line of {@link ExecCounters} the owner stamps each task into.
 */
final class StallStats {
    private static final VarHandle STALLS =
        VarHandles.field(MethodHandles.lookup(), StallStats.class, "stalls", long.class);
    private static final VarHandle SEEN_SEQ =
        VarHandles.field(MethodHandles.lookup(), StallStats.class, "seenSeq", long.class);
    private static final VarHandle SEEN_SINCE =
        VarHandles.field(MethodHandles.lookup(), StallStats.class, "seenSince", long.class);
    private static final VarHandle STALLED_SEQ =
        VarHandles.field(MethodHandles.lookup(), StallStats.class, "stalledSeq", long.class);

    /** The Exec's clock: the lag is measured on it, as the guard measures stalls. */
    private final NanoClock clock;
    /** Stalls reported. Guard: plain load, release store; readers: acquire load. */
    private long stalls;
    /** The task number ({@link ExecCounters#taskSeq()}) the guard last found running; -1 (no task has it) at first. */
    private long seenSeq = -1;
    /** The Exec's clock when the guard first found {@link #seenSeq} running: that task began no later. */
    private long seenSince;
    /**
     * The task number the guard last reported as a stall, until it sees that task has ended; -1: none. Read on every
     * un-keyed group submit ({@link #stalledNow}): the guard writes it twice per stall, so the line stays
     * shared-clean in the submitters' caches. Guard: release store; readers: acquire load.
     */
    private long stalledSeq = -1;

    StallStats(NanoClock clock) {
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
    }

    // ------------------------------------------------------------------------------------- the guard's thread

    /** The guard reported a stall. */
    void stallReported() {
        STALLS.setRelease(this, stalls + 1); // plain load: the guard is the only writer; release: readers see it whole
    }

    /** The guard found task {@code seq} running for the first time, at {@code now} on the Exec's clock. */
    void sawTask(long seq, long now) {
        SEEN_SINCE.setOpaque(this, now); // before the number: a reader that sees seq sees this time or a later one
        SEEN_SEQ.setRelease(this, seq); // release: orders the time above before the number
    }

    /** The guard is about to report task {@code seq} as a stall: from now on {@link #stalledNow} may say so. */
    void stalled(long seq) {
        STALLED_SEQ.setRelease(this, seq); // release: a reader that sees it also sees what the guard saw before
    }

    /** The guard saw the stalled task end (readers see it at once anyway, by the task number; this is the tidy-up). */
    void stallEnded() {
        STALLED_SEQ.setRelease(this, -1L);
    }

    // ----------------------------------------------------------------------------------------------- any thread

    /**
     * Whether the task the guard reported as a stall is still running now. The common case (no stall) is one acquire
     * load of a field only the guard writes (a plain {@code mov} on x86): the owner's lines are not touched. Only
     * during a stall are the owner's two stamps read (opaque loads; the owner is held by the task and writes
     * neither): the same task number, and not between turns, means that task has not returned.
     */
    boolean stalledNow(ExecCounters counters) {
        final long stalled = (long) STALLED_SEQ.getAcquire(this);
        if (stalled < 0) {
            return false;
        }
        return counters.runningTaskSeq() == stalled;
    }

    long stalls() {
        return (long) STALLS.getAcquire(this);
    }

    /**
     * How long the task {@code counters} says is running has held the Exec, as far as the guard has seen: 0 between
     * turns, or when the guard has not yet found that task; else the time since it first found it (a lower bound).
     */
    long loopLagNanos(ExecCounters counters) {
        final long seq = counters.runningTaskSeq(); // opaque loads
        if (seq < 0) {
            return 0; // between tasks' turns: idle, parked, or a turn that ran nothing
        }
        if ((long) SEEN_SEQ.getAcquire(this) != seq) { // acquire: then the time is this task's, or a later one's
            return 0; // a task the guard has not found yet: younger than the guard's period
        }
        final long since = (long) SEEN_SINCE.getOpaque(this);
        return Math.max(0, clock.nanoTime() - since);
    }
}
