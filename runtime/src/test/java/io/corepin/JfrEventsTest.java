package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JFR events: Exec start and stop, with their fields, and rejections with reason and count. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JfrEventsTest {
    @TempDir
    Path dir;

    @Test
    void startStopAndRejectionsAreRecorded() throws Exception {
        Path dump = dir.resolve("corepin.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.corepin.ExecStarted");
            recording.enable("io.corepin.ExecStopped");
            recording.enable("io.corepin.TasksRejected");
            recording.start();
            Exec exec = Exec.builder().name("jfr-exec").daemon(true).ringCapacity(4).build();
            Gate gate = Gate.hold(exec);
            while (exec.offer(() -> { }) >= 0) {
                Thread.onSpinWait(); // fill the ring behind the gate
            }
            Runnable[] burst = {() -> { }, () -> { }, () -> { }};
            assertEquals(0, exec.offerBurst(burst, 0, 3));
            gate.open();
            exec.close();
            assertEquals(Exec.CLOSED, exec.offer(() -> { }));
            recording.stop();
            recording.dump(dump);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(dump).stream()
            .filter(e -> e.getEventType().getName().startsWith("io.corepin.")
                && "jfr-exec".equals(e.getString("exec")))
            .collect(Collectors.toList());
        List<RecordedEvent> started = of(events, "io.corepin.ExecStarted");
        List<RecordedEvent> stopped = of(events, "io.corepin.ExecStopped");
        List<RecordedEvent> rejected = of(events, "io.corepin.TasksRejected");
        assertEquals(1, started.size(), events.toString());
        assertEquals(4, started.get(0).getInt("ringCapacity"));
        assertEquals(1, stopped.size(), events.toString());
        assertTrue(stopped.get(0).getLong("tasksRun") >= 4, stopped.toString());
        assertEquals(4, stopped.get(0).getLong("rejects"), "1 offer + a burst of 3 before the stop: " + stopped);
        assertEquals(3, rejected.size(), rejected.toString());
        assertEquals("ring full", rejected.get(0).getString("reason"));
        assertEquals(1, rejected.get(0).getInt("tasks"));
        assertEquals(3, rejected.get(1).getInt("tasks"));
        assertEquals("shut down", rejected.get(2).getString("reason"));
    }

    private static List<RecordedEvent> of(List<RecordedEvent> events, String type) {
        return events.stream().filter(e -> e.getEventType().getName().equals(type)).collect(Collectors.toList());
    }
}
