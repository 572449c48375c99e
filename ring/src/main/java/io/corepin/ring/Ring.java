package io.corepin.ring;

import java.util.function.Consumer;

/**
 * A bounded, power-of-two, lock-free ring of references in the style of DPDK's {@code rte_ring}.
 *
 * <p>Elements are never {@code null} ({@link MpscRing}'s consumer recognises a slot that is empty or claimed but not
 * yet published by its {@code null}). The consumer side of every implementation uses <b>no atomic read-modify-write
 * instruction</b> and no fence, and one release store of the consumer index per call (per burst): {@link MpscRing}'s
 * acquire loads of slots and plain {@code null} stores, {@link SpscRing}'s acquire load of the producer index and
 * plain copies out of its slots. The {@linkplain io.corepin.ring package documentation} defines these words ("owner
 * thread", "any thread", "claim", "publish") and the accessor prefixes the implementations use.
 *
 * <p>Producer methods report how much room is left so callers can apply backpressure without a second call:
 * {@link #offer(Object)} returns the free space that remains after the element went in, or {@link #FULL}.
 *
 * <p>Consumer methods ({@link #poll()}, {@link #drain(Consumer, int)}, {@link #pollBurst(Object[], int, int)}) must
 * only ever be called by one thread at a time (the owner thread), and a drain handler must not consume from the same
 * ring.
 *
 * @param <E> element type
 */
public interface Ring<E> {
    /** Returned by producer methods when the ring had no room: nothing was enqueued. */
    int FULL = -1;

    /** Largest supported capacity, 2<sup>30</sup>. */
    int MAX_CAPACITY = 1 << 30;

    /**
     * Validates a ring capacity.
     *
     * @return {@code capacity}, if it is a power of two in {@code [1, MAX_CAPACITY]}
     * @throws IllegalArgumentException naming the value otherwise
     */
    static int checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException(
                "ring capacity must be a power of two in [1, " + MAX_CAPACITY + "], got " + capacity);
        }
        return capacity;
    }

    /**
     * Enqueues one element.
     *
     * @param element the element, not {@code null}
     * @return the free space left after this element went in (a lower bound; {@code >= 0}), or {@link #FULL}
     * @throws NullPointerException if {@code element} is null (the ring is unchanged)
     */
    int offer(E element);

    /**
     * Burst enqueue: claims as many slots as are free, up to {@code count}, with one atomic claim, and publishes
     * {@code src[offset ..]} into them in order.
     *
     * @return how many elements went in, {@code 0..count} ({@code 0} when the ring is full)
     * @throws NullPointerException if any of the {@code count} elements is null (checked before anything is claimed)
     * @throws IndexOutOfBoundsException if the range is outside {@code src}
     */
    int offerBurst(E[] src, int offset, int count);

    /**
     * Bulk enqueue: all {@code count} elements or none, with one atomic claim.
     *
     * @return {@code count} if they all went in, or {@link #FULL} if there was not room for all of them
     * @throws NullPointerException if any of the {@code count} elements is null (checked before anything is claimed)
     * @throws IndexOutOfBoundsException if the range is outside {@code src}
     */
    int offerBulk(E[] src, int offset, int count);

    /**
     * Dequeues the oldest published element. Consumer thread only.
     *
     * @return the element, or {@code null} if the ring is empty or the next slot is claimed but not yet published
     */
    E poll();

    /**
     * Burst dequeue into a caller callback: hands up to {@code limit} elements to {@code handler} in FIFO order and
     * releases their slots to producers with one release store at the end. Consumer thread only.
     *
     * <p>If the handler throws, the elements handed over so far (including the one that threw) stay consumed and the
     * exception propagates; nothing is lost or handed over twice.
     *
     * @return the number of elements handed to the handler
     */
    int drain(Consumer<? super E> handler, int limit);

    /**
     * Burst dequeue into a caller array: moves up to {@code count} elements into {@code dst[offset ..]}.
     * Consumer thread only.
     *
     * @return the number of elements moved
     * @throws IndexOutOfBoundsException if the range is outside {@code dst}
     */
    int pollBurst(E[] dst, int offset, int count);

    /** Number of claimed slots not yet consumed (a snapshot; includes elements still being published). */
    int size();

    /** {@code capacity() - size()}: a snapshot of the room producers would find. */
    default int freeSpace() {
        return capacity() - size();
    }

    /** {@code true} when no slot is claimed and unconsumed (a snapshot). */
    boolean isEmpty();

    /** The fixed capacity, a power of two. */
    int capacity();
}
