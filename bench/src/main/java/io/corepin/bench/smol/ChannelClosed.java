package io.corepin.bench.smol;

/** The end of an {@link AsyncChannel}'s stream: it was closed (and, for a receive, is drained). */
final class ChannelClosed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ChannelClosed() {
        super("channel closed", null, false, false);
    }
}
