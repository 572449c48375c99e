package io.corepin.examples.udp;

import io.corepin.Poller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * One core of the UDP echo server in {@link UdpEchoServer.Mode#REUSEPORT}: its own {@code SO_REUSEPORT} socket (the
 * kernel hashes each flow's 4-tuple to one of the sockets, so a flow always reaches the same core), a pool of direct
 * buffers, and the {@link Poller} that plugs the socket into its Exec's loop. Each turn {@link #poll()} receives a
 * batch of up to {@code batch} datagrams into the pool's buffers without blocking, then answers each
 * ({@link CoreStats#answer}: flow lookup, {@link EchoStamp}, {@code send} back to the source). With nothing to do the
 * Exec parks in {@link #park(long)}, a {@code select} on the socket. Nothing is allocated per datagram here (the
 * JDK's {@code receive} reuses its last sender address while the sender stays the same).
 *
 * <p>Threading: everything runs on the owning Exec's thread, except {@link #wakeup()} and the published counters.
 */
final class UdpCore extends CoreStats implements Poller {
    private final DatagramChannel channel;
    private final SocketWait wait;
    private final ByteBuffer[] pool;
    private final InetSocketAddress[] sources;

    UdpCore(int index, DatagramChannel channel, int batch, int maxDatagram) throws IOException {
        super(index, channel);
        this.channel = channel;
        this.wait = new SocketWait(channel, "udp core " + index);
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
            answer(pool[i], sources[i], FlowTable.key(sources[i]));
            sources[i] = null;
        }
        publish(true);
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
                buf.flip();
                final boolean tooLong = buf.limit() == buf.capacity();
                countReceived(tooLong);
                if (tooLong) {
                    continue; // longer than maxDatagram: counted and dropped, never answered with part of it
                }
                sources[n++] = (InetSocketAddress) source;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("receive failed on udp core " + index, e);
        }
        if (n == 0 && truncationsUnpublished()) {
            publish(true);
        }
        return n;
    }

    @Override
    public void park(long nanos) {
        wait.park(nanos);
    }

    @Override
    public void wakeup() {
        wait.wakeup();
    }

    /** The Exec is terminating: close the socket and the selector. */
    @Override
    public void close() {
        wait.close();
    }
}
