package io.corepin.cluster;

/** Why a receiving Exec refused a frame (or a handler failed on one); each is counted per {@link ClusterNode}. */
public enum FrameError {
    /** Fewer bytes than the 40-byte header. */
    SHORT,
    /** A version byte this build does not speak. */
    BAD_VERSION,
    /** A type byte other than data. */
    BAD_TYPE,
    /** The payload length is negative or disagrees with the frame's length (beyond it, or short of it). */
    BAD_LENGTH,
    /** The payload is longer than the node's maximum payload. */
    OVERSIZED,
    /** No handler is registered under the frame's handler id. */
    UNKNOWN_HANDLER,
    /** The handler threw: the frame was well formed, the message counts as delivered once, the Exec goes on. */
    HANDLER_FAILED
}
