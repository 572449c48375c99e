package io.corepin.examples.udp;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one core of the UDP echo server publishes, in either {@link UdpEchoServer.Mode}. Each counter has one writer
 * (the core's own thread, once per batch, with a release store after the batch's replies are sent); any thread reads.
 */
abstract class CoreStats {
    final AtomicLong received = new AtomicLong();
    final AtomicLong replied = new AtomicLong();
    final AtomicLong replyDrops = new AtomicLong();
    final AtomicLong truncated = new AtomicLong();
    /** DISPATCH only: datagrams received but not handed over, because the handling core's queue was full or closed. */
    final AtomicLong dispatchDrops = new AtomicLong();
    /** {@code System.nanoTime()} of the first and the last batch received (0: none yet). */
    final AtomicLong firstNanos = new AtomicLong();
    final AtomicLong lastNanos = new AtomicLong();

    /** A copy of the core's flow table: flow key to datagrams answered or dropped. Owner thread only. */
    abstract Map<Long, Long> flowSnapshot();
}
