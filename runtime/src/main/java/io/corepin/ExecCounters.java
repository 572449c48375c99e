package io.corepin;

import io.corepin.ring.MpscRing;
import io.corepin.ring.internal.VarHandles;
import io.corepin.telemetry.CountersFile;
import io.corepin.telemetry.Metric;
import io.corepin.telemetry.Telemetry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.concurrent.NanoClock;

/** 128 bytes before the counters (see {@link ExecCounters}). */
abstract class ExecCountersPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** The counters' fields, between two pads. */
abstract class ExecCountersFields extends ExecCountersPad0 {
    static final VarHandle SLOTS =
        VarHandles.field(MethodHandles.lookup(), ExecCountersFields.class, "slots", CounterSlots.class);
    static final VarHandle TASK_SEQ =
        VarHandles.field(MethodHandles.lookup(), ExecCountersFields.class, "taskSeq", long.class);
    static final VarHandle TURN_END_SEQ =
        VarHandles.field(MethodHandles.lookup(), ExecCountersFields.class, "turnEndSeq", long.class);
    static final VarHandle RUN =
        VarHandles.field(MethodHandles.lookup(), ExecCountersFields.class, "run", long.class);

    /**
     * Where the values live (the counters file's records, or private memory) and each {@link Metric}'s offset, as
     * one immutable pair: swapped whole by the owner in start (before the Exec is handed out) and stop. The owner
     * reads it plain; producers (on their refused/wake-up paths only) and readers with an acquire load.
     */
    CounterSlots slots;

    /** Consecutive turns without work since the last that had some (up to {@code IDLE_TURNS}). Plain: owner only. */
    int emptyTurns;
    /** Tombstones of the stall rescue run in this turn, to leave out of its count. Plain: owner only. */
    int uncounted;
    /** Owner-only state (plain): whether the last turn had work, when the unpublished busy stretch began. */
    boolean busy;
    int busyTurns;
    long busyStamp;
    long depthHighWater;
    MpscRing<?> ring;
    CountersFile.Registration registration;
    /** Stall guard: number of the task running now (or last run). Owner: plain load, opaque store per task. */
    long taskSeq;
    /** Stall guard: {@link #taskSeq} when the last turn that ran tasks ended (equal: not inside a task). */
    long turnEndSeq;
    /**
     * {@link Metric#TASKS_RUN}, counted here at the end of every turn that ran tasks (owner: plain load, opaque store
     * — a plain mov beside the stall stamp, where a counters-buffer update per turn took a chain of calls, as C2
     * compiled the buffer view) and copied into the slots when the ring is sampled. Getters read it opaque.
     */
    long run;
}

/**
 * What an Exec counts about itself ({@link Metric}): kept apart from the fields producers read on every submit (the
 * ring, the thread, the parked flag), padded on both sides, so a turn's counter update does not invalidate the
 * submitters' copy of those.
 *
 * <p>The values live in one 128-byte record per metric — in a private heap buffer, or, when {@link Telemetry} has a
 * counters file, in that file's values buffer where {@code corepin-stat} reads them live. Either way the code is the
 * same: owner-written metrics take a plain load and a release store (a plain {@code mov} on x86, no read-modify-write;
 * the owner is their only writer), producer-written ones an atomic add on paths that already cost a refused offer or
 * a CAS plus an unpark. The ring's enqueue count and depth are sampled by the owner from the ring's indexes every
 * {@value #SAMPLE_EVERY} busy turns and when it goes idle, so producers pay nothing for them; so is the busy time
 * (one read of the Exec's clock per sample, and one when a busy stretch begins and ends — see {@link #IDLE_TURNS}; a
 * sample is also taken then). That clock is the Exec's ({@link Exec.Builder#clock}, {@code System.nanoTime()} by
 * default), passed in at construction: busy time and {@link Metric#BUSY_SINCE} are measured on it.
 */
final class ExecCounters extends ExecCountersFields {
    static final int SAMPLE_EVERY = 64;
    /**
     * Consecutive empty turns after which the Exec counts as idle (or sooner, when it parks). A consumer that keeps
     * catching up with its producers sees an empty turn every few tasks; stamping the clock on each of those would
     * cost more than the tasks. So a busy stretch ends only after this many empty turns (a short spin, well under a
     * microsecond, counted as busy) or at a park.
     */
    static final int IDLE_TURNS = 16;
    private static final AtomicInteger NEXT_ID = new AtomicInteger();
    private static final AtomicBoolean FULL_LOGGED = new AtomicBoolean();

    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;

    private final int id = NEXT_ID.incrementAndGet();
    /** The Exec's clock, for busy time. Immutable; read by the owner only. */
    private final NanoClock clock;

    ExecCounters(NanoClock clock) {
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        slots = CounterSlots.allocatePrivate(); // plain: published with the Exec
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** Before the Exec is handed out: the ring whose indexes the owner samples (hosted Execs never call start). */
    void sampleFrom(MpscRing<?> ring) {
        this.ring = ring;
    }

    /**
     * Owner thread, before the Exec is handed out: registers in the process's counters file, if there is one, and
     * emits the JFR start event. Never throws: telemetry must not stop an Exec from starting.
     */
    void start(String exec, int cpu, MpscRing<?> ring) {
        CountersFile f = null;
        try {
            f = Telemetry.countersFile().orElse(null);
        } catch (RuntimeException | LinkageError e) {
            logNotPublished(exec, e);
        }
        start(exec, cpu, ring, f);
    }

    /** {@link #start(String, int, MpscRing)} registering in {@code f} ({@code null}: private counters only). */
    void start(String exec, int cpu, MpscRing<?> ring, CountersFile f) {
        this.ring = ring;
        String file = "";
        try {
            if (f != null) {
                CountersFile.Registration r = f.register(id, exec, cpu, ring.capacity());
                int[] offsets = new int[Metric.count()];
                for (Metric m : Metric.values()) {
                    offsets[m.ordinal()] = r.offset(m);
                }
                SLOTS.setRelease(this, new CounterSlots(r.values(), offsets)); // release: before the hand-out anyway
                registration = r;
                file = f.path().toString();
            }
        } catch (RuntimeException | LinkageError e) {
            logNotPublished(exec, e);
        }
        ExecStartedEvent event = new ExecStartedEvent();
        if (event.shouldCommit()) {
            event.exec = exec;
            event.cpu = cpu;
            event.ringCapacity = ring.capacity();
            event.countersFile = file;
            event.commit();
        }
    }

    private static void logNotPublished(String exec, Throwable e) {
        if (FULL_LOGGED.compareAndSet(false, true)) {
            System.getLogger("io.corepin.telemetry").log(System.Logger.Level.WARNING, exec
                + ": counters not published (" + e + "); further failures are not logged", e);
        }
    }

    /**
     * Owner thread, as it finishes: closes the busy time, takes a last sample, emits the JFR stop event, and moves
     * the values out of the counters file into private memory (so the getters keep working) before freeing the
     * file's records. Producers racing it (a submit refused by the closing Exec, a wake-up) count exactly once, in
     * one place: the swap is one store of an immutable {@link CounterSlots}, and a producer-written count that lands
     * in the file's slots after they were emptied is moved over by its producer ({@link #addShared}).
     */
    void stop(String exec) {
        if (busy) {
            wentIdle();
        }
        if (ring != null) {
            sampleRing();
        }
        ExecStoppedEvent event = new ExecStoppedEvent();
        if (event.shouldCommit()) {
            event.exec = exec;
            event.tasksRun = get(Metric.TASKS_RUN);
            event.taskErrors = get(Metric.TASK_ERRORS);
            event.rejects = get(Metric.REJECTS);
            event.busyNanos = get(Metric.BUSY_NANOS);
            event.commit();
        }
        CountersFile.Registration r = registration;
        if (r != null) {
            final CounterSlots file = slots; // plain: the owner swaps it
            final CounterSlots own = CounterSlots.allocatePrivate();
            for (Metric m : Metric.values()) {
                if (m.ownerWritten()) {
                    own.set(m, file.get(m)); // final values: this thread is their only writer
                }
            }
            // volatile store, then take the producers' counts out of the file: a producer's add either precedes our
            // take in that slot (we move it), or follows it and then sees this store (it moves it itself)
            SLOTS.setVolatile(this, own);
            for (Metric m : Metric.values()) {
                if (!m.ownerWritten()) {
                    own.addShared(m, file.take(m)); // atomic swap, atomic add: producers may be adding
                }
            }
            registration = null;
            r.close();
        }
    }

    // ------------------------------------------------------------------------------------------- owner thread

    /** Plain load, release store: the owner is the only writer (no read-modify-write). */
    private void add(Metric metric, long n) {
        slots.addOwned(metric, n); // plain: the owner is the only writer of slots
    }

    private void set(Metric metric, long value) {
        slots.set(metric, value); // release store: a reader sees it whole, in order
    }

    /**
     * {@code -Dcorepin.stallStamp=false} leaves the per-task stamp out (the JIT folds this constant, so neither
     * setting costs a branch); only for measuring the stamp (bench StallGuardCost): the stall guard then sees nothing.
     */
    static final boolean STALL_STAMP = !"false".equals(System.getProperty("corepin.stallStamp"));

    /** Before each task: the stall guard's stamp, one opaque store (a plain mov; no clock read, no reference). */
    void taskStarted() {
        if (STALL_STAMP) {
            TASK_SEQ.setOpaque(this, taskSeq + 1); // opaque: owner-only writer; the guard reads it with opaque loads
        }
    }

    /**
     * A stall rescue's tombstone ran ({@link Rescue}): it stands for a task that ran on a sibling, so this turn's
     * count is one lower. Plain: owner only.
     */
    void uncountTask() {
        uncounted++;
    }

    /** End of a turn that ran {@code n > 0} tasks (a rescue's tombstones among them not counted). */
    void addTasksRun(int n) {
        TURN_END_SEQ.setOpaque(this, taskSeq); // opaque: the stall guard sees the Exec is between tasks
        emptyTurns = 0; // plain: owner only
        if (uncounted != 0) { // plain: a rescue's tombstones ran this turn (rare)
            n -= uncounted;
            uncounted = 0;
        }
        RUN.setOpaque(this, run + n); // opaque: the owner is the only writer; a plain mov, no read-modify-write
        if (!busy) {
            becameBusy();
        } else if ((++busyTurns & (SAMPLE_EVERY - 1)) == 0) {
            sampleRing();
        }
    }

    /**
     * End of a turn that ran nothing: after {@link #IDLE_TURNS} of them in a row the busy stretch closes (busy
     * time, ring sample). Plain loads and stores: owner only.
     */
    void emptyTurn() {
        if (emptyTurns < IDLE_TURNS && ++emptyTurns == IDLE_TURNS) {
            wentIdle(); // telemetry: busy -> idle
        }
    }

    void addTaskError() {
        add(Metric.TASK_ERRORS, 1);
    }

    /** The Exec is about to park: certainly idle. */
    void addPark() {
        add(Metric.PARKS, 1);
        if (busy) {
            wentIdle();
        }
    }

    void addLocalEnqueue() {
        add(Metric.LOCAL_ENQUEUES, 1);
    }

    private void becameBusy() {
        busy = true;
        busyTurns = 0;
        busyStamp = clock.nanoTime();
        set(Metric.BUSY_SINCE, busyStamp);
        sampleRing(); // the backlog that built up while idle (rare: after a park or 16 empty turns)
    }

    /**
     * {@link #IDLE_TURNS} empty turns in a row, or a park: closes the busy stretch and samples the (now empty)
     * ring. Owner thread.
     */
    void wentIdle() {
        if (busy) {
            busy = false;
            add(Metric.BUSY_NANOS, clock.nanoTime() - busyStamp);
            set(Metric.BUSY_SINCE, 0); // after BUSY_NANOS: a reader reads SINCE first, then NANOS
        }
        sampleRing();
    }

    /**
     * Enqueues and depth from the ring's indexes (one volatile load of the producers' index), busy time, and the
     * tasks run so far into the slots.
     */
    private void sampleRing() {
        set(Metric.TASKS_RUN, run); // plain load: owner only
        final long enqueued = ring.enqueuedCount(); // volatile: the producers' claim index
        final long depth = Math.max(0, enqueued - ring.dequeuedCount());
        set(Metric.RING_ENQUEUES, enqueued);
        set(Metric.RING_DEPTH, depth);
        if (depth > depthHighWater) {
            depthHighWater = depth;
            set(Metric.RING_DEPTH_HWM, depth);
        }
        if (busy) {
            final long now = clock.nanoTime();
            add(Metric.BUSY_NANOS, now - busyStamp);
            busyStamp = now;
            set(Metric.BUSY_SINCE, now);
        }
    }

    // ----------------------------------------------------------------------------------------------- producers

    /** A producer won the CAS on a parked Exec and unparked it. */
    void wokeUp() {
        addShared(Metric.WAKEUPS, 1L); // atomic: producers race; slow path only
    }

    /**
     * A producer's offer of {@code requested} tasks came back with {@code result} (accepted count, or FULL/CLOSED):
     * counts the refused ones and emits a JFR event.
     */
    void refused(String exec, int result, int requested) {
        final int n = result < 0 ? requested : requested - result;
        if (n <= 0) {
            return;
        }
        addShared(Metric.REJECTS, n); // atomic: producers race; refused path only
        TasksRejectedEvent event = new TasksRejectedEvent();
        if (event.shouldCommit()) {
            event.exec = exec;
            event.reason = result == Exec.CLOSED ? "shut down" : "ring full";
            event.tasks = n;
            event.commit();
        }
    }

    /**
     * A producer-written count: an atomic add into the slots read with an acquire load. If {@link #stop} swapped
     * them meanwhile (volatile load after the add), its take may have come before our add: move what is left there
     * ourselves (an atomic swap, so each count is moved once, by whichever swap follows it).
     */
    private void addShared(Metric metric, long n) {
        final CounterSlots s = (CounterSlots) SLOTS.getAcquire(this); // acquire: a whole buffer/offsets pair
        s.addShared(metric, n);
        final CounterSlots now = (CounterSlots) SLOTS.getVolatile(this); // volatile: after the add, see stop()
        if (now != s) {
            final long left = s.take(metric);
            if (left != 0) {
                now.addShared(metric, left);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- any thread

    /** A metric's current value (acquire load; any thread). */
    long get(Metric metric) {
        return ((CounterSlots) SLOTS.getAcquire(this)).get(metric); // acquire: a whole buffer/offsets pair
    }

    /** Exact at once (the slots' copy follows at the next ring sample): an opaque load of the owner's count. */
    long tasksRun() {
        return (long) RUN.getOpaque(this);
    }

    long taskErrors() {
        return get(Metric.TASK_ERRORS);
    }

    long parks() {
        return get(Metric.PARKS);
    }

    /** The stall guard's view (opaque loads; any thread). */
    long taskSeq() {
        return (long) TASK_SEQ.getOpaque(this);
    }

    long turnEndSeq() {
        return (long) TURN_END_SEQ.getOpaque(this);
    }

    /**
     * Any thread: the number of the task running now, or -1 between tasks' turns (idle, parked, or a turn that ran
     * nothing). Opaque loads, turnEndSeq first: it never passes taskSeq.
     */
    long runningTaskSeq() {
        final long ended = turnEndSeq();
        final long seq = taskSeq();
        return seq == ended ? -1 : seq;
    }
}
