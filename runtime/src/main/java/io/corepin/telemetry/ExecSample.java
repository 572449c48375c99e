package io.corepin.telemetry;

/** One Exec's counters as read from a {@link CountersFile} at one moment. */
public final class ExecSample {
    private final int execId;
    private final String name;
    private final int cpu;
    private final int ringCapacity;
    private final long[] values = new long[Metric.count()];

    ExecSample(int execId, String name, int cpu, int ringCapacity) {
        this.execId = execId;
        this.name = name;
        this.cpu = cpu;
        this.ringCapacity = ringCapacity;
    }

    void set(Metric metric, long value) {
        values[metric.ordinal()] = value;
    }

    /** The Exec's process-unique id. */
    public int execId() {
        return execId;
    }

    /** The Exec's name. */
    public String name() {
        return name;
    }

    /** The CPU it is pinned to, or -1. */
    public int cpu() {
        return cpu;
    }

    /** Its ring's capacity. */
    public int ringCapacity() {
        return ringCapacity;
    }

    /** A metric's value. */
    public long get(Metric metric) {
        return values[metric.ordinal()];
    }

    /**
     * Busy nanoseconds up to {@code nowNanos} ({@code System.nanoTime()} in this process, the same monotonic clock as
     * the writer's on Linux): the published total plus the running busy stretch, if any.
     */
    public long busyNanosAt(long nowNanos) {
        final long since = get(Metric.BUSY_SINCE);
        return get(Metric.BUSY_NANOS) + (since != 0 ? Math.max(0, nowNanos - since) : 0);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ExecSample{").append(name).append(", cpu ").append(cpu);
        for (Metric m : Metric.values()) {
            sb.append(", ").append(m.shortName()).append('=').append(get(m));
        }
        return sb.append('}').toString();
    }
}
