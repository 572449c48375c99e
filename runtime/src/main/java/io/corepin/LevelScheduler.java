package io.corepin;

import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import io.corepin.levels.TaskSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.agrona.concurrent.NanoClock;

/**
 * One Exec's instance of its {@link Levels}, as its {@link RunQueue}: the sources, the bitmask of lanes that may hold
 * tasks, the scheduler's state, and the close policy. Entries from the ring are queued in their lane; the
 * scheduler picks what runs. Owner thread only — plain fields, no atomics. Round-robin slices are measured on the
 * Exec's clock ({@link Exec.Builder#clock}), passed in at construction.
 */
final class LevelScheduler implements RunQueue {
    /**
     * A cross-thread submission to a lane: the ring carries the lane (and deadline) with the task. A movable one (an
     * un-keyed group submission under {@link WorkBalancing}) is queued in its lane as itself, so that a donation can
     * take it to a sibling with its lane and deadline; the others are queued as their task.
     */
    static final class Routed implements ExecEntry {
        final int lane;
        final long deadline;
        final Runnable task;
        final boolean movable;

        Routed(int lane, long deadline, Runnable task) {
            this(lane, deadline, task, false);
        }

        Routed(int lane, long deadline, Runnable task, boolean movable) {
            this.lane = lane;
            this.deadline = deadline;
            this.task = task;
            this.movable = movable;
        }

        @Override
        public void run() { // a movable one, picked from its lane; else only if handed back and run by someone else
            task.run();
        }

        @Override
        public Runnable onStop() {
            return ExecEntry.stop(task); // what the routed work's own kind does at a stop (a user task: handed back)
        }

        @Override
        public boolean mustComplete() {
            return false;
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }

    private final Levels levels;
    /** The Exec's clock: read once per turn, and only with round robin. */
    private final NanoClock clock;
    // the configuration, read once from the Levels' accessors (lanes numbered by Levels.indexOf)
    private final int[][] lanesOfLevel;
    private final int[] followup;
    private final long[] sliceNanos; // null: highest first
    private final int defaultLane;
    private final TaskSource[] sources;
    private final long[] levelMask;
    /** Lanes whose source generates: polled whenever their level's turn comes. Owner-only, plain. */
    private long generatorMask;
    /** Generator lanes closed by a graceful close (not complete-on-close): no longer polled, drained or counted. */
    private long closedGenerators;
    private final int[] levelCursor;
    private final boolean[] completeOnClose;
    private long nonEmpty; // bit c: lane c may hold tasks
    private int rrLevel;
    private long sliceEnd;
    private boolean closing;
    /** Tasks of lanes that are not complete-on-close, removed by a graceful close: handed back at the end. */
    final List<Runnable> dropped = new ArrayList<>();

    /**
     * @param wakeup the Exec's wake-up from any thread, given to every source ({@link TaskSource#attach}): how a
     *     generator that made work on another thread gets a parked Exec to poll it
     */
    LevelScheduler(Levels levels, NanoClock clock, Runnable wakeup) {
        this.levels = levels;
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        final long now = clock.nanoTime();
        final List<Lane> lanes = levels.lanes();
        final int n = lanes.size();
        this.sources = new TaskSource[n];
        this.completeOnClose = new boolean[n];
        this.followup = new int[n];
        long generators = 0;
        for (int c = 0; c < n; c++) {
            Lane lane = lanes.get(c);
            TaskSource s = lane.source().get();
            if (s == null) {
                throw new NullPointerException("source factory of lane '" + lane.name() + "' returned null");
            }
            sources[c] = s;
            s.attach(wakeup); // before the Exec's thread starts: published by Thread.start
            completeOnClose[c] = lane.isCompleteOnClose();
            followup[c] = levels.indexOf(levels.followup(lane));
            if (s.generates()) {
                generators |= 1L << c;
            }
        }
        this.generatorMask = generators;
        this.defaultLane = levels.indexOf(levels.defaultLane());
        this.lanesOfLevel = new int[levels.levels()][];
        this.levelMask = new long[lanesOfLevel.length];
        for (int l = 0; l < levelMask.length; l++) {
            final List<Lane> ofLevel = levels.lanesOf(l);
            lanesOfLevel[l] = new int[ofLevel.size()];
            for (int i = 0; i < lanesOfLevel[l].length; i++) {
                final int c = levels.indexOf(ofLevel.get(i));
                lanesOfLevel[l][i] = c;
                levelMask[l] |= 1L << c;
            }
        }
        this.levelCursor = new int[levelMask.length];
        if (levels.isRoundRobin()) {
            this.sliceNanos = new long[levelMask.length];
            for (int l = 0; l < sliceNanos.length; l++) {
                sliceNanos[l] = levels.sliceNanos(l);
            }
            sliceEnd = now + sliceNanos[0];
        } else {
            this.sliceNanos = null;
        }
    }

    /** This turn's time for {@link #next}: one read of the Exec's clock with round robin, else 0 (no read). */
    long turnTime() {
        return sliceNanos != null ? clock.nanoTime() : 0L;
    }

    Levels levels() {
        return levels;
    }

    /** Queues a run-queue entry: a routed submission, an async task's step, or a plain task (default lane). */
    void dispatch(Runnable entry) {
        if (entry instanceof Routed) {
            Routed r = (Routed) entry;
            offer(r.lane, r.movable ? r : r.task, r.deadline); // movable: itself, to keep lane and deadline
            return;
        }
        AsyncTask task = AsyncTask.of(entry);
        int lane = task != null && task.lane() >= 0 ? task.lane() : defaultLane;
        offer(lane, entry, 0L);
    }

    // ------------------------------------------------------------------------------------------------ RunQueue

    @Override
    public void add(Runnable entry) {
        dispatch(entry); // plain: owner-thread sources and bitmask
    }

    @Override
    public boolean runsInbound() {
        return false; // queued in their lane; the scheduler picks
    }

    @Override
    public int runLocal(Consumer<Runnable> runner, int budget) {
        final long now = turnTime(); // once per turn, and only with round robin
        int ran = 0;
        for (Runnable task; ran < budget && (task = next(now)) != null; ran++) {
            runner.accept(task);
        }
        return ran;
    }

    /** A task's poll returned "not done": its next poll goes to the followup lane (cancelled if closing). */
    @Override
    public void suspended(AsyncTask task, LiveTasks live) {
        final int from = task.lane() < 0 ? defaultLane : task.lane();
        task.lane(followup[from]);
        if (closing && !completesOnClose(task.lane())) {
            live.remove(task);
            task.cancel(); // closing: its lane does not complete on close
        }
    }

    /** Graceful close: take out the tasks of lanes that do not complete on close, and cancel their live tasks. */
    @Override
    public void beginClose(LiveTasks live) {
        if (closing) {
            return;
        }
        beginClose();
        for (AsyncTask t = live.first(); t != null; ) {
            final AsyncTask next = t.nextLive();
            if (!completesOnClose(t.lane())) {
                live.remove(t);
                t.cancel();
            }
            t = next;
        }
    }

    @Override
    public void drainForStop(List<Runnable> into) {
        into.addAll(dropped);
        dropped.clear();
        drainAll(into);
    }

    @Override
    public int size() {
        return dropped.size() + totalQueued();
    }

    void offer(int lane, Runnable entry, long deadline) {
        if (closing && !completeOnClose[lane] && !mustComplete(entry)) {
            drop(lane, entry, dropped);
            return;
        }
        sources[lane].offer(entry, deadline);
        nonEmpty |= 1L << lane; // plain: owner-only bitmask
    }

    private static boolean mustComplete(Runnable entry) {
        return entry instanceof ExecEntry && ((ExecEntry) entry).mustComplete();
    }

    /**
     * Whether no lane holds a task: a generator counts by its {@code size()} (what it could hand out now), so an Exec
     * whose generator made work on another thread does not park on it (the park's re-check calls this after its
     * fence). Called only when a turn found nothing, never per task.
     */
    @Override
    public boolean isEmpty() {
        return (nonEmpty & ~generatorMask) == 0 && totalQueued() == 0;
    }

    /** Tasks queued in the lanes now (a generator counts by its {@code size()}): work balancing's view. */
    int queued() {
        return totalQueued();
    }

    /**
     * Whether {@code entry}, as queued in a lane, may run on another Exec of the group: an un-keyed group submission
     * ({@link Donor.Movable} in the default lane, or a movable {@link Routed}). Keyed, direct, local, async and
     * promise entries are not.
     */
    static boolean isMovable(Runnable entry) {
        return entry instanceof Donor.Movable || entry instanceof Routed && ((Routed) entry).movable;
    }

    /**
     * Work balancing takes tasks to donate, highest level first: from each lane (in its level's order) up to half of
     * what it holds, from its head and only while the head is movable ({@link TaskSource#peek}), so nothing left
     * behind is reordered and a lane's single task stays (it is this Exec's next pick of that lane). Generator lanes
     * and sources that cannot peek give nothing. The entries keep their lane: a {@link Routed} carries it, a
     * {@link Donor.Movable} is in the default lane, which the receiver (same {@link Levels}) maps it to again.
     *
     * @return how many entries were put into {@code into[0..]}, at most {@code max}
     */
    int takeMovable(Runnable[] into, int max) {
        int taken = 0;
        for (int l = 0; l < lanesOfLevel.length && taken < max; l++) {
            for (int c : lanesOfLevel[l]) {
                final long bit = 1L << c;
                if ((nonEmpty & bit) == 0 || ((generatorMask | closedGenerators) & bit) != 0) {
                    continue;
                }
                final TaskSource s = sources[c];
                for (int share = s.size() / 2; share > 0 && taken < max; share--) {
                    final Runnable head = s.peek();
                    if (head == null || !isMovable(head)) {
                        break; // a keyed or pinned head: it and everything behind it stay, in order
                    }
                    into[taken++] = s.poll(); // the head just peeked
                }
                if (s.size() == 0) {
                    nonEmpty &= ~bit; // plain: owner-only bitmask
                }
                if (taken == max) {
                    break;
                }
            }
        }
        return taken;
    }

    private int totalQueued() {
        int n = 0;
        for (int c = 0; c < sources.length; c++) {
            if ((closedGenerators & (1L << c)) == 0) {
                n += sources[c].size();
            }
        }
        return n;
    }

    /** The next task by the scheduler, or {@code null}. {@code now} is this turn's clock (round robin only). */
    Runnable next(long now) {
        return sliceNanos == null ? nextHighestFirst() : nextRoundRobin(now);
    }

    private Runnable nextHighestFirst() {
        final long candidates = nonEmpty | generatorMask;
        if (candidates == 0) {
            return null;
        }
        for (int l = 0; l < levelMask.length; l++) {
            long m = candidates & levelMask[l];
            if (m != 0) {
                Runnable r = pollLevel(l, m);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    private Runnable nextRoundRobin(long now) {
        if (now - sliceEnd >= 0) {
            advance(now);
        }
        final long candidates = nonEmpty | generatorMask;
        if (candidates == 0) {
            return null;
        }
        for (int tried = 0; tried < levelMask.length; tried++) {
            long m = candidates & levelMask[rrLevel];
            if (m != 0) {
                Runnable r = pollLevel(rrLevel, m);
                if (r != null) {
                    return r;
                }
            }
            advance(now); // this level ran dry: its slice ends early
        }
        return null;
    }

    private void advance(long now) {
        rrLevel = rrLevel + 1 == levelMask.length ? 0 : rrLevel + 1;
        sliceEnd = now + sliceNanos[rrLevel];
    }

    /** Lanes of level {@code l} take turns; clears the bit of a lane found empty. */
    private Runnable pollLevel(int l, long mask) {
        final int[] lanes = lanesOfLevel[l];
        final int n = lanes.length;
        for (int k = 0; k < n; k++) {
            int i = levelCursor[l];
            levelCursor[l] = i + 1 == n ? 0 : i + 1;
            int c = lanes[i];
            long bit = 1L << c;
            if ((mask & bit) == 0) {
                continue;
            }
            TaskSource s = sources[c];
            Runnable r = s.poll();
            if (r != null) {
                if (s.size() == 0) {
                    nonEmpty &= ~bit;
                }
                return r;
            }
            nonEmpty &= ~bit;
        }
        return null;
    }

    /**
     * Graceful close begins: tasks of the lanes that do not complete on close are taken out. corepin's own
     * entries ({@link ExecEntry}: promise completions and continuations, yields, scope children) are not the user's
     * tasks and stay, whatever their lane: dropping them would leave their waiters — possibly a task of a
     * complete-on-close lane that the close waits for — hanging. Owner thread.
     */
    void beginClose() {
        if (closing) {
            return;
        }
        closing = true;
        for (int c = 0; c < sources.length; c++) {
            if (!completeOnClose[c]) {
                TaskSource s = sources[c];
                for (int guard = s.size(); guard > 0; guard--) {
                    Runnable r = s.poll();
                    if (r == null) {
                        break;
                    }
                    if (mustComplete(r)) {
                        s.offer(r, 0L); // behind the rest: their order among themselves is kept
                    } else {
                        drop(c, r, dropped); // may run continuations, which may queue entries of ours here
                    }
                }
                if (s.size() == 0) {
                    nonEmpty &= ~(1L << c);
                }
                if ((generatorMask & (1L << c)) != 0) { // a generator whose lane does not complete: closed
                    generatorMask &= ~(1L << c);
                    closedGenerators |= 1L << c;
                    nonEmpty &= ~(1L << c);
                }
            }
        }
    }

    boolean completesOnClose(int lane) {
        return completeOnClose[lane < 0 ? defaultLane : lane];
    }

    /** shutdownNow / termination: everything still queued, every lane. */
    void drainAll(List<Runnable> into) {
        for (int c = 0; c < sources.length; c++) {
            drainInto(c, into);
        }
        nonEmpty = 0;
    }

    private void drainInto(int lane, List<Runnable> into) {
        if ((closedGenerators & (1L << lane)) != 0) {
            return; // handed back what it held when the close began; what it made since was never accepted
        }
        TaskSource s = sources[lane];
        for (int guard = s.size(); guard > 0; guard--) {
            Runnable r = s.poll();
            if (r == null) {
                break;
            }
            drop(lane, r, into);
        }
    }

    /**
     * A task that will not run here: an async task is cancelled, a spawn's body fails its promise now (a task of a
     * complete-on-close lane may be waiting for it, and the close waits for that task), anything else is the
     * caller's and goes into {@code into}.
     */
    private void drop(int lane, Runnable entry, List<Runnable> into) {
        AsyncTask task = AsyncTask.of(entry);
        if (task != null) {
            task.cancel(); // an async task cannot run elsewhere
        } else if (entry instanceof StagePromise && closing && !completeOnClose[lane]) { // not at shutdownNow
            ((StagePromise<?>) entry).completeOnOwner(null, new CancellationException("spawn not run: lane '"
                + levels.lanes().get(lane).name() + "' does not complete on close"));
        } else {
            into.add(entry instanceof Routed ? ((Routed) entry).task : entry);
        }
    }
}
