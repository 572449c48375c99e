package io.corepin.examples.latency;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * A Netty {@link SelectStrategy} that never blocks in {@code select}: with tasks queued it does what Netty's default
 * does ({@code selectNow()}, then run I/O and tasks); with none it returns {@link SelectStrategy#CONTINUE}, so the
 * event loop spins on its task queue instead of sleeping in the selector. That is the knob Netty offers for
 * latency-sensitive loops (the native epoll transport's {@code BUSY_WAIT} is the same idea; NIO does not support
 * {@code BUSY_WAIT} itself). While spinning the loop's wake-up flag stays "awake", so producers never pay for a
 * {@code Selector.wakeup()}. {@code CONTINUE} also keeps Netty's premature-select counter at zero, so the selector
 * is never "rebuilt" for returning early.
 */
final class BusyPollSelectStrategy implements SelectStrategy {
    static final BusyPollSelectStrategy INSTANCE = new BusyPollSelectStrategy();

    private BusyPollSelectStrategy() {
    }

    @Override
    public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
        return hasTasks ? selectSupplier.get() : SelectStrategy.CONTINUE;
    }
}
