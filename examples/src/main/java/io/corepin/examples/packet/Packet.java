package io.corepin.examples.packet;

/**
 * A synthetic packet: an IPv4 5-tuple, a length, and a tiny header to checksum. Packets come from a fixed pool
 * (DPDK's mempool) and go back to it through their core's free ring after processing, so the steady state allocates
 * nothing. The packet is its own task: the Exec that owns its flow runs it.
 */
final class Packet implements Runnable {
    int srcIp;
    int dstIp;
    int srcPort;
    int dstPort;
    int proto;
    int length;
    long flowKey;
    /** Index of the Exec that owns this packet's flow. */
    int core;
    /** The per-core state of every core; a packet uses only {@code cores[core]}. */
    final CoreState[] cores;

    Packet(CoreState[] cores) {
        this.cores = cores;
    }

    /** Fills this packet from a flow of the generator. */
    void fill(Flow flow, int length, int core) {
        this.srcIp = flow.srcIp;
        this.dstIp = flow.dstIp;
        this.srcPort = flow.srcPort;
        this.dstPort = flow.dstPort;
        this.proto = flow.proto;
        this.flowKey = flow.key;
        this.length = length;
        this.core = core;
    }

    @Override
    public void run() {
        cores[core].process(this);
    }

    /** The 64-bit flow key of a 5-tuple (every field mixed in; equal tuples, equal keys). */
    static long flowKey(int srcIp, int dstIp, int srcPort, int dstPort, int proto) {
        long h = ((long) srcIp << 32) ^ (dstIp & 0xffffffffL);
        h = h * 0x9E3779B97F4A7C15L + (((long) srcPort << 24) ^ ((long) dstPort << 8) ^ proto);
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }
}
