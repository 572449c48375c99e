package io.corepin;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** 128 bytes before the counters (see {@link ExecCounters}). */
abstract class ExecCountersPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** The counters' fields, between two pads. */
abstract class ExecCountersFields extends ExecCountersPad0 {
    static final VarHandle TASKS_RUN;
    static final VarHandle TASK_ERRORS;
    static final VarHandle PARKS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TASKS_RUN = lookup.findVarHandle(ExecCountersFields.class, "tasksRun", long.class);
            TASK_ERRORS = lookup.findVarHandle(ExecCountersFields.class, "taskErrors", long.class);
            PARKS = lookup.findVarHandle(ExecCountersFields.class, "parks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long tasksRun;
    private long taskErrors;
    private long parks;
    /** Consecutive turns without work. Plain: owner only. */
    int idleTurns;
}

/**
 * What an Exec's own thread writes while it runs: counters and its idle count. They live apart from the fields
 * producers read on every submit (the ring, the thread, the parked flag), padded on both sides, so a turn's counter
 * update does not invalidate the submitters' copy of those. Written by the owner with opaque stores (plain movs,
 * no read-modify-write); read from anywhere with opaque loads.
 */
final class ExecCounters extends ExecCountersFields {
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;

    void addTasksRun(int n) {
        TASKS_RUN.setOpaque(this, (long) TASKS_RUN.getOpaque(this) + n); // opaque: owner-only writer, no RMW
    }

    void addTaskError() {
        TASK_ERRORS.setOpaque(this, (long) TASK_ERRORS.getOpaque(this) + 1); // opaque: owner-only writer
    }

    void addPark() {
        PARKS.setOpaque(this, (long) PARKS.getOpaque(this) + 1); // opaque: owner-only writer
    }

    long tasksRun() {
        return (long) TASKS_RUN.getOpaque(this);
    }

    long taskErrors() {
        return (long) TASK_ERRORS.getOpaque(this);
    }

    long parks() {
        return (long) PARKS.getOpaque(this);
    }
}
