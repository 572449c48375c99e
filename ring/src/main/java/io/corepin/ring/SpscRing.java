package io.corepin.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Producer-side state of {@link SpscRing}, written only by the single producer thread. */
abstract class SpscRingProducerFields<E> extends RingProducerPad<E> {
    static final VarHandle PRODUCER_INDEX;

    static {
        try {
            PRODUCER_INDEX = MethodHandles.lookup()
                .findVarHandle(SpscRingProducerFields.class, "producerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Next slot to fill. Written by the producer only, with release stores. */
    private long producerIndex;
    /** Producer-private cache of {@code consumerIndex + capacity}. Plain: no other thread reads it. */
    long producerLimit;

    SpscRingProducerFields(int capacity) {
        super(capacity);
        producerLimit = capacity;
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
        final long index = (long) PRODUCER_INDEX.get(this); // plain: only this thread writes it
        if (index >= producerLimit && index >= refreshLimit()) {
            return FULL;
        }
        storeRelease(buffer, (int) index & mask, element); // release: publish the element
        PRODUCER_INDEX.setRelease(this, index + 1);        // release: for size() readers on other threads
        return (int) (producerLimit - index - 1);
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
        final long index = (long) PRODUCER_INDEX.get(this); // plain: only this thread writes it
        if (index + count > producerLimit) {
            refreshLimit();
        }
        final long room = producerLimit - index;
        if (allOrNothing ? room < count : room <= 0) {
            return count == 0 ? 0 : FULL;
        }
        final int n = (int) Math.min(room, count);
        final Object[] buffer = this.buffer;
        final int mask = this.mask;
        for (int i = 0; i < n; i++) {
            storeRelease(buffer, (int) (index + i) & mask, src[offset + i]); // release: publish in order
        }
        PRODUCER_INDEX.setRelease(this, index + n); // release: one store per burst, for size() readers
        return n;
    }

    private long refreshLimit() {
        // acquire: the consumer's plain null stores before its release of the index are visible
        producerLimit = consumerIndexAcquire() + mask + 1; // plain: producer-private cache
        return producerLimit;
    }

    @Override
    long producerCountVolatile() {
        return (long) PRODUCER_INDEX.getVolatile(this); // volatile: snapshot from any thread
    }

    @Override
    public String toString() {
        return "SpscRing{capacity=" + capacity() + ", size=" + size() + '}';
    }
}
