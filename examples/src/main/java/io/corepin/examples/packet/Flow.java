package io.corepin.examples.packet;

import java.util.SplittableRandom;

/** One synthetic flow of the generator: a fixed 5-tuple and its key. */
final class Flow {
    final int srcIp;
    final int dstIp;
    final int srcPort;
    final int dstPort;
    final int proto;
    final long key;

    private Flow(int srcIp, int dstIp, int srcPort, int dstPort, int proto) {
        this.srcIp = srcIp;
        this.dstIp = dstIp;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.proto = proto;
        this.key = Packet.flowKey(srcIp, dstIp, srcPort, dstPort, proto);
    }

    /** {@code count} distinct random flows from 10.0.0.0/8 to 192.168.0.0/16, TCP and UDP, a few to port 23. */
    static Flow[] random(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Flow[] flows = new Flow[count];
        java.util.Set<Long> keys = new java.util.HashSet<>();
        for (int i = 0; i < count; ) {
            int dstPort = random.nextInt(100) == 0 ? 23 : 1024 + random.nextInt(64_000);
            Flow f = new Flow(0x0A000000 | random.nextInt(1 << 24), 0xC0A80000 | random.nextInt(1 << 16),
                1024 + random.nextInt(64_000), dstPort, random.nextBoolean() ? 6 : 17);
            if (keys.add(f.key)) {
                flows[i++] = f;
            }
        }
        return flows;
    }
}
