package io.corepin.ring;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;

/** 128 bytes between the read-mostly storage fields and the consumer index (two lines: adjacent-line prefetch). */
abstract class RingConsumerPad<E> extends RingStorage<E> {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;

    RingConsumerPad(int capacity) {
        super(capacity);
    }
}

/**
 * The single-consumer half of {@link MpscRing} ({@link SpscRing} has its own: its two sides talk through their
 * indices). It uses no atomic read-modify-write:
 * acquire loads of slots, plain {@code null} stores, and one release store of the consumer index per call. A
 * {@code null} slot (empty, or claimed but not yet published) ends a burst, which keeps FIFO order.
 *
 * @param <E> element type
 */
abstract class RingConsumer<E> extends RingConsumerPad<E> {
    private static final VarHandle CONSUMER_INDEX =
        VarHandles.field(MethodHandles.lookup(), RingConsumer.class, "consumerIndex", long.class);

    /** Next slot to consume. Written by the owner thread only, with release stores ({@link #soConsumerIndex}). */
    private long consumerIndex;

    RingConsumer(int capacity) {
        super(capacity);
    }

    /** Load plain (owner thread): exact there, since the owner is the only writer. */
    final long lpConsumerIndex() {
        return (long) CONSUMER_INDEX.get(this); // plain: owner thread
    }

    /** Load acquire (any producer): the owner's plain {@code null} stores before its release are then visible. */
    final long laConsumerIndex() {
        return (long) CONSUMER_INDEX.getAcquire(this); // acquire: pairs with soConsumerIndex
    }

    /** Load volatile (any thread): for snapshots, and for the park check's store-load ordering. */
    final long lvConsumerIndex() {
        return (long) CONSUMER_INDEX.getVolatile(this); // volatile: any thread
    }

    /** Store ordered (owner thread): hands every slot below {@code next} back to producers, once per burst. */
    private void soConsumerIndex(long next) {
        CONSUMER_INDEX.setRelease(this, next); // release: publishes the burst's plain null stores
    }

    @Override
    @SuppressWarnings("unchecked")
    public final E poll() {
        final long index = lpConsumerIndex();
        final int slot = (int) index & mask;
        final Object element = laSlot(buffer, slot); // acquire: see the producer's writes
        if (element == null) {
            return null;
        }
        spSlotNull(buffer, slot);   // plain: published by the release below
        soConsumerIndex(index + 1); // release: hand the slot back to producers
        return (E) element;
    }

    @Override
    public final int drain(Consumer<? super E> handler, int limit) {
        final long start = burstStart(); // plain: the consumer is the index's only writer
        long next = start;
        try {
            for (E element; next - start < limit && (element = takeAt(next)) != null; ) { // acquire, plain null
                next++;
                handler.accept(element);
            }
        } finally {
            handBack(start, next); // release: one store hands the whole burst back
        }
        return (int) (next - start);
    }

    @Override
    public final int pollBurst(E[] dst, int offset, int count) {
        checkRange(dst, offset, count);
        final Object[] buffer = this.buffer;
        final int mask = this.mask;
        final long start = lpConsumerIndex();
        final int slot = (int) start & mask;
        final int max = Math.min(count, buffer.length); // a full ring must not be scanned round to its start again
        int n = 0;
        while (n < max && laSlot(buffer, (slot + n) & mask) != null) { // acquire: see the producer's writes
            n++; // loads only: the burst's slot lines are not written until all of it is known
        }
        if (n == 0) {
            return 0;
        }
        // Plain copies (one arraycopy, one fill per run; at most two runs, at the wrap) of slots whose acquire loads
        // above saw them published: nothing else writes such a slot until the release below hands it back, so the
        // copy reads the same element, and what its producer wrote before publishing it is visible. Fewer stores per
        // element than a take-one-at-a-time loop (no per-element null store and card mark: the copy marks its range).
        final int first = Math.min(n, buffer.length - slot);
        System.arraycopy(buffer, slot, dst, offset, first);
        Arrays.fill(buffer, slot, slot + first, null); // plain: published by the release below
        if (first < n) {
            System.arraycopy(buffer, 0, dst, offset + first, n - first);
            Arrays.fill(buffer, 0, n - first, null); // plain: published by the release below
        }
        soConsumerIndex(start + n); // release: one store hands the whole burst back
        return n;
    }

    // ------------------------------------------------------------------------------- a burst in the caller's loop

    /**
     * Consumer thread: where the next burst starts (the consumer index, a plain load: the consumer is its only
     * writer). With {@link #takeAt} and {@link #handBack} a consumer writes {@link #drain}'s loop in its own method,
     * so that the per-element call is its own (a direct call the JIT inlines, instead of a {@link Consumer} shared by
     * every drain of the process) and the loop is compiled with the caller whatever the JIT compiled first — DPDK's
     * zero-copy dequeue ({@code rte_ring_dequeue_zc_burst_start/finish}) in spirit:
     * <pre>{@code
     * final long start = ring.burstStart();
     * long next = start;
     * try {
     *     for (E e; next - start < limit && (e = ring.takeAt(next)) != null; ) {
     *         next++;
     *         handle(e);
     *     }
     * } finally {
     *     ring.handBack(start, next);
     * }
     * }</pre>
     *
     * @return the running index of the next element to consume
     */
    public final long burstStart() {
        return lpConsumerIndex();
    }

    /**
     * Consumer thread: takes the element at running index {@code index} — {@link #burstStart()} plus the number
     * taken so far in this burst, so in order and with no gap — out of its slot, or returns {@code null} when that
     * slot is not published yet (empty, or claimed but not yet written: the burst ends there, which keeps FIFO
     * order). An acquire load and a plain {@code null} store; the slot goes back to producers only at
     * {@link #handBack}, which must follow before the next burst. Any other index breaks the ring; it is not checked
     * (this is the consumer's hot loop).
     *
     * @param index the running index of the next element
     * @return the element, or {@code null}
     */
    @SuppressWarnings("unchecked")
    public final E takeAt(long index) {
        final Object[] buffer = this.buffer;
        final int slot = (int) index & mask;
        final Object element = laSlot(buffer, slot); // acquire: see the producer's writes
        if (element != null) {
            spSlotNull(buffer, slot); // plain: published by handBack's release store
        }
        return (E) element;
    }

    /**
     * Consumer thread: ends a burst begun at {@code start} that took every element below {@code next}: one release
     * store hands their slots back to producers (none when nothing was taken).
     *
     * @param start what {@link #burstStart()} returned
     * @param next the running index after the last element taken
     */
    public final void handBack(long start, long next) {
        if (next != start) {
            soConsumerIndex(next); // release: one store hands the whole burst back
        }
    }

    /**
     * Consumer thread: whether the next element is published, i.e. whether {@link #poll()} or a burst would take one
     * now. A plain load of the consumer index and an acquire load of its slot: a consumer that spins waiting for work
     * spins on this, not on {@link #isEmpty()}, whose load of the producers' index pulls in the line every claim
     * writes (and makes the next claim wait for it).
     *
     * @return {@code true} if the element at the consumer index is published
     */
    public final boolean nextPublished() {
        return laSlot(buffer, (int) lpConsumerIndex() & mask) != null; // acquire: pairs with the producer's release
    }
}

/** 128 bytes between the consumer index and the producer fields. */
abstract class RingProducerPad<E> extends RingConsumer<E> {
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;

    RingProducerPad(int capacity) {
        super(capacity);
    }
}
