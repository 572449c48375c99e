package io.corepin.metrics;

import io.corepin.telemetry.CountersFile;
import io.corepin.telemetry.ExecSample;
import io.corepin.telemetry.Metric;

/**
 * One Exec's record in the process's counters file, read at scrape time by its exec id. After the Exec stops (its
 * records freed) it keeps answering the last values it read, so counters never go backwards.
 */
final class FileCounters {
    private final CountersFile file;
    private final int execId;
    /** Last values read; guarded by {@code this} (scrapes may run concurrently). */
    private final long[] last = new long[Metric.count()];
    private boolean gone;
    /** Highest busy time answered, so the busy counter never goes backwards either; guarded by {@code this}. */
    private double busySeconds;

    private FileCounters(CountersFile file, int execId) {
        this.file = file;
        this.execId = execId;
    }

    /** The record of the only Exec named {@code name} in {@code file}, or null if there is none or several. */
    static FileCounters find(CountersFile file, String name) {
        ExecSample found = null;
        for (ExecSample s : file.sample()) {
            if (s.name().equals(name)) {
                if (found != null) {
                    return null; // ambiguous: two live Execs share the name
                }
                found = s;
            }
        }
        return found == null ? null : new FileCounters(file, found.execId());
    }

    /** The metric's current value (or its last one, once the Exec has left the file). */
    synchronized double read(Metric metric) {
        refresh();
        return last[metric.ordinal()];
    }

    /** Busy time in seconds, including the busy stretch running now. */
    synchronized double busySeconds() {
        final long now = System.nanoTime();
        final ExecSample s = refresh();
        if (s != null) {
            busySeconds = Math.max(busySeconds, s.busyNanosAt(now) / 1e9);
        }
        return busySeconds;
    }

    private ExecSample refresh() {
        if (gone) {
            return null;
        }
        for (ExecSample s : file.sample()) {
            if (s.execId() == execId) {
                for (Metric m : Metric.values()) {
                    last[m.ordinal()] = s.get(m);
                }
                return s;
            }
        }
        gone = true; // freed records may be reused by a new Exec with another id; never read them again
        return null;
    }
}
