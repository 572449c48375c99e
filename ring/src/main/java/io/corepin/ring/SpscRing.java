package io.corepin.ring;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Producer-side state of {@link SpscRing}, written only by the single producer thread. */
abstract class SpscRingProducerFields<E> extends RingProducerPad<E> {
    private static final VarHandle PRODUCER_INDEX =
        VarHandles.field(MethodHandles.lookup(), SpscRingProducerFields.class, "producerIndex", long.class);

    /** Next slot to fill. Written by the producer only, with release stores. */
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

    /** Load volatile (any thread): for snapshots such as {@code size()}. */
    final long lvProducerIndex() {
        return (long) PRODUCER_INDEX.getVolatile(this); // volatile: any thread
    }

    /** Store ordered (the producer): one per call, for {@code size()} readers on other threads. */
    final void soProducerIndex(long next) {
        PRODUCER_INDEX.setRelease(this, next); // release: after the slots' own release stores
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
 * Single-producer, single-consumer bounded ring. Neither side uses an atomic read-modify-write: the producer
 * publishes each element with a release store and its index with one release store per call; the consumer is the
 * shared one described in {@link Ring}.
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

    @Override
    public int offer(E element) {
        checkElement(element);
        final long index = lpProducerIndex(); // plain: only this thread writes it
        if (index >= lpProducerLimit() && index >= refreshLimit()) {
            return FULL;
        }
        soSlot(buffer, (int) index & mask, element); // release: publish the element
        soProducerIndex(index + 1);                  // release: for size() readers on other threads
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
        final long index = lpProducerIndex(); // plain: only this thread writes it
        if (index + count > lpProducerLimit()) {
            refreshLimit();
        }
        final long room = lpProducerLimit() - index;
        if (allOrNothing ? room < count : room <= 0) {
            return count == 0 ? 0 : FULL;
        }
        final int n = (int) Math.min(room, count);
        final Object[] buffer = this.buffer;
        final int mask = this.mask;
        for (int i = 0; i < n; i++) {
            soSlot(buffer, (int) (index + i) & mask, src[offset + i]); // release: publish in order
        }
        soProducerIndex(index + n); // release: one store per burst, for size() readers
        return n;
    }

    private long refreshLimit() {
        // acquire: the consumer's plain null stores before its release of the index are visible
        final long limit = laConsumerIndex() + mask + 1;
        spProducerLimit(limit); // plain: producer-private cache
        return limit;
    }

    @Override
    long lvProducerCount() {
        return lvProducerIndex(); // volatile: snapshot from any thread
    }

    @Override
    public String toString() {
        return "SpscRing{capacity=" + capacity() + ", size=" + size() + '}';
    }
}
