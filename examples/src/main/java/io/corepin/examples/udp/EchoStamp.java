package io.corepin.examples.udp;

import java.nio.ByteBuffer;

/**
 * The per-packet work both echo servers (corepin's and the Netty peer) do: a datagram is sent back as it came, and if
 * it starts with {@link #MAGIC} (the test's and the load client's format) the server also writes into it the flow's
 * datagram count and the index of the core that handled it, so the sender can check that a flow stays on one core
 * and nothing was counted twice. A sockperf datagram asking for a reply gets its "from the client" flag cleared, as
 * sockperf's own server does (sockperf's client ignores replies that still carry it); others are echoed unchanged.
 *
 * <pre>
 *   0  int  MAGIC "CPUD"
 *   4  long the flow's count at the server, this datagram included (written by the server)
 *  12  int  index of the core that handled it (written by the server)
 *  16  long the sender's sequence number (echoed)
 * </pre>
 */
final class EchoStamp {
    /** "CPUD", big-endian. */
    static final int MAGIC = 0x4350_5544;
    /** Bytes of a stamped datagram's header. */
    static final int HEADER = 24;
    /** sockperf's header: u64 sequence number, u16 flags (bit 0: from the client), u32 message length; big-endian. */
    static final int SOCKPERF_HEADER = 14;
    static final int SOCKPERF_FLAGS = 8;
    static final int SOCKPERF_LENGTH = 10;
    static final int SOCKPERF_CLIENT = 1;

    private EchoStamp() {
    }

    /** Stamps {@code datagram} (position 0, limit its length) if it carries the magic; leaves position and limit. */
    static void stamp(ByteBuffer datagram, long flowCount, int core) {
        if (datagram.limit() >= HEADER && datagram.getInt(0) == MAGIC) {
            datagram.putLong(4, flowCount);
            datagram.putInt(12, core);
        } else if (datagram.limit() >= SOCKPERF_HEADER && datagram.getInt(SOCKPERF_LENGTH) == datagram.limit()) {
            final short flags = datagram.getShort(SOCKPERF_FLAGS);
            datagram.putShort(SOCKPERF_FLAGS, (short) (flags & ~SOCKPERF_CLIENT));
        }
    }
}
