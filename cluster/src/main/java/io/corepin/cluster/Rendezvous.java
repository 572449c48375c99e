package io.corepin.cluster;

/**
 * Weighted rendezvous (highest-random-weight) hashing: each host scores {@code weight / -ln(u)} for a key, where
 * {@code u} in (0, 1) is a hash of (key, host id) alone; the highest score owns the key (ties: the lower host id).
 * A host's score for a key never depends on the other hosts, so adding a host moves only the keys it now wins, and
 * removing one moves only the keys it owned. With scores of this form a host wins a share of the keys proportional
 * to its weight (Schindelhauer and Schomaker's weighted distributed hash tables).
 */
final class Rendezvous {
    private Rendezvous() {
    }

    /** A 64-bit mix of key and host id: MurmurHash3's finaliser over both. */
    static long hash(long key, int hostId) {
        long h = key ^ (0x9e3779b97f4a7c15L * (hostId + 1L));
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The score of a host of the given weight for a key: larger wins. */
    static double score(long key, int hostId, int weight) {
        double u = ((hash(key, hostId) >>> 11) + 0.5) * 0x1.0p-53; // in (0, 1), never 0 or 1
        return weight / -Math.log(u);
    }
}
