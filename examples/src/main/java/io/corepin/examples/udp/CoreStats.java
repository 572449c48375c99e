package io.corepin.examples.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One core of the UDP echo server, in either {@link UdpEchoServer.Mode}: its flow table, the per-datagram work — flow
 * count, {@link EchoStamp}, the reply — and its counters. The counters are kept in plain fields by the core's own
 * thread and published, each with one writer, by a release store once per batch after the batch's replies are sent;
 * any thread reads the published values.
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

    final int index;
    private final DatagramChannel channel;
    private final FlowTable flows = new FlowTable();
    // plain: the core's own thread only; published above with release stores
    private long rx;
    private long cut;
    private long handOffDrops;
    private long tx;
    private long txDrops;

    /** {@code channel}: where this core sends its replies from. */
    CoreStats(int index, DatagramChannel channel) {
        this.index = index;
        this.channel = channel;
    }

    /** Receive side: one datagram read from the socket, {@code tooLong} if it did not fit (dropped, never answered). */
    final void countReceived(boolean tooLong) {
        rx++;
        if (tooLong) {
            cut++;
        }
    }

    /** Receive side (DISPATCH): {@code n} datagrams that could not be handed to their core. */
    final void countHandOffDrops(int n) {
        handOffDrops += n;
    }

    /** Receive side: whether datagrams were dropped as too long since the last {@link #publish}. */
    final boolean truncationsUnpublished() {
        return cut > truncated.get();
    }

    /** Counts, stamps and answers one datagram of flow {@code key}, received into {@code datagram} (flipped). */
    final void answer(ByteBuffer datagram, InetSocketAddress source, long key) {
        final long count = flows.increment(key);
        EchoStamp.stamp(datagram, count, index);
        try {
            if (channel.send(datagram, source) > 0) {
                tx++;
            } else {
                txDrops++; // the socket's send buffer is full: the reply is dropped, as a NIC queue would
            }
        } catch (IOException e) {
            txDrops++; // e.g. no route back, or the socket closed while the server stops
        }
    }

    /** Publishes the reply counters; {@code receiving}: also the receive side and its time stamps. */
    final void publish(boolean receiving) {
        if (receiving) {
            final long now = System.nanoTime();
            if (firstNanos.get() == 0) {
                firstNanos.lazySet(now); // release store: this thread is the only writer
            }
            lastNanos.lazySet(now);
            received.lazySet(rx);
            truncated.lazySet(cut);
            dispatchDrops.lazySet(handOffDrops);
        }
        replied.lazySet(tx);
        replyDrops.lazySet(txDrops);
    }

    /** A copy of the core's flow table: flow key to datagrams answered or dropped. Owner thread only. */
    final Map<Long, Long> flowSnapshot() {
        return flows.snapshot();
    }
}
