package io.corepin.telemetry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * A memory-mapped file of live counters that another process can read while this one runs: a small header, then an
 * Agrona {@link CountersManager} metadata buffer (type id, key, label of each counter) and values buffer (one
 * 128-byte record per counter, so no two counters share a cache line).
 *
 * <pre>
 *   0  int  magic "CPIN" (written last, with a release store: a reader that sees it sees the whole header)
 *   4  int  layout version (1)
 *   8  long pid of the writing process
 *  16  long start time, epoch milliseconds
 *  24  int  metadata buffer length
 *  28  int  values buffer length
 * 128  metadata buffer, then values buffer
 * </pre>
 *
 * Each Exec registers one counter per {@link Metric}; all of them carry the Exec's id as Agrona's owner id and the
 * key {@code (int execId, int cpu, int ringCapacity)}, and are labelled {@code "<exec name>: <metric>"}. Freed
 * records become reusable 10 s later, so a stale writer cannot scribble on a new Exec's counters.
 *
 * <p>{@link #create} opens the file for writing (one per process, see {@link Telemetry}); {@link #open} maps an
 * existing one read-only, as {@code corepin-stat} does.
 */
public final class CountersFile implements AutoCloseable {
    /** "CPIN" in the file's (native, little-endian on x86) byte order. */
    public static final int MAGIC = 0x4E49_5043;
    /** Layout version this class writes and reads. */
    public static final int VERSION = 1;
    /** Counters a file made by {@link Telemetry} has room for: 11 per Exec, so about 370 Execs alive at once. */
    public static final int DEFAULT_MAX_COUNTERS = 4096;

    static final int HEADER_LENGTH = 128;
    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 4;
    private static final int PID_OFFSET = 8;
    private static final int START_MILLIS_OFFSET = 16;
    private static final int METADATA_LENGTH_OFFSET = 24;
    private static final int VALUES_LENGTH_OFFSET = 28;
    private static final long FREE_TO_REUSE_MILLIS = 10_000;
    private static final int KEY_EXEC_ID = 0;
    private static final int KEY_CPU = 4;
    private static final int KEY_RING_CAPACITY = 8;

    private final Path path;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final CountersReader reader;
    private final ConcurrentCountersManager manager; // null when read-only
    private final ByteBuffer values; // native-order view of the values buffer, for VarHandle access; null read-only

    private CountersFile(Path path, MappedByteBuffer mapped, boolean writable) {
        this(path, mapped, writable, FREE_TO_REUSE_MILLIS);
    }

    private CountersFile(Path path, MappedByteBuffer mapped, boolean writable, long freeToReuseMillis) {
        this.path = path;
        this.mapped = mapped;
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        final int metaLength = header.getInt(METADATA_LENGTH_OFFSET);
        final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET);
        if (metaLength <= 0 || valuesLength <= 0
            || (long) HEADER_LENGTH + metaLength + valuesLength > mapped.capacity()) {
            throw new IllegalArgumentException(path + ": corrupt corepin counters header (metadata " + metaLength
                + " B, values " + valuesLength + " B, file " + mapped.capacity() + " B)");
        }
        final UnsafeBuffer meta = new UnsafeBuffer(mapped, HEADER_LENGTH, metaLength);
        final UnsafeBuffer vals = new UnsafeBuffer(mapped, HEADER_LENGTH + metaLength, valuesLength);
        if (writable) {
            this.manager = new ConcurrentCountersManager(meta, vals, StandardCharsets.US_ASCII,
                SystemEpochClock.INSTANCE, freeToReuseMillis);
            this.reader = manager;
            this.values = mapped.slice(HEADER_LENGTH + metaLength, valuesLength).order(ByteOrder.nativeOrder());
        } else {
            this.manager = null;
            this.reader = new CountersReader(meta, vals, StandardCharsets.US_ASCII);
            this.values = null;
        }
    }

    /**
     * Creates (or replaces) a counters file for this process and maps it read-write.
     *
     * @param path where; its directory must exist
     * @param maxCounters how many counters it can hold, {@code [Metric.count(), 2^20]}
     * @return the open file
     * @throws IllegalArgumentException naming the value if {@code maxCounters} is out of range
     * @throws IOException if the file cannot be created
     */
    public static CountersFile create(Path path, int maxCounters) throws IOException {
        return create(path, maxCounters, FREE_TO_REUSE_MILLIS, true);
    }

    /**
     * {@link #create(Path, int)} whose freed records are reusable after {@code freeToReuseMillis} instead of 10 s,
     * and, unless {@code fillWithZeros}, sparse (pages take memory once touched): for stress tests that register
     * and free many Execs in a second (see {@code io.corepin.telemetry.StressFiles} in the stress module).
     */
    static CountersFile create(Path path, int maxCounters, long freeToReuseMillis, boolean fillWithZeros)
        throws IOException {
        Objects.requireNonNull(path, "path");
        if (maxCounters < Metric.count() || maxCounters > (1 << 20)) {
            throw new IllegalArgumentException("maxCounters must be in [" + Metric.count() + ", " + (1 << 20)
                + "], got " + maxCounters);
        }
        final int metaLength = maxCounters * CountersReader.METADATA_LENGTH;
        final int valuesLength = maxCounters * CountersReader.COUNTER_LENGTH;
        Files.deleteIfExists(path); // a stale file of a dead process with a recycled pid
        final long length = (long) HEADER_LENGTH + metaLength + valuesLength;
        final MappedByteBuffer mapped = IoUtil.mapNewFile(path.toFile(), length, fillWithZeros);
        final UnsafeBuffer h = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        h.putInt(VERSION_OFFSET, VERSION);
        h.putLong(PID_OFFSET, ProcessHandle.current().pid());
        h.putLong(START_MILLIS_OFFSET, System.currentTimeMillis());
        h.putInt(METADATA_LENGTH_OFFSET, metaLength);
        h.putInt(VALUES_LENGTH_OFFSET, valuesLength);
        h.putIntRelease(MAGIC_OFFSET, MAGIC); // release: last, so a reader that sees the magic sees the header
        return new CountersFile(path, mapped, true, freeToReuseMillis);
    }

    /**
     * Maps an existing counters file read-only.
     *
     * @throws IllegalArgumentException naming the file if it is not a corepin counters file of this version
     * @throws IOException if it cannot be read
     */
    public static CountersFile open(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": no such counters file");
        }
        if (Files.size(path) < HEADER_LENGTH) {
            throw new IllegalArgumentException(path + ": too short for a corepin counters file");
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(path.toFile(), FileChannel.MapMode.READ_ONLY,
            "corepin counters");
        final UnsafeBuffer h = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        final int magic = h.getIntAcquire(MAGIC_OFFSET); // acquire: pairs with the writer's release of the magic
        final int version = h.getInt(VERSION_OFFSET);
        if (magic != MAGIC || version != VERSION) {
            IoUtil.unmap(mapped);
            throw new IllegalArgumentException(path + ": not a corepin counters file of version " + VERSION
                + " (magic 0x" + Integer.toHexString(magic) + ", version " + version + ")");
        }
        return new CountersFile(path, mapped, false);
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /** Pid of the process that wrote the file. */
    public long pid() {
        return header.getLong(PID_OFFSET);
    }

    /** When the writing process created the file, epoch milliseconds. */
    public long startMillis() {
        return header.getLong(START_MILLIS_OFFSET);
    }

    /** Counters still free for registration. */
    public int available() {
        return manager == null ? 0 : manager.available();
    }

    /**
     * One Exec's counters in the file: where each {@link Metric}'s value lives in {@link #values()}. Closing it frees
     * the records (reusable 10 s later).
     */
    public final class Registration implements AutoCloseable {
        private final int[] ids;
        private final int[] offsets;

        private Registration(int[] ids) {
            this.ids = ids;
            this.offsets = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                offsets[i] = CountersReader.counterOffset(ids[i]);
            }
        }

        /** The file's values buffer (native byte order, 8-byte aligned records), shared by all registrations. */
        public ByteBuffer values() {
            return values;
        }

        /** Byte offset of a metric's value in {@link #values()}. */
        public int offset(Metric metric) {
            return offsets[metric.ordinal()];
        }

        @Override
        public void close() {
            for (int id : ids) {
                manager.free(id);
            }
        }
    }

    /**
     * Registers one Exec: allocates a counter per {@link Metric}.
     *
     * @throws IllegalStateException if the file is read-only, or full (nothing stays allocated then)
     */
    public Registration register(int execId, String name, int cpu, int ringCapacity) {
        if (manager == null) {
            throw new IllegalStateException(path + " is open read-only");
        }
        final int[] ids = new int[Metric.count()];
        int done = 0;
        try {
            for (Metric m : Metric.values()) {
                String label = name + ": " + m.shortName();
                if (label.length() > CountersReader.MAX_LABEL_LENGTH) {
                    label = label.substring(0, CountersReader.MAX_LABEL_LENGTH);
                }
                final int id = manager.allocate(label, m.typeId(), key -> {
                    key.putInt(KEY_EXEC_ID, execId);
                    key.putInt(KEY_CPU, cpu);
                    key.putInt(KEY_RING_CAPACITY, ringCapacity);
                });
                manager.setCounterOwnerId(id, execId);
                manager.setCounterValue(id, 0);
                ids[done++] = id;
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < done; i++) {
                manager.free(ids[i]);
            }
            throw e;
        }
        return new Registration(ids);
    }

    /**
     * Reads every registered Exec's counters, in registration order. Values are read one by one (each an atomic
     * 64-bit load), not as one consistent snapshot.
     */
    public List<ExecSample> sample() {
        final Map<Long, ExecSample> byExec = new LinkedHashMap<>();
        reader.forEach((counterId, typeId, key, label) -> {
            final Metric metric = Metric.ofTypeId(typeId);
            if (metric == null || reader.getCounterState(counterId) != CountersReader.RECORD_ALLOCATED) {
                return;
            }
            final long execId = reader.getCounterOwnerId(counterId);
            final int colon = label.lastIndexOf(": ");
            final String name = colon > 0 ? label.substring(0, colon) : label;
            final ExecSample sample = byExec.computeIfAbsent(execId, id -> new ExecSample(
                key.getInt(KEY_EXEC_ID), name, key.getInt(KEY_CPU), key.getInt(KEY_RING_CAPACITY)));
            sample.set(metric, reader.getCounterValue(counterId));
        });
        return new ArrayList<>(byExec.values());
    }

    /** Unmaps the file (the file itself stays; {@link Telemetry} deletes its own at exit). */
    @Override
    public void close() {
        IoUtil.unmap(mapped);
    }

    @Override
    public String toString() {
        return "CountersFile{" + path + ", pid " + pid() + (manager == null ? ", read-only" : "") + '}';
    }
}
