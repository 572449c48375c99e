package io.corepin.examples.packet;

import io.corepin.ring.SpscRing;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Everything one core owns: its flow table and counters. Only that core's Exec touches it while the pipeline runs
 * (every packet of a flow is routed to the same Exec), so there is no lock and no atomic; the generator reads the
 * counters only after the group has closed, which orders them (thread termination happens-before).
 */
final class CoreState {
    /** Telnet: the toy ACL drops it. */
    private static final int BLOCKED_PORT = 23;

    final Long2ObjectHashMap<FlowState> flows = new Long2ObjectHashMap<>();
    /** Processed packets go back to the generator's pool through this ring (this core is its only producer). */
    final SpscRing<Packet> freeRing;
    long packets;
    long bytes;
    long aclDrops;
    long checksum;

    CoreState(int poolSize) {
        this.freeRing = new SpscRing<>(Integer.highestOneBit(poolSize - 1) << 1);
    }

    /** Per-flow accounting, a stateless ACL and a NAT-style header rewrite with its checksum; then free the packet. */
    void process(Packet p) {
        FlowState flow = flows.get(p.flowKey);
        if (flow == null) {
            flow = new FlowState(p);
            flows.put(p.flowKey, flow);
        } else if (!flow.matches(p)) {
            throw new IllegalStateException("flow key collision: " + p.flowKey);
        }
        flow.packets++;
        flow.bytes += p.length;
        packets++;
        bytes += p.length;
        if (p.dstPort == BLOCKED_PORT) {
            aclDrops++;
        } else {
            p.srcIp = 0x64400000 | (p.srcIp & 0xffff); // source NAT into 100.64.0.0/16
            checksum += ipChecksum(p);
        }
        if (freeRing.offer(p) < 0) {
            throw new IllegalStateException("free ring full: the pool is larger than the ring");
        }
    }

    /** The ones'-complement sum of a 20-byte IPv4-like header built from the packet's fields. */
    private static int ipChecksum(Packet p) {
        long sum = 0x4500 + p.length + 0x4000 + ((64 << 8) | p.proto)
            + (p.srcIp >>> 16) + (p.srcIp & 0xffff) + (p.dstIp >>> 16) + (p.dstIp & 0xffff);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** One flow's state, created by the core that owns the flow. */
    static final class FlowState {
        final int srcIp;
        final int dstIp;
        final int srcPort;
        final int dstPort;
        final int proto;
        long packets;
        long bytes;

        FlowState(Packet p) {
            srcIp = p.srcIp;
            dstIp = p.dstIp;
            srcPort = p.srcPort;
            dstPort = p.dstPort;
            proto = p.proto;
        }

        boolean matches(Packet p) {
            return p.srcIp == srcIp && p.srcPort == srcPort && p.dstPort == dstPort && p.proto == proto && p.dstIp == dstIp;
        }
    }
}
