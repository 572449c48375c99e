package io.corepin;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR: one task has held an Exec longer than its stall threshold ({@link Exec.Builder#stallThreshold}). Emitted once
 * per stall by the stall guard's thread, while the task is still running; the Exec thread's stack is in
 * {@link #stack} (the event's own stack trace would be the guard's, so it is off).
 */
@Name("io.corepin.Stall")
@Label("Exec Stall")
@Category("corepin")
@Description("A task has held an Exec's thread longer than the stall threshold")
@StackTrace(false)
final class StallEvent extends Event {
    @Label("Exec")
    String exec;
    @Label("Task")
    @Description("Where the Exec called into the task: class.method(file:line)")
    String task;
    @Label("Held For")
    @Description("How long the task had held the Exec when the guard reported it (a lower bound)")
    @Timespan(Timespan.MILLISECONDS)
    long durationMillis;
    @Label("Threshold")
    @Timespan(Timespan.MILLISECONDS)
    long thresholdMillis;
    @Label("Queued")
    @Description("The Exec's ring depth when the stall was reported: the tasks waiting behind the stalled one, "
        + "plus its burst (itself included, if it came from the ring)")
    int queued;
    @Label("Stack")
    @Description("The Exec thread's stack when the stall was seen")
    String stack;
}
