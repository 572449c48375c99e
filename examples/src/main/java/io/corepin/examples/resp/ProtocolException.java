package io.corepin.examples.resp;

/**
 * Bytes from a client that are not RESP; the message is the Redis-style error sent back before the connection is
 * closed. Thrown on the data path, so it skips the stack trace.
 */
final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
        super(message, null, false, false);
    }
}
