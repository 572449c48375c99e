package io.corepin;

import io.corepin.affinity.AffinityPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.NanoClock;

/**
 * A group's standby Execs ({@link ExecGroup.Builder#standby}): unpinned Execs that take the group's un-keyed work
 * while every one of its own Execs is stalled (the detour's last resort, and the stall rescue's when no sibling has
 * room), started on demand up to a maximum, each ending itself once it has not been picked for the idle time and
 * its ring is empty. The group's own Execs keep their CPUs: standby threads run wherever the OS puts them.
 *
 * <p>Any thread. Picking is a list walk (copy-on-write: no lock) and a volatile store; starting one takes this
 * object's lock and waits for the new thread (as {@link ExecGroup.Builder#build} does), only while a stall lasts.
 * A retiring Exec leaves the list first and shuts down a check later, so a submitter that picked it just before
 * normally finds it open; one that does not gets {@link Exec#CLOSED} and picks again ({@link #isStandby}).
 */
final class Standby {
    private final Exec.Builder template;
    private final String prefix;
    private final int max;
    private final long idleNanos;
    /** The group's clock ({@link Exec.Builder#clock}): idle time is measured on it, as the checks' timers are. */
    private final NanoClock clock;
    private final CopyOnWriteArrayList<Member> live = new CopyOnWriteArrayList<>();
    /** Every standby Exec started and not yet forgotten ({@link #unterminated}): the group's lifecycle reaches them. */
    private final CopyOnWriteArrayList<Exec> all = new CopyOnWriteArrayList<>();
    private int started; // guarded by this
    private boolean closed; // guarded by this

    Standby(Exec.Builder template, int max, long idleNanos) {
        this.template = template;
        this.prefix = template.name() + "-standby-";
        this.max = max;
        this.idleNanos = idleNanos;
        this.clock = template.clock;
    }

    /** One standby Exec and when it was last picked. */
    private final class Member {
        final Exec exec;
        volatile long lastPicked = clock.nanoTime();
        private boolean retiring; // its own thread only
        private Timer check;

        Member(Exec exec) {
            this.exec = exec;
        }

        /** On the standby Exec's own thread, every idle/4: leave when not picked for the idle time, ring empty. */
        void check() {
            if (retiring) {
                check.cancel(); // left the list a check ago: whoever picked it before has offered by now
                exec.shutdown(); // graceful: what it accepted still runs
                return;
            }
            if (clock.nanoTime() - lastPicked > idleNanos && exec.depth() == 0) {
                live.remove(this); // no new picks
                retiring = true;
            }
        }
    }

    /**
     * The open, not stalled standby Exec with the shortest ring, or a new one if there is none and fewer than the
     * maximum live; {@code null} if the maximum is reached (or the group is shut down).
     */
    Exec pick() {
        Member best = best();
        if (best == null) {
            best = startOne();
            if (best == null) {
                return null;
            }
        }
        best.lastPicked = clock.nanoTime(); // volatile: the retire check reads it
        return best.exec;
    }

    /** The open, not stalled live one with the shortest ring, or null. */
    private Member best() {
        Member best = null;
        for (Member m : live) {
            if (m.exec.isOpenAndNotStalled() && (best == null || m.exec.depth() < best.exec.depth())) {
                best = m;
            }
        }
        return best;
    }

    private synchronized Member startOne() {
        final Member meanwhile = best(); // another picker may have started one while this one waited for the lock
        if (meanwhile != null) {
            return meanwhile;
        }
        if (closed || live.size() >= max) {
            return null;
        }
        all.removeIf(Exec::isTerminated); // retired ones: forgotten once they have ended
        final Exec exec = Exec.start(template, prefix + started++, AffinityPlan.UNPINNED, WorkBalancing.off());
        final Member m = new Member(exec);
        final long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), idleNanos / 4);
        all.add(exec);
        live.add(m);
        m.check = exec.scheduleAtFixedRate(m::check, period, period, TimeUnit.NANOSECONDS);
        return m;
    }

    /** Whether {@code exec} is one of these standby Execs (a CLOSED from it means "retired: pick again"). */
    boolean isStandby(Exec exec) {
        return all.contains(exec);
    }

    /** The standby Execs running now (picked or not yet retired), in start order. */
    List<Exec> execs() {
        final List<Exec> out = new ArrayList<>();
        for (Member m : live) {
            out.add(m.exec);
        }
        return out;
    }

    /** Every standby Exec not yet forgotten (retired ones until the next start): the group's lifecycle reaches them. */
    List<Exec> unterminated() {
        return new ArrayList<>(all);
    }

    /** No new standby Execs from now on. */
    synchronized void close() {
        closed = true;
    }
}
