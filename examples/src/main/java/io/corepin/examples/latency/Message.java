package io.corepin.examples.latency;

/** 128 bytes (two cache lines, for the adjacent-line prefetcher) before the stamp. */
abstract class MessagePadBefore {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** The stamp itself, between the two pads. */
abstract class MessageStamp extends MessagePadBefore {
    /**
     * {@link System#nanoTime()} when the initiator sent the message. Plain: written by the initiator before the
     * queue's release store publishes the message, and read back by the initiator after the round trip's acquire.
     */
    long sentAt;
}

/**
 * The send time of the one message a pair bounces, pre-allocated so nothing is allocated per round trip. The raw ring
 * and Agrona pairs put the {@code Message} itself in their queues; the corepin and Netty pairs hand over pre-allocated
 * tasks and keep the stamp in a {@code Message} beside them.
 *
 * <p>The stamp is padded to its own cache lines because the initiator writes it on every round trip: next to a field
 * the responder reads on every turn (a queue reference, a stop flag) it would add a false-sharing miss per round
 * trip to whichever contender happened to get that heap layout.
 */
final class Message extends MessageStamp {
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}
