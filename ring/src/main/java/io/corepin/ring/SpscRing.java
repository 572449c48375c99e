package io.corepin.ring;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/** 128 bytes between the read-mostly storage fields and the consumer's (two lines: adjacent-line prefetch). */
abstract class SpscRingConsumerPad<E> extends RingStorage<E> {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;

    SpscRingConsumerPad(int capacity) {
        super(capacity);
    }
}

/** Consumer-side state of {@link SpscRing}, written only by the consumer thread. */
abstract class SpscRingConsumerFields<E> extends SpscRingConsumerPad<E> {
    private static final VarHandle CONSUMER_INDEX =
        VarHandles.field(MethodHandles.lookup(), SpscRingConsumerFields.class, "consumerIndex", long.class);

    /** Next slot to consume. Written by the consumer only, with release stores ({@link #soConsumerIndex}). */
    private long consumerIndex;
    /** Consumer-private cache of the producer index: slots below it are published. Plain: no other thread reads it. */
    private long producerSeen;

    SpscRingConsumerFields(int capacity) {
        super(capacity);
    }

    /** Load plain (the consumer): exact there, since the consumer is the only writer. */
    final long lpConsumerIndex() {
        return (long) CONSUMER_INDEX.get(this); // plain: only the consumer writes it
    }

    /** Load acquire (the producer): the consumer's reads of the slots below it are done. */
    final long laConsumerIndex() {
        return (long) CONSUMER_INDEX.getAcquire(this); // acquire: pairs with soConsumerIndex
    }

    /** Load volatile (any thread): for snapshots such as {@code size()}. */
    final long lvConsumerIndex() {
        return (long) CONSUMER_INDEX.getVolatile(this); // volatile: any thread
    }

    /** Store ordered (the consumer): hands every slot below {@code next} back to the producer, once per call. */
    final void soConsumerIndex(long next) {
        CONSUMER_INDEX.setRelease(this, next); // release: after the plain reads of those slots
    }

    /** Load plain (the consumer): its private cache of the producer index. */
    final long lpProducerSeen() {
        return producerSeen; // plain: consumer-private
    }

    /** Store plain (the consumer): its private cache of the producer index. */
    final void spProducerSeen(long index) {
        producerSeen = index; // plain: consumer-private
    }
}

/** 128 bytes between the consumer's fields and the producer's. */
abstract class SpscRingMiddlePad<E> extends SpscRingConsumerFields<E> {
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;

    SpscRingMiddlePad(int capacity) {
        super(capacity);
    }
}

/** Producer-side state of {@link SpscRing}, written only by the producer thread. */
abstract class SpscRingProducerFields<E> extends SpscRingMiddlePad<E> {
    private static final VarHandle PRODUCER_INDEX =
        VarHandles.field(MethodHandles.lookup(), SpscRingProducerFields.class, "producerIndex", long.class);

    /** Next slot to fill. Written by the producer only, with release stores ({@link #soProducerIndex}). */
    private long producerIndex;
    /** Producer-private cache of {@code consumerIndex + capacity}. Plain: no other thread reads it. */
    private long producerLimit;

    SpscRingProducerFields(int capacity) {
        super(capacity);
        producerLimit = capacity;
    }

    /** Load plain (the producer): exact there, since the producer is the only writer. */
    final long lpProducerIndex() {
        return (long) PRODUCER_INDEX.get(this); // plain: only the producer writes it
    }

    /** Load acquire (the consumer): the slots below it are published, with what the producer wrote before. */
    final long laProducerIndex() {
        return (long) PRODUCER_INDEX.getAcquire(this); // acquire: pairs with soProducerIndex
    }

    /** Load volatile (any thread): for snapshots such as {@code size()}. */
    final long lvProducerIndex() {
        return (long) PRODUCER_INDEX.getVolatile(this); // volatile: any thread
    }

    /** Store ordered (the producer): publishes every slot below {@code next}, once per call. */
    final void soProducerIndex(long next) {
        PRODUCER_INDEX.setRelease(this, next); // release: after the plain stores into those slots
    }

    /** Load plain (the producer): its private cached limit. */
    final long lpProducerLimit() {
        return producerLimit; // plain: producer-private
    }

    /** Store plain (the producer): its private cached limit. */
    final void spProducerLimit(long limit) {
        producerLimit = limit; // plain: producer-private
    }
}

/** 128 bytes after the producer fields, so the next object on the heap does not share their line. */
abstract class SpscRingPad<E> extends SpscRingProducerFields<E> {
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;

    SpscRingPad(int capacity) {
        super(capacity);
    }
}

/**
 * Single-producer, single-consumer bounded ring (DPDK's {@code rte_ring} in SP/SC mode, and its protocol): the two
 * sides talk through their indices only. The producer copies elements into free slots with plain stores and
 * publishes them all with one release store of its index; the consumer acquires that index (once per call, and only
 * when its cached copy says the ring might be empty), copies the published slots out with plain loads, and hands
 * them back with one release store of its own index. Neither side uses an atomic read-modify-write or a fence, and
 * neither writes a cache line the other is writing: the consumer never writes a slot, so a slot's line goes to the
 * producer shared and comes back to the consumer with new elements, one transfer per lap.
 *
 * <p><b>What the consumer leaves behind.</b> A consumed element stays referenced from its slot until the producer's
 * next lap overwrites it — at most {@link #capacity()} elements, the ring's own footprint. Pass pooled or recycled
 * objects through it (packet buffers, batches, free lists), or use {@link MpscRing}, whose consumer clears every
 * slot it takes, when consumed elements must become garbage at once.
 *
 * <p><b>Bursts, not single hand-offs.</b> A consumer waiting for one element reads two lines the producer wrote, in
 * turn: the index, then the slot. One element bounced between two threads through a pair of these rings takes about
 * 1.8× the round trip of a pair of {@link MpscRing}s, whose consumer waits on the slot itself (230–240 vs 130 ns p50
 * on this project's VM, bench/RESULTS.md); bulk transfer is what it is for (about half the cycles per element of the
 * slot protocol at bursts of 32, at or below DPDK's own ring).
 *
 * <p>Producer methods must be called by one thread at a time; consumer methods by one (other) thread at a time.
 *
 * @param <E> element type
 */
public final class SpscRing<E> extends SpscRingPad<E> {

    /**
     * @param capacity a power of two in {@code [1, 2^30]}
     * @throws IllegalArgumentException naming the value if it is not
     */
    public SpscRing(int capacity) {
        super(capacity);
    }

    // ------------------------------------------------------------------------------------------------ producer

    @Override
    public int offer(E element) {
        checkElement(element);
        final long index = lpProducerIndex(); // plain: only this thread writes it
        if (index >= lpProducerLimit() && index >= refreshLimit()) {
            return FULL;
        }
        spSlot(buffer, (int) index & mask, element); // plain: published by the release below
        soProducerIndex(index + 1);                  // release: publishes the slot and the element's fields
        return (int) (lpProducerLimit() - index - 1);
    }

    @Override
    public int offerBurst(E[] src, int offset, int count) {
        final int n = publish(src, offset, count, false);
        return n == FULL ? 0 : n;
    }

    @Override
    public int offerBulk(E[] src, int offset, int count) {
        return publish(src, offset, count, true);
    }

    private int publish(E[] src, int offset, int count, boolean allOrNothing) {
        checkElements(src, offset, count);
        if (count == 0) {
            return 0;
        }
        final long index = lpProducerIndex(); // plain: only this thread writes it
        if (index + count > lpProducerLimit()) {
            refreshLimit();
        }
        final long room = lpProducerLimit() - index;
        if (allOrNothing ? room < count : room <= 0) {
            return FULL;
        }
        final int n = (int) Math.min(room, count);
        final Object[] buffer = this.buffer;
        final int slot = (int) index & mask;
        // plain copies (one arraycopy, two at the wrap; one card-range mark each): the consumer reads no slot at or
        // above the producer index, so nothing sees them before the release below publishes them all
        final int toEnd = Math.min(n, buffer.length - slot);
        System.arraycopy(src, offset, buffer, slot, toEnd);
        if (toEnd < n) {
            System.arraycopy(src, offset + toEnd, buffer, 0, n - toEnd);
        }
        soProducerIndex(index + n); // release: one store publishes the whole burst
        return n;
    }

    private long refreshLimit() {
        // acquire: the consumer's reads of the slots below its index are done before the producer overwrites them
        final long limit = laConsumerIndex() + mask + 1;
        spProducerLimit(limit); // plain: producer-private cache
        return limit;
    }

    // ------------------------------------------------------------------------------------------------ consumer

    @Override
    @SuppressWarnings("unchecked")
    public E poll() {
        final long index = lpConsumerIndex(); // plain: only this thread writes it
        if (index >= lpProducerSeen() && index >= refreshSeen()) {
            return null;
        }
        final Object element = lpSlot(buffer, (int) index & mask); // plain: published by the acquire in refreshSeen
        soConsumerIndex(index + 1); // release: hand the slot back to the producer
        return (E) element;
    }

    @Override
    @SuppressWarnings("unchecked")
    public int drain(Consumer<? super E> handler, int limit) {
        final long start = lpConsumerIndex(); // plain: only this thread writes it
        final long end = start + Math.min(limit, available(start, limit));
        long next = start;
        try {
            while (next < end) {
                final Object element = lpSlot(buffer, (int) next & mask); // plain: published (see available)
                next++; // consumed even if the handler throws
                handler.accept((E) element);
            }
        } finally {
            if (next != start) {
                soConsumerIndex(next); // release: one store hands the whole burst back
            }
        }
        return (int) (next - start);
    }

    @Override
    public int pollBurst(E[] dst, int offset, int count) {
        checkRange(dst, offset, count);
        final long start = lpConsumerIndex(); // plain: only this thread writes it
        final int n = (int) Math.min(count, available(start, count));
        if (n == 0) {
            return 0;
        }
        final Object[] buffer = this.buffer;
        final int slot = (int) start & mask;
        // plain copies of published slots (one arraycopy, two at the wrap): the producer writes none of them again
        // before the release below hands them back
        final int toEnd = Math.min(n, buffer.length - slot);
        System.arraycopy(buffer, slot, dst, offset, toEnd);
        if (toEnd < n) {
            System.arraycopy(buffer, 0, dst, offset + toEnd, n - toEnd);
        }
        soConsumerIndex(start + n); // release: one store hands the whole burst back
        return n;
    }

    /**
     * How many slots from {@code start} on are published: the cached producer index, re-acquired only when the cache
     * holds fewer than {@code wanted} (so a consumer that keeps up reads the producer's line once per burst, not per
     * element).
     */
    private long available(long start, int wanted) {
        final long seen = lpProducerSeen() - start;
        return seen >= wanted ? seen : refreshSeen() - start;
    }

    /** Re-reads the producer index (acquire: the slots below it, and what the producer wrote first, are visible). */
    private long refreshSeen() {
        final long seen = laProducerIndex(); // acquire: pairs with soProducerIndex
        spProducerSeen(seen); // plain: consumer-private cache
        return seen;
    }

    // ---------------------------------------------------------------------------------------------- any thread

    @Override
    final long lvProducerCount() {
        return lvProducerIndex(); // volatile: snapshot from any thread
    }

    @Override
    public String toString() {
        return "SpscRing{capacity=" + capacity() + ", size=" + size() + '}';
    }
}
