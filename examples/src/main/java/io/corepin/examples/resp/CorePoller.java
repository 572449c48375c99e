package io.corepin.examples.resp;

import io.corepin.Poller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plugs a {@link Core}'s NIO selector into its Exec's loop ({@link Poller}): each turn {@link #poll()} retries the
 * outboxes, fires due expiry timers, handles every ready socket without blocking ({@code selectNow}) and writes the
 * replies; when the Exec has nothing to do, {@link #park(long)} blocks in {@code select} (bounded by the next expiry
 * timer) and handles what woke it; other threads wake it with {@code Selector.wakeup()}. Owner thread only, except
 * {@link #wakeup()}.
 *
 * <p>A {@code RuntimeException} or an {@code Error} (an {@code OutOfMemoryError} included) while handling one
 * connection closes that connection and is counted ({@code connection_errors} in INFO); the core goes on serving the
 * others. Only a failing selector itself ends the core's loop.
 */
final class CorePoller implements Poller {
    private final Core core;
    private final Consumer<SelectionKey> onReady = this::onReady;

    CorePoller(Core core) {
        this.core = core;
    }

    @Override
    public int poll() {
        int work = core.retryOutboxes();
        work += core.shard.expireDue(core.shard.tick());
        try {
            work += core.selector.selectNow(onReady);
        } catch (IOException e) {
            throw new UncheckedIOException("selectNow failed on core " + core.index, e);
        }
        return work + core.flushDirty();
    }

    /**
     * Blocks in {@code select} until a socket is ready, {@link #wakeup()} is called, {@code nanos} pass (when
     * positive), the next expiry timer is due, or — when an outbox is waiting for room in another core's ring —
     * one millisecond passes. What is ready is handled before returning.
     */
    @Override
    public void park(long nanos) {
        long ms = nanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)) : 0;
        long timer = core.shard.msUntilNextTimer(Shard.clock());
        if (timer >= 0) {
            ms = ms == 0 ? Math.max(1, timer) : Math.min(ms, Math.max(1, timer));
        }
        if (core.hasOutbox()) {
            ms = 1;
        }
        try {
            if (ms == 0) {
                core.selector.select(onReady);
            } else {
                core.selector.select(onReady, ms);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("select failed on core " + core.index, e);
        }
        core.flushDirty();
    }

    @Override
    public void wakeup() {
        core.selector.wakeup();
    }

    /** The Exec is terminating: close every connection and listener, then the selector. */
    @Override
    public void close() {
        core.closeAll();
    }

    private void onReady(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment instanceof Connection) {
            Connection c = (Connection) attachment;
            try {
                if (key.isValid() && key.isWritable()) {
                    c.markDirty(); // flushed at the end of this poll
                }
                if (key.isValid() && key.isReadable()) {
                    c.onReadable();
                }
            } catch (IOException e) {
                core.close(c, null); // reset by the peer: nothing to tell it
            } catch (RuntimeException | Error e) { // a bug or an OutOfMemoryError costs one connection, not the core
                core.connectionFailed(c, e);
            }
        } else if (key.isValid() && key.isAcceptable()) {
            try {
                core.accept((ServerSocketChannel) attachment);
            } catch (RuntimeException | Error e) { // e.g. no heap for one more connection: the listener stays
                core.stats.connectionErrors++;
                Core.logQuietly("accept failed on core " + core.index, e);
            }
        }
    }
}
