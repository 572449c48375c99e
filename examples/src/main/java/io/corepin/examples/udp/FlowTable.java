package io.corepin.examples.udp;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import org.agrona.collections.Long2LongHashMap;

/**
 * One core's per-flow state: datagrams seen per flow, keyed by the flow's source address and port (the rest of the
 * 5-tuple — UDP, the server's address and port — is the same for every flow of one socket). Owner thread only: no
 * lock, no atomic. Allocates only when a new flow arrives (and when the table grows).
 */
final class FlowTable {
    private final Long2LongHashMap counts = new Long2LongHashMap(0);

    /**
     * The key of the flow from {@code source}: IPv4 address in bits 16..47, port in bits 0..15. For IPv4,
     * {@link Inet4Address#hashCode()} is the address itself and allocates nothing (unlike {@code getAddress()});
     * an IPv6 source is keyed by its address hash, which may collide: this example binds IPv4 only.
     */
    static long key(InetSocketAddress source) {
        return ((source.getAddress().hashCode() & 0xFFFF_FFFFL) << 16) | source.getPort();
    }

    /** Counts one more datagram of flow {@code key}; returns the flow's count including this one. */
    long increment(long key) {
        final long n = counts.get(key) + 1;
        counts.put(key, n);
        return n;
    }

    /** Datagrams seen of flow {@code key} (0 if none). */
    long count(long key) {
        return counts.get(key);
    }

    /** Number of flows seen. */
    int size() {
        return counts.size();
    }

    /** A copy, for readers on other threads (made on the owner thread). */
    java.util.Map<Long, Long> snapshot() {
        final java.util.Map<Long, Long> copy = new java.util.HashMap<>();
        counts.forEach((k, v) -> copy.put(k, v));
        return copy;
    }
}
