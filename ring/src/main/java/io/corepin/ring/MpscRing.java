package io.corepin.ring;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Producer-side state of {@link MpscRing}, written by every producer thread. */
abstract class MpscRingProducerFields<E> extends RingProducerPad<E> {
    private static final VarHandle PRODUCER_INDEX =
        VarHandles.field(MethodHandles.lookup(), MpscRingProducerFields.class, "producerIndex", long.class);
    private static final VarHandle PRODUCER_LIMIT =
        VarHandles.field(MethodHandles.lookup(), MpscRingProducerFields.class, "producerLimit", long.class);

    /** Next slot to claim; bit 63 set means closed. Claimed with CAS. */
    private volatile long producerIndex;
    /** Producers' shared cache of {@code consumerIndex + capacity}: claims below it need no read of the consumer. */
    private volatile long producerLimit;

    MpscRingProducerFields(int capacity) {
        super(capacity);
    }

    /** Load volatile (any thread): the current claim, with the closed bit. */
    final long lvProducerIndex() {
        return (long) PRODUCER_INDEX.getVolatile(this); // volatile: any thread
    }

    /** Compare-and-set (any producer, or close): claims slots, or sets the closed bit, ordered with every claim. */
    final boolean casProducerIndex(long expect, long next) {
        return PRODUCER_INDEX.compareAndSet(this, expect, next); // CAS: any thread
    }

    /** Load acquire (any producer): a limit some producer computed, with the consumer index it came from. */
    final long laProducerLimit() {
        return (long) PRODUCER_LIMIT.getAcquire(this); // acquire: pairs with soProducerLimit
    }

    /** Store ordered (any producer): racy but safe, since every stale limit is a lower bound. */
    final void soProducerLimit(long limit) {
        PRODUCER_LIMIT.setRelease(this, limit); // release: any producer
    }
}

/** 128 bytes after the producer fields, so the next object on the heap does not share their line. */
abstract class MpscRingPad<E> extends MpscRingProducerFields<E> {
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;

    MpscRingPad(int capacity) {
        super(capacity);
    }
}

/**
 * Multi-producer, single-consumer bounded ring (DPDK's {@code rte_ring} in MP/SC mode).
 *
 * <p><b>Producers</b> claim slots with one CAS on the producer index (one CAS for a whole burst), then publish each
 * element with a release store into its slot. They read the consumer index only when their shared cached limit says
 * the ring might be full.
 *
 * <p><b>The consumer</b> uses no atomic read-modify-write (see {@link Ring}); a slot that is claimed but still
 * {@code null} ends a burst, which keeps every producer's elements in FIFO order.
 *
 * <p><b>Closing</b> sets bit 63 of the producer index with the same CAS producers use to claim, so every offer is
 * ordered against the close: it either claimed its slots before the close (its elements will be consumed) or
 * returns {@link #CLOSED}. After the close, {@link #isDrained()} tells the consumer when it has consumed every
 * element that was accepted.
 *
 * @param <E> element type
 */
public final class MpscRing<E> extends MpscRingPad<E> {
    /** Returned by producer methods after {@link #close()}: nothing was enqueued. */
    public static final int CLOSED = -2;

    private static final long CLOSED_BIT = Long.MIN_VALUE;

    /**
     * @param capacity a power of two in {@code [1, 2^30]}
     * @throws IllegalArgumentException naming the value if it is not
     */
    public MpscRing(int capacity) {
        super(capacity);
        soProducerLimit(capacity); // release: published with the ring itself
    }

    /**
     * {@inheritDoc}
     *
     * @return the free space left (a lower bound, {@code >= 0}), {@link #FULL}, or {@link #CLOSED}
     */
    @Override
    public int offer(E element) {
        checkElement(element);
        long limit = laProducerLimit(); // acquire: a limit some producer computed
        long index;
        do {
            index = lvProducerIndex(); // volatile: the current claim, or the closed bit
            if (index < 0) {
                return CLOSED;
            }
            if (index >= limit) {
                limit = refreshLimit();
                if (index >= limit) {
                    return FULL;
                }
            }
        } while (!casProducerIndex(index, index + 1)); // CAS: claim one slot
        soSlot(buffer, (int) index & mask, element);    // release: publish the element
        return (int) (limit - index - 1);
    }

    /**
     * {@inheritDoc}
     *
     * @return elements enqueued ({@code 0..count}), or {@link #CLOSED}
     */
    @Override
    public int offerBurst(E[] src, int offset, int count) {
        final int n = claimAndPublish(src, offset, count, false);
        return n == FULL ? 0 : n;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code count}, {@link #FULL}, or {@link #CLOSED}
     */
    @Override
    public int offerBulk(E[] src, int offset, int count) {
        return claimAndPublish(src, offset, count, true);
    }

    /** One CAS claims up to {@code count} slots; each element is then published with a release store, in order. */
    private int claimAndPublish(E[] src, int offset, int count, boolean allOrNothing) {
        checkElements(src, offset, count);
        long limit = laProducerLimit(); // acquire: a limit some producer computed
        long index;
        int n;
        do {
            index = lvProducerIndex(); // volatile: the current claim, or the closed bit
            if (index < 0) {
                return CLOSED;
            }
            if (index + count > limit) {
                limit = refreshLimit();
            }
            final long room = limit - index;
            if (allOrNothing ? room < count : room <= 0) {
                return count == 0 ? 0 : FULL;
            }
            n = (int) Math.min(room, count);
        } while (!casProducerIndex(index, index + n)); // CAS: claim n slots at once
        final Object[] buffer = this.buffer;
        final int mask = this.mask;
        for (int i = 0; i < n; i++) {
            soSlot(buffer, (int) (index + i) & mask, src[offset + i]); // release: publish in order
        }
        return n;
    }

    /** Re-reads the consumer index and caches the new limit for every producer. */
    private long refreshLimit() {
        final long limit = laConsumerIndex() + mask + 1; // acquire: the consumer's null stores are visible
        soProducerLimit(limit); // release; racy but safe: every stale limit is a lower bound
        return limit;
    }

    @Override
    final long lvProducerCount() {
        return lvProducerIndex() & ~CLOSED_BIT; // volatile: snapshot from any thread
    }

    /**
     * Closes the ring to producers. Every offer that claimed its slots before the close stays consumable; every
     * later offer returns {@link #CLOSED}. Idempotent; safe from any thread.
     *
     * @return {@code true} if this call closed the ring, {@code false} if it was already closed
     */
    public boolean close() {
        while (true) {
            final long index = lvProducerIndex(); // volatile: the current claim
            if (index < 0) {
                return false;
            }
            if (casProducerIndex(index, index | CLOSED_BIT)) { // CAS: ordered with every claim
                return true;
            }
        }
    }

    /** {@code true} once {@link #close()} has been called. */
    public boolean isClosed() {
        return lvProducerIndex() < 0; // volatile: ordered with close
    }

    /**
     * {@code true} when the ring is closed and every element accepted before the close has been consumed. Exact on
     * the consumer thread; a snapshot elsewhere.
     */
    public boolean isDrained() {
        final long producer = lvProducerIndex(); // volatile: ordered with close
        return producer < 0 && (producer & ~CLOSED_BIT) == lvConsumerIndex();
    }

    // ------------------------------------------------------------------------------- a borrowed consumer's view
    //
    // MpscRing's alone: its producers publish every slot with a release store of its own, so a slot seen non-null is
    // safely published whatever its neighbours hold, and a consumed slot holds null. SpscRing's slots are published
    // by the producer index and keep consumed elements, so only its own consumer can tell what they hold.

    /**
     * The element published in the slot of running index {@code index} (as counted by {@link #dequeuedCount()} and
     * {@link #enqueuedCount()}), or {@code null}: claimed but not yet published, or already consumed. An acquire
     * load: the producer's writes before its publication are visible. <b>Only for a thread that holds the consumer's
     * role for that slot by a protocol of its own</b> — corepin's stall rescue: the owner announces how far it will
     * read and waits while another thread holds the slots beyond — the ring cannot check that.
     *
     * @throws IllegalArgumentException naming the values if {@code index} is outside [consumer index, producer index)
     */
    @SuppressWarnings("unchecked")
    public E peekAt(long index) {
        checkBorrowed(index);
        return (E) laSlot(buffer, (int) index & mask); // acquire: pairs with the producer's release
    }

    /**
     * The running index of the first published element at or after the consumer index, or -1 if there is none — or
     * if the consumer moved past it while this looked (its slot may then hold a later element already). Acquire and
     * volatile loads; never throws. For a thread that borrows the consumer's role as {@link #peekAt} says: the
     * element found there is the one the consumer may hold or take next, everything after it is the borrower's.
     *
     * @return an index in [consumer index, producer index), or -1
     */
    public long firstWaiting() {
        final long consumer = lvConsumerIndex(); // volatile: snapshots, rare path
        final long producer = lvProducerCount();
        for (long index = consumer; index < producer; index++) {
            if (laSlot(buffer, (int) index & mask) != null) { // acquire
                // a reused slot needs the consumer past index before its producer claimed it: not past now, not then
                return lvConsumerIndex() > index ? -1 : index;
            }
        }
        return -1;
    }

    /**
     * Replaces the element published at running index {@code index} with {@code replacement}, which the consumer
     * then takes in its place. A release store: what the caller wrote before is visible to the consumer that loads
     * it. Same contract as {@link #peekAt}; the slot must hold a published element (never a claimed, unpublished
     * one: its producer is about to write it).
     *
     * @throws IllegalArgumentException naming the values if {@code index} is outside [consumer index, producer
     *     index), or if the slot holds no element
     * @throws NullPointerException if replacement is null
     */
    public void replaceAt(long index, E replacement) {
        java.util.Objects.requireNonNull(replacement, "replacement");
        checkBorrowed(index);
        final int slot = (int) index & mask;
        if (laSlot(buffer, slot) == null) { // acquire
            throw new IllegalArgumentException("slot of index " + index + " holds no published element");
        }
        soSlot(buffer, slot, replacement); // release: the consumer's acquire load sees what the caller wrote
    }

    private void checkBorrowed(long index) {
        final long consumer = lvConsumerIndex(); // volatile: snapshots, rare path
        final long producer = lvProducerCount();
        if (index < consumer || index >= producer) {
            throw new IllegalArgumentException("index " + index + " is outside [" + consumer + ", " + producer
                + "): not a slot waiting in the ring");
        }
    }

    @Override
    public String toString() {
        return "MpscRing{capacity=" + capacity() + ", size=" + size() + (isClosed() ? ", closed" : "") + '}';
    }
}
