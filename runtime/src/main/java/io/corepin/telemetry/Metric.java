package io.corepin.telemetry;

/**
 * The per-Exec counters corepin keeps, and who writes each. Every one is a 64-bit value in its own 128-byte record
 * of a counters file's values buffer (Agrona's {@code CountersManager} layout), with this metric's {@link #typeId()}.
 *
 * <p><b>Owner-written</b> metrics are stored by the Exec's own thread with plain loads and release stores — no atomic
 * read-modify-write (it is their only writer). <b>Producer-written</b> ones are bumped with an atomic add by the
 * submitting thread, on paths that already cost a failed offer or a CAS plus an unpark. {@link #RING_ENQUEUES} costs
 * producers nothing: the owner derives it from the ring's producer index.
 */
public enum Metric {
    /** Tasks run (ring and local); owner, once per turn. */
    TASKS_RUN("run", true),
    /** Tasks spawned from the Exec's own thread onto its local queue; owner. */
    LOCAL_ENQUEUES("local", true),
    /** Tasks accepted into the inbound ring, read from the ring's producer index by the owner (sampled). */
    RING_ENQUEUES("ring", true),
    /** Tasks waiting in the ring when last sampled by the owner (on waking, every 64 busy turns, on going idle). */
    RING_DEPTH("depth", true),
    /** Highest sampled ring depth so far. */
    RING_DEPTH_HWM("hwm", true),
    /** Times the Exec parked with nothing to do; owner. */
    PARKS("parks", true),
    /** Times a producer found the Exec parked and unparked it; producers (atomic add, after their CAS+unpark). */
    WAKEUPS("wakeups", false),
    /** Tasks refused because the ring was full or the Exec shut down; producers (atomic add, refused path only). */
    REJECTS("rejects", false),
    /** Tasks that threw, plus error handlers that threw; owner. */
    TASK_ERRORS("errors", true),
    /**
     * Nanoseconds spent busy, up to the last sample: from the first turn with work until 16 empty turns in a row or
     * a park (so a spin of up to 16 empty turns between bursts counts as busy).
     */
    BUSY_NANOS("busyNanos", true),
    /**
     * {@code System.nanoTime()} at which the busy time not yet in {@link #BUSY_NANOS} began, or 0 when idle: a reader
     * on the same host adds {@code now - busySince} (both processes read the same monotonic clock on Linux).
     */
    BUSY_SINCE("busySince", true);

    /** Counter type ids start here, so corepin's counters are recognisable in a shared counters file. */
    public static final int TYPE_ID_BASE = 0x4350_0000;

    private static final Metric[] VALUES = values();

    private final String shortName;
    private final boolean ownerWritten;

    Metric(String shortName, boolean ownerWritten) {
        this.shortName = shortName;
        this.ownerWritten = ownerWritten;
    }

    /** The Agrona counter type id of this metric. */
    public int typeId() {
        return TYPE_ID_BASE + ordinal();
    }

    /** A short name for labels and table headers. */
    public String shortName() {
        return shortName;
    }

    /** {@code true} if only the Exec's own thread writes it (plain load + release store). */
    public boolean ownerWritten() {
        return ownerWritten;
    }

    /** The metric with this type id, or {@code null} if it is not one of corepin's. */
    public static Metric ofTypeId(int typeId) {
        int i = typeId - TYPE_ID_BASE;
        return i >= 0 && i < VALUES.length ? VALUES[i] : null;
    }

    /** Number of metrics. */
    public static int count() {
        return VALUES.length;
    }
}
