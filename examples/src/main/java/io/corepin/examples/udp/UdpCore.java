package io.corepin.examples.udp;

import io.corepin.Poller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One core of the UDP echo server: its own {@code SO_REUSEPORT} socket (the kernel hashes each flow's 4-tuple to one
 * of the sockets, so a flow always reaches the same core), a pool of direct buffers, its flow table, and the
 * {@link Poller} that plugs the socket into its Exec's loop. Each turn {@link #poll()} receives a batch of up to
 * {@code batch} datagrams into the pool's buffers without blocking, then handles and answers each: flow lookup,
 * {@link EchoStamp}, {@code send} back to the source. With nothing to do the Exec parks in {@link #park(long)}, a
 * {@code select} on the socket. Nothing is allocated per datagram here (the JDK's {@code receive} reuses its last
 * sender address while the sender stays the same).
 *
 * <p>Threading: everything runs on the owning Exec's thread, except {@link #wakeup()} and the published counters.
 */
final class UdpCore extends CoreStats implements Poller {
    // accounting (CoreStats): written only by the owner, once per non-empty poll

    final int index;
    private final DatagramChannel channel;
    private final Selector selector;
    private final ByteBuffer[] pool;
    private final InetSocketAddress[] sources;
    private final FlowTable flows = new FlowTable();
    private final Consumer<SelectionKey> ignoreKey = key -> { }; // poll() receives; select only waits
    // plain: owner thread only; published to the AtomicLongs above with release stores
    private long rx;
    private long tx;
    private long txDrops;
    private long cut;

    UdpCore(int index, DatagramChannel channel, int batch, int maxDatagram) throws IOException {
        this.index = index;
        this.channel = channel;
        this.selector = Selector.open();
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        this.pool = new ByteBuffer[batch];
        this.sources = new InetSocketAddress[batch];
        for (int i = 0; i < batch; i++) {
            pool[i] = ByteBuffer.allocateDirect(maxDatagram + 1); // one byte more: a fuller buffer was truncated
        }
    }

    @Override
    public int poll() {
        final int n = receiveBatch();
        if (n == 0) {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            answer(pool[i], sources[i]);
            sources[i] = null;
        }
        publish();
        return n;
    }

    private int receiveBatch() {
        int n = 0;
        try {
            while (n < pool.length) {
                final ByteBuffer buf = pool[n];
                buf.clear();
                final SocketAddress source = channel.receive(buf);
                if (source == null) {
                    break;
                }
                rx++;
                buf.flip();
                if (buf.limit() == buf.capacity()) {
                    cut++; // longer than maxDatagram: counted and dropped, never answered with part of it
                    continue;
                }
                sources[n++] = (InetSocketAddress) source;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("receive failed on udp core " + index, e);
        }
        if (n == 0 && cut > truncated.get()) {
            publish();
        }
        return n;
    }

    private void answer(ByteBuffer datagram, InetSocketAddress source) {
        final long count = flows.increment(FlowTable.key(source));
        EchoStamp.stamp(datagram, count, index);
        try {
            if (channel.send(datagram, source) > 0) {
                tx++;
            } else {
                txDrops++; // the socket's send buffer is full: the reply is dropped, as a NIC queue would
            }
        } catch (IOException e) {
            txDrops++; // e.g. no route back to the source: that reply is lost, the core goes on
        }
    }

    private void publish() {
        final long now = System.nanoTime();
        if (firstNanos.get() == 0) {
            firstNanos.lazySet(now); // release store: this thread is the only writer
        }
        lastNanos.lazySet(now);
        received.lazySet(rx);
        replied.lazySet(tx);
        replyDrops.lazySet(txDrops);
        truncated.lazySet(cut);
    }

    /** Blocks in {@code select} until a datagram arrives, {@link #wakeup()}, or {@code nanos} (if positive) pass. */
    @Override
    public void park(long nanos) {
        try {
            if (nanos > 0) {
                selector.select(ignoreKey, Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
            } else {
                selector.select(ignoreKey);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("select failed on udp core " + index, e);
        }
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    /** The Exec is terminating: close the socket and the selector. */
    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            System.getLogger("io.corepin.udp").log(System.Logger.Level.WARNING, "closing udp core " + index, e);
        }
    }

    @Override
    java.util.Map<Long, Long> flowSnapshot() {
        return flows.snapshot();
    }
}
