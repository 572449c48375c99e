package io.corepin;

import io.corepin.ring.MpscRing;
import io.corepin.telemetry.CountersFile;
import io.corepin.telemetry.Metric;
import io.corepin.telemetry.Telemetry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** 128 bytes before the counters (see {@link ExecCounters}). */
abstract class ExecCountersPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** The counters' fields, between two pads. */
abstract class ExecCountersFields extends ExecCountersPad0 {
    /** A long in a (direct, native-order) ByteBuffer: the counters file's values, or this Exec's private ones. */
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    static final VarHandle TASK_SEQ;
    static final VarHandle TURN_END_SEQ;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TASK_SEQ = lookup.findVarHandle(ExecCountersFields.class, "taskSeq", long.class);
            TURN_END_SEQ = lookup.findVarHandle(ExecCountersFields.class, "turnEndSeq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Where the values live, and each {@link Metric}'s byte offset in it. Written by the owner in start/stop (before
     * the Exec is handed out, and after it stopped); read by producers on their refused/wake-up paths only.
     */
    ByteBuffer values;
    int[] at;

    /** Consecutive turns without work. Plain: owner only. */
    int idleTurns;
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
}

/**
 * What an Exec counts about itself ({@link Metric}): kept apart from the fields producers read on every submit (the
 * ring, the thread, the parked flag), padded on both sides, so a turn's counter update does not invalidate the
 * submitters' copy of those.
 *
 * <p>The values live in one 128-byte record per metric — in a private direct buffer, or, when {@link Telemetry} has a
 * counters file, in that file's values buffer where {@code corepin-stat} reads them live. Either way the code is the
 * same: owner-written metrics take a plain load and a release store (a plain {@code mov} on x86, no read-modify-write;
 * the owner is their only writer), producer-written ones an atomic add on paths that already cost a refused offer or
 * a CAS plus an unpark. The ring's enqueue count and depth are sampled by the owner from the ring's indexes every
 * {@value #SAMPLE_EVERY} busy turns and when it goes idle, so producers pay nothing for them; so is the busy time
 * (one {@code System.nanoTime()} per sample, and one when a busy stretch begins and ends — see {@link #IDLE_TURNS}; a
 * sample is also taken then).
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
    private static final int RECORD = 128;
    private static final AtomicInteger NEXT_ID = new AtomicInteger();
    private static final AtomicBoolean FULL_LOGGED = new AtomicBoolean();

    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;

    private final int id = NEXT_ID.incrementAndGet();

    ExecCounters() {
        usePrivate();
    }

    /** Switches to a fresh private buffer (zeroed): one 128-byte record per metric. */
    private void usePrivate() {
        values = ByteBuffer.allocateDirect(Metric.count() * RECORD).order(ByteOrder.nativeOrder());
        at = new int[Metric.count()];
        for (int i = 0; i < at.length; i++) {
            at[i] = i * RECORD;
        }
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Owner thread, before the Exec is handed out: registers in the process's counters file, if there is one, and
     * emits the JFR start event. Never throws: telemetry must not stop an Exec from starting.
     */
    void start(Exec exec, MpscRing<?> ring) {
        this.ring = ring;
        String file = "";
        try {
            CountersFile f = Telemetry.countersFile().orElse(null);
            if (f != null) {
                CountersFile.Registration r = f.register(id, exec.name(), exec.cpu(), ring.capacity());
                int[] offsets = new int[Metric.count()];
                for (Metric m : Metric.values()) {
                    offsets[m.ordinal()] = r.offset(m);
                }
                values = r.values();
                at = offsets;
                registration = r;
                file = f.path().toString();
            }
        } catch (RuntimeException | LinkageError e) {
            if (FULL_LOGGED.compareAndSet(false, true)) {
                System.getLogger("io.corepin.telemetry").log(System.Logger.Level.WARNING, exec.name()
                    + ": counters not published (" + e + "); further failures are not logged", e);
            }
        }
        ExecStartedEvent event = new ExecStartedEvent();
        if (event.shouldCommit()) {
            event.exec = exec.name();
            event.cpu = exec.cpu();
            event.ringCapacity = ring.capacity();
            event.countersFile = file;
            event.commit();
        }
    }

    /**
     * Owner thread, as it finishes: closes the busy time, takes a last sample, emits the JFR stop event, and moves
     * the values out of the counters file into private memory (so the getters keep working) before freeing the
     * file's records.
     */
    void stop(Exec exec) {
        if (busy) {
            wentIdle();
        }
        if (ring != null) {
            sampleRing();
        }
        ExecStoppedEvent event = new ExecStoppedEvent();
        if (event.shouldCommit()) {
            event.exec = exec.name();
            event.tasksRun = get(Metric.TASKS_RUN);
            event.taskErrors = get(Metric.TASK_ERRORS);
            event.rejects = get(Metric.REJECTS);
            event.busyNanos = get(Metric.BUSY_NANOS);
            event.commit();
        }
        CountersFile.Registration r = registration;
        if (r != null) {
            long[] last = new long[Metric.count()];
            for (Metric m : Metric.values()) {
                last[m.ordinal()] = get(m);
            }
            usePrivate();
            for (Metric m : Metric.values()) {
                LONG.setRelease(values, at[m.ordinal()], last[m.ordinal()]); // release: published by termination
            }
            registration = null;
            r.close();
        }
    }

    // ------------------------------------------------------------------------------------------- owner thread

    /** Plain load, release store: the owner is the only writer (no read-modify-write). */
    private void add(Metric metric, long n) {
        final int offset = at[metric.ordinal()];
        LONG.setRelease(values, offset, (long) LONG.get(values, offset) + n);
    }

    private void set(Metric metric, long value) {
        LONG.setRelease(values, at[metric.ordinal()], value); // release: a reader sees it whole, in order
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

    /** End of a turn that ran {@code n > 0} tasks. */
    void addTasksRun(int n) {
        TURN_END_SEQ.setOpaque(this, taskSeq); // opaque: the stall guard sees the Exec is between tasks
        add(Metric.TASKS_RUN, n);
        if (!busy) {
            becameBusy();
        } else if ((++busyTurns & (SAMPLE_EVERY - 1)) == 0) {
            sampleRing();
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
        busyStamp = System.nanoTime();
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
            add(Metric.BUSY_NANOS, System.nanoTime() - busyStamp);
            set(Metric.BUSY_SINCE, 0); // after BUSY_NANOS: a reader reads SINCE first, then NANOS
        }
        sampleRing();
    }

    /** Enqueues and depth from the ring's indexes (one volatile load of the producers' index), and busy time. */
    private void sampleRing() {
        final long enqueued = ring.enqueuedCount(); // volatile: the producers' claim index
        final long depth = Math.max(0, enqueued - ring.dequeuedCount());
        set(Metric.RING_ENQUEUES, enqueued);
        set(Metric.RING_DEPTH, depth);
        if (depth > depthHighWater) {
            depthHighWater = depth;
            set(Metric.RING_DEPTH_HWM, depth);
        }
        if (busy) {
            final long now = System.nanoTime();
            add(Metric.BUSY_NANOS, now - busyStamp);
            busyStamp = now;
            set(Metric.BUSY_SINCE, now);
        }
    }

    // ----------------------------------------------------------------------------------------------- producers

    /** A producer won the CAS on a parked Exec and unparked it. */
    void wokeUp() {
        LONG.getAndAdd(values, at[Metric.WAKEUPS.ordinal()], 1L); // atomic: producers race; slow path only
    }

    /**
     * A producer's offer of {@code requested} tasks came back with {@code result} (accepted count, or FULL/CLOSED):
     * counts the refused ones and emits a JFR event.
     */
    void refused(Exec exec, int result, int requested) {
        final int n = result < 0 ? requested : requested - result;
        if (n <= 0) {
            return;
        }
        LONG.getAndAdd(values, at[Metric.REJECTS.ordinal()], (long) n); // atomic: producers race; refused path only
        TasksRejectedEvent event = new TasksRejectedEvent();
        if (event.shouldCommit()) {
            event.exec = exec.name();
            event.reason = result == Exec.CLOSED ? "shut down" : "ring full";
            event.tasks = n;
            event.commit();
        }
    }

    // ---------------------------------------------------------------------------------------------- any thread

    /** A metric's current value (acquire load; any thread). */
    long get(Metric metric) {
        return (long) LONG.getAcquire(values, at[metric.ordinal()]);
    }

    long tasksRun() {
        return get(Metric.TASKS_RUN);
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
}
