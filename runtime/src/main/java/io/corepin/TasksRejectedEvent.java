package io.corepin;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * JFR: an offer to an Exec was refused (its ring was full, or it was shut down), emitted on the producer's thread
 * with a stack trace: one event per refused {@code offer}/{@code execute}, or per partly refused burst. Under
 * sustained overload that is one event per refusal, so enable it for diagnosis rather than in an always-on recording.
 */
@Name("io.corepin.TasksRejected")
@Label("Tasks Rejected")
@Category("corepin")
@Description("Tasks an Exec refused because its ring was full or it was shut down")
final class TasksRejectedEvent extends Event {
    @Label("Exec")
    String exec;
    @Label("Reason")
    String reason;
    @Label("Tasks")
    int tasks;
}
