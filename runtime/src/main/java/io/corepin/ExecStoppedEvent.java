package io.corepin;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR: an Exec's thread is finishing (after shutdown or shutdownNow), with its lifetime totals. */
@Name("io.corepin.ExecStopped")
@Label("Exec Stopped")
@Category("corepin")
@Description("An Exec's thread is finishing; totals over its life")
@StackTrace(false)
final class ExecStoppedEvent extends Event {
    @Label("Exec")
    String exec;
    @Label("Tasks Run")
    long tasksRun;
    @Label("Task Errors")
    long taskErrors;
    @Label("Tasks Rejected")
    long rejects;
    @Label("Busy Time")
    @Timespan(Timespan.NANOSECONDS)
    long busyNanos;
}
