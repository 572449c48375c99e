package io.corepin.cluster;

/** Told of every refused frame and failed handler, on the receiving Exec's thread, after it was counted. */
@FunctionalInterface
public interface RejectListener {
    /**
     * @param error what was wrong
     * @param message a sentence naming the bad value (the version, length, handler id ...)
     * @param cause the handler's exception for {@link FrameError#HANDLER_FAILED}, else {@code null}
     */
    void onReject(FrameError error, String message, Throwable cause);
}
