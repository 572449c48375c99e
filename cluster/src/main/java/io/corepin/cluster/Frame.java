package io.corepin.cluster;

/** Placeholder; the wire format follows. */
final class Frame {
    static final int MAX_EXECS = 65535;

    private Frame() {
    }
}
