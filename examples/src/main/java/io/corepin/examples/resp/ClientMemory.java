package io.corepin.examples.resp;

/**
 * One core's share of the server's client memory ({@link ServerConfig.Builder#maxClientMemory}, split evenly over
 * the cores, so no core ever asks another): the heap its connections' buffers hold — unparsed input, replies waiting
 * to be written, replies parked behind pending ones, requests forwarded to other cores and replies back from them.
 * Every growth of those buffers is charged here before it is allocated. When a charge does not fit, the connection
 * holding the most on this core is closed (Redis' {@code maxmemory-clients} eviction), again until it fits; when
 * the one growing is itself the biggest, the charge is refused ({@link LimitExceeded}) and it is closed instead.
 * Owner thread only.
 */
final class ClientMemory {
    private final Core core;
    final long limit;
    private long held; // plain: owner core

    ClientMemory(Core core, long limit) {
        this.core = core;
        this.limit = limit;
    }

    long held() {
        return held;
    }

    /** {@code c}'s buffers grow by {@code bytes}: make room (closing the biggest others) or refuse. */
    void charge(Connection c, long bytes) {
        while (held + bytes > limit) {
            Connection biggest = core.biggestConnection(c);
            if (biggest == null || biggest.heldBytes() <= c.heldBytes()) {
                throw new LimitExceeded(LimitExceeded.Kind.MEMORY, c + " would take core " + core.index
                    + "'s client buffers to " + (held + bytes) + " bytes, over its share of " + limit
                    + " bytes of the server's client memory");
            }
            core.stats.memoryLimitCloses++;
            core.close(biggest, "it holds the most client memory on core " + core.index + " (" + biggest.heldBytes()
                + " bytes) and the core's share of " + limit + " bytes is used up");
        }
        held += bytes;
    }

    void release(long bytes) {
        held -= bytes;
    }
}
