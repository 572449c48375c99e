package io.corepin.examples.resp;

/**
 * A client buffer may not grow: its connection would pass its output limit, or its core its share of the server's
 * client memory. Thrown before the allocation (so nothing past the limit is ever allocated); the connection is then
 * closed, as Redis closes a client past its hard {@code client-output-buffer-limit} or {@code maxmemory-clients}.
 * A decision, not a bug: no stack trace.
 */
final class LimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which limit. */
    enum Kind {
        /** The connection's replies (built, parked or in flight) would pass {@code maxOutputBytes}. */
        OUTPUT,
        /** The core's client buffers would pass its share of {@code maxClientMemory}. */
        MEMORY
    }

    final Kind kind;

    LimitExceeded(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }
}
