package io.corepin;

import io.corepin.telemetry.Metric;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where one Exec's counters live: a values buffer (a counters file's, or private memory) and each {@link Metric}'s
 * byte offset in it. Immutable, so {@link ExecCounters} swaps both at once: whoever holds a {@code CounterSlots}
 * holds a buffer and offsets that belong together (final fields: seen whole by any thread that sees the object).
 */
final class CounterSlots {
    /** A long in a (direct, native-order) ByteBuffer. */
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final int RECORD = 128;

    private final ByteBuffer values;
    private final int[] at;

    CounterSlots(ByteBuffer values, int[] at) {
        this.values = values;
        this.at = at;
    }

    /**
     * Fresh private memory (zeroed): one 128-byte record per metric, on the heap (an Exec per {@code blockOn} call
     * must be cheap: no native allocation, no cleaner), in a slice aligned to 8 bytes, which the VarHandle's atomic
     * access modes require ({@code alignedSlice} refuses if the JVM cannot keep a heap buffer's alignment stable).
     */
    static CounterSlots allocatePrivate() {
        final int[] at = new int[Metric.count()];
        for (int i = 0; i < at.length; i++) {
            at[i] = i * RECORD;
        }
        final int size = Metric.count() * RECORD + Long.BYTES - 1;
        final ByteBuffer values = HEAP_ALIGNS ? ByteBuffer.allocate(size).alignedSlice(Long.BYTES)
            : ByteBuffer.allocateDirect(size).alignedSlice(Long.BYTES);
        return new CounterSlots(values.order(ByteOrder.nativeOrder()), at);
    }

    /**
     * Whether this JVM keeps a heap buffer's alignment for 8-byte units (JDK 17 does; later JDKs refuse,
     * {@code UnsupportedOperationException} from {@code alignedSlice}): if not, private memory is a direct buffer.
     */
    private static final boolean HEAP_ALIGNS = heapAligns();

    private static boolean heapAligns() {
        try {
            ByteBuffer.allocate(2 * Long.BYTES).alignedSlice(Long.BYTES);
            return true;
        } catch (UnsupportedOperationException refused) {
            return false;
        }
    }

    /** Owner-written metrics: plain load, release store (the owner is the only writer; no read-modify-write). */
    void addOwned(Metric metric, long n) {
        final int offset = at[metric.ordinal()];
        LONG.setRelease(values, offset, (long) LONG.get(values, offset) + n);
    }

    /** Owner-written metrics: release store, so a reader sees it whole, in order. */
    void set(Metric metric, long value) {
        LONG.setRelease(values, at[metric.ordinal()], value);
    }

    /** Producer-written metrics: atomic add (producers race). */
    void addShared(Metric metric, long n) {
        LONG.getAndAdd(values, at[metric.ordinal()], n);
    }

    /** Producer-written metrics: takes the value out, leaving 0 (atomic swap), to move it to other slots. */
    long take(Metric metric) {
        return (long) LONG.getAndSet(values, at[metric.ordinal()], 0L);
    }

    /** Acquire load; any thread. */
    long get(Metric metric) {
        return (long) LONG.getAcquire(values, at[metric.ordinal()]);
    }
}
