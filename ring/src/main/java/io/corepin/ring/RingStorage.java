package io.corepin.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Element storage shared by the ring implementations: a power-of-two {@code Object[]}, the slot accessors, each
 * named after the memory ordering it uses (prefixes as defined in the package documentation), and the any-thread
 * snapshots ({@code size}, {@code isEmpty}, the running counts) over the two indices each ring keeps in its own
 * padded fields. Its fields are final and read by both sides, so they may share the object header's cache line.
 *
 * @param <E> element type
 */
abstract class RingStorage<E> implements Ring<E> {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

    final Object[] buffer;
    final int mask;

    RingStorage(int capacity) {
        this.buffer = new Object[Ring.checkCapacity(capacity)];
        this.mask = capacity - 1;
    }

    @Override
    public final int capacity() {
        return mask + 1;
    }

    // ------------------------------------------------------------------------------ snapshots (any thread)

    /** Load volatile (any thread): the producer index as a count of published or claimed slots (no closed bit). */
    abstract long lvProducerCount();

    /** Load volatile (any thread): the consumer index, the count of elements taken so far. */
    abstract long lvConsumerIndex();

    @Override
    public final int size() {
        long consumer = lvConsumerIndex();
        while (true) {
            final long producer = lvProducerCount();
            final long again = lvConsumerIndex();
            if (again == consumer) {
                // the consumer may pass the snapshot of the producers' index by one burst: clamp at 0
                return (int) Math.max(0, producer - consumer);
            }
            consumer = again;
        }
    }

    @Override
    public final boolean isEmpty() {
        // volatile loads: an Exec about to park stores its "parked" flag (volatile) and then calls this; a producer's
        // claim is a CAS/volatile store followed by a volatile load of that flag, so one of them sees the other.
        return lvProducerCount() <= lvConsumerIndex();
    }

    /**
     * Elements accepted so far: every slot producers have claimed since the ring was made, including ones still
     * being published (a snapshot from any thread; exact on an SPSC ring's producer thread; one volatile load of the
     * producers' index). Telemetry derives "enqueues" from it, so producers pay no counter of their own.
     *
     * @return the running total of accepted elements
     */
    public final long enqueuedCount() {
        return lvProducerCount();
    }

    /**
     * Elements consumed so far (exact on the consumer thread, a snapshot elsewhere).
     *
     * @return the running total of consumed elements
     */
    public final long dequeuedCount() {
        return lvConsumerIndex();
    }

    static void checkRange(Object[] array, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, array.length);
    }

    /** Checks a burst before anything is claimed, so a bad element leaves the ring untouched. */
    static void checkElements(Object[] array, int offset, int count) {
        checkRange(array, offset, count);
        for (int i = 0; i < count; i++) {
            if (array[offset + i] == null) {
                throw new NullPointerException("null element at index " + (offset + i) + ": rings hold no nulls");
            }
        }
    }

    static void checkElement(Object element) {
        if (element == null) {
            throw new NullPointerException("null element: rings hold no nulls");
        }
    }

    /** Load acquire (owner thread): sees everything the producer wrote before its release store of this slot. */
    static Object laSlot(Object[] buffer, int slot) {
        return SLOTS.getAcquire(buffer, slot); // acquire: pairs with the producer's soSlot
    }

    /** Store ordered (any producer, into a slot it claimed): publishes the element and everything written before it. */
    static void soSlot(Object[] buffer, int slot, Object element) {
        SLOTS.setRelease(buffer, slot, element); // release: pairs with the owner's laSlot
    }

    /** Load plain (SpscRing's consumer): a slot below the producer index it acquired, so published by that load. */
    static Object lpSlot(Object[] buffer, int slot) {
        return buffer[slot]; // plain: published by the consumer's acquire load of the producer index
    }

    /** Store plain (SpscRing's producer): published by its following release store of the producer index. */
    static void spSlot(Object[] buffer, int slot, Object element) {
        buffer[slot] = element; // plain: published by soProducerIndex
    }

    /**
     * Plain store of {@code null} (owner thread): made visible to producers by the owner's following release store
     * of its index ({@code soConsumerIndex}), which producers acquire before they reuse the slot. A {@code null}
     * store needs no GC post-barrier, so the owner's burst stays free of fences under G1 too.
     */
    static void spSlotNull(Object[] buffer, int slot) {
        buffer[slot] = null; // plain: owner thread; published by soConsumerIndex
    }
}
