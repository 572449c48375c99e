package io.corepin;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: an Exec's thread started (and pinned, if asked), emitted on that thread. */
@Name("io.corepin.ExecStarted")
@Label("Exec Started")
@Category("corepin")
@Description("An Exec's thread started; cpu is where it is pinned, -1 if not")
@StackTrace(false)
final class ExecStartedEvent extends Event {
    @Label("Exec")
    String exec;
    @Label("CPU")
    int cpu;
    @Label("Ring Capacity")
    int ringCapacity;
    @Label("Counters File")
    String countersFile;
}
