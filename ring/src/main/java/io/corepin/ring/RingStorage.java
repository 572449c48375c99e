package io.corepin.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Element storage shared by the ring implementations: a power-of-two {@code Object[]} and the slot accessors, each
 * named after the memory ordering it uses (prefixes as defined in the package documentation). Its fields are final
 * and read by both sides, so they may share the object header's cache line.
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
