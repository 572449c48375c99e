/**
 * Bounded, power-of-two rings of references in the style of DPDK's {@code rte_ring}: {@link io.corepin.ring.MpscRing}
 * (many producers, one consumer) and {@link io.corepin.ring.SpscRing} (one producer, one consumer), both behind
 * {@link io.corepin.ring.Ring}.
 *
 * <h2>Ordering vocabulary</h2>
 *
 * The words below are used, with these meanings only, in every ordering comment of this package (and of corepin's
 * runtime, which builds its inbound path on these rings).
 *
 * <h3>Threads</h3>
 * <dl>
 *   <dt><b>owner thread</b></dt>
 *   <dd>the one thread allowed to consume: it calls {@code poll}, {@code drain} and {@code pollBurst}, and it is the
 *       only writer of the consumer index and (in {@code MpscRing}) of the {@code null} stores that free slots. In
 *       corepin the owner is the {@code Exec}'s own thread. A comment {@code // plain: owner thread} marks an access
 *       that needs no ordering because only the owner reads and writes that location.</dd>
 *   <dt><b>any thread</b></dt>
 *   <dd>producers (many for an MPSC ring, one at a time for an SPSC ring) and observers ({@code size()},
 *       {@code isClosed()}, telemetry). Everything they read that the owner writes must be a volatile or acquire
 *       load of a location the owner writes with a release (or stronger) store.</dd>
 * </dl>
 *
 * <h3>Accessor prefixes</h3>
 * Each concurrently accessed field has small named accessors, in JCTools' style, whose prefix says the memory
 * ordering of that one access; methods call the accessors, never a {@code VarHandle} directly:
 * <dl>
 *   <dt>{@code lp}<i>Field</i> / {@code sp}<i>Field</i></dt>
 *   <dd>plain load / plain store ({@code VarHandle.get} / {@code set}, or the field itself): no ordering, for
 *       locations only one thread writes and that thread reads, or whose store is published by a later release.</dd>
 *   <dt>{@code la}<i>Field</i></dt>
 *   <dd>load acquire ({@code getAcquire}): no later load or store moves before it; it sees everything the writer
 *       did before the release store it reads from. A plain {@code mov} on x86-64.</dd>
 *   <dt>{@code so}<i>Field</i></dt>
 *   <dd>store ordered, i.e. release ({@code setRelease}, JCTools' "lazySet"): no earlier load or store moves after
 *       it. A plain {@code mov} on x86-64: no fence, no atomic.</dd>
 *   <dt>{@code lv}<i>Field</i> / {@code sv}<i>Field</i></dt>
 *   <dd>volatile load / volatile store ({@code getVolatile} / {@code setVolatile}): sequentially consistent. A
 *       volatile load is a plain {@code mov} on x86-64; a volatile store is followed by a StoreLoad fence
 *       ({@code lock addl}), so the owner's hot path never makes one.</dd>
 *   <dt>{@code cas}<i>Field</i>{@code (expect, next)}</dt>
 *   <dd>compare-and-set ({@code compareAndSet}), volatile semantics: a {@code lock cmpxchg}, producer side only.</dd>
 * </dl>
 * Slots of the element array have the same kind of accessors ({@code laSlot}, {@code soSlot}, {@code spSlotNull},
 * and {@code SpscRing}'s plain {@code lpSlot}, {@code spSlot}).
 *
 * <h3>Protocol words</h3>
 * <dl>
 *   <dt><b>claim</b></dt>
 *   <dd>a producer reserves slots by advancing the producer index: one CAS for one element or a whole burst
 *       ({@code MpscRing}), or a plain read of its own index ({@code SpscRing}). A claimed slot may still hold
 *       {@code null}.</dd>
 *   <dt><b>publish</b></dt>
 *   <dd>a producer's release store of an element into a claimed slot ({@code MpscRing}: one per slot, in order),
 *       or of the producer index after plain stores into the slots below it ({@code SpscRing}: one per call). The
 *       owner's acquire load of that slot, or of that index, sees the element and everything the producer wrote
 *       before it. In {@code MpscRing} a {@code null} slot (empty, or claimed and not yet published) ends the owner's
 *       burst, which keeps every producer's elements in FIFO order; {@code SpscRing}'s owner reads no slot at or
 *       above the producer index it acquired.</dd>
 *   <dt><b>one release store per burst</b></dt>
 *   <dd>the owner consumes a burst — {@code MpscRing}: acquire loads of slots and plain {@code null} stores;
 *       {@code SpscRing}: plain copies out of slots below the producer index, which it never writes — then hands all
 *       its slots back to producers with a single release store of the consumer index. Producers acquire that index
 *       before they reuse a slot, so they see the {@code null}s, and the owner's reads are done. The consumer side
 *       makes no atomic read-modify-write and no fence at all (checked on the JIT's output by
 *       {@code bench/asm-audit.sh}).</dd>
 *   <dt><b>close as a bit of the producer index</b></dt>
 *   <dd>{@code MpscRing.close()} sets bit 63 of the producer index with the same CAS producers claim with, so every
 *       offer is ordered against the close: it claimed before it (and will be consumed) or sees the bit and returns
 *       {@code CLOSED}. No separate flag, no second load on the producer path.</dd>
 * </dl>
 */
package io.corepin.ring;
