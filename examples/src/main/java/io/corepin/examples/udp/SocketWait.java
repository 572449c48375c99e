package io.corepin.examples.udp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How a UDP core's {@link io.corepin.Poller} parks: a {@code select} on its socket, made non-blocking here. The poller
 * receives in {@code poll()}; select only waits. {@link #park} and {@link #close} on the owning Exec's thread,
 * {@link #wakeup} on any.
 */
final class SocketWait {
    private final DatagramChannel channel;
    private final Selector selector;
    private final String owner;
    private final Consumer<SelectionKey> ignoreKey = key -> { }; // made once: park allocates nothing

    /** {@code owner} names the core in error messages. */
    SocketWait(DatagramChannel channel, String owner) throws IOException {
        this.channel = channel;
        this.owner = owner;
        this.selector = Selector.open();
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
    }

    /** Blocks in {@code select} until a datagram arrives, {@link #wakeup()}, or {@code nanos} (if positive) pass. */
    void park(long nanos) {
        try {
            if (nanos > 0) {
                selector.select(ignoreKey, Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
            } else {
                selector.select(ignoreKey);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("select failed on " + owner, e);
        }
    }

    void wakeup() {
        selector.wakeup();
    }

    /** Closes the selector and the socket. */
    void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            System.getLogger("io.corepin.udp").log(System.Logger.Level.WARNING, "closing " + owner, e);
        }
    }
}
