/**
 * corepin's rings: {@link io.corepin.ring.MpscRing} and {@link io.corepin.ring.SpscRing}, bounded power-of-two
 * rings with burst enqueue and dequeue. Depends on nothing but {@code java.base}.
 *
 * <p>{@code io.corepin.ring.internal} (the {@code VarHandle} lookups corepin's own classes share) is not API: it is
 * exported to corepin's runtime module only.
 */
module io.corepin.ring {
    exports io.corepin.ring;
    exports io.corepin.ring.internal to io.corepin.runtime;
}
