package io.corepin.channel;

/**
 * Thrown by a send on a closed {@link Channel}, and the failure of a {@code recv()} promise at the end of the stream
 * (the channel is closed and every element sent before the close has been received).
 */
public final class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the channel. */
    public ChannelClosedException(String message) {
        super(message);
    }
}
