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
     * Whether private counters can live on the heap: JDK 17 to 21 keep a heap buffer's alignment stable and allow the
     * VarHandle's atomic access modes on an aligned slice of it; from JDK 22 (JDK-8318966) {@code alignedSlice} refuses
     * heap buffers with a unit size above 1 and a heap buffer's view allows plain get and set only. Probed once.
     */
    private static final boolean HEAP_ALIGNED = heapAlignable();

    /**
     * Fresh private memory (zeroed): one 128-byte record per metric, in a slice aligned to 8 bytes, which the
     * VarHandle's atomic access modes require. On the heap where the JDK allows it (an Exec per {@code blockOn} call
     * must be cheap: no native allocation, no cleaner), else direct memory (JDK 22+).
     */
    static CounterSlots allocatePrivate() {
        final int[] at = new int[Metric.count()];
        for (int i = 0; i < at.length; i++) {
            at[i] = i * RECORD;
        }
        final int bytes = Metric.count() * RECORD + Long.BYTES - 1;
        final ByteBuffer memory = HEAP_ALIGNED ? ByteBuffer.allocate(bytes) : directSlice(bytes);
        return new CounterSlots(memory.alignedSlice(Long.BYTES).order(ByteOrder.nativeOrder()), at);
    }

    /** Execs whose private counters one direct slab holds. */
    private static final int SLAB_EXECS = 64;
    /** The slab private direct memory is cut from, and how much of it is taken (guarded by the class lock). */
    private static ByteBuffer slab;
    private static int slabTaken;

    /**
     * Fresh zeroed direct memory of at least {@code bytes}, starting at a multiple of {@link #RECORD} into a slab
     * shared by {@link #SLAB_EXECS} Execs: one native allocation and one cleaner per slab instead of per Exec (an
     * {@code allocateDirect} with its cleaner is most of a short-lived Exec's cost on JDK 22+). A slice is never
     * handed out twice; it keeps its slab reachable, so the slab is freed once all of its Execs' counters are gone.
     * Records of two Execs never share a cache line (each slice is a whole number of records).
     */
    private static synchronized ByteBuffer directSlice(int bytes) {
        final int size = (bytes + RECORD - 1) / RECORD * RECORD;
        if (slab == null || slab.capacity() - slabTaken < size) {
            slab = ByteBuffer.allocateDirect(size * SLAB_EXECS);
            slabTaken = 0;
        }
        final ByteBuffer slice = slab.slice(slabTaken, size);
        slabTaken += size;
        return slice;
    }

    private static boolean heapAlignable() {
        try {
            ByteBuffer.allocate(2 * Long.BYTES).alignedSlice(Long.BYTES);
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** Whether {@link #allocatePrivate} gives heap memory (else direct); for tests. */
    static boolean privateOnHeap() {
        return HEAP_ALIGNED;
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
