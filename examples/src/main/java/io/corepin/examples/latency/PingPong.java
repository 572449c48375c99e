package io.corepin.examples.latency;

/**
 * One contender of the latency loop: two parties, each on its own thread (pinned where the affinity plan allows),
 * that bounce one pre-allocated message. The initiator stamps it, sends it to the responder, the responder sends it
 * straight back, and the initiator records the round trip in the current {@link Phase} and sends it again.
 */
interface PingPong extends AutoCloseable {
    /** Short name, the table's row and the plot's series: {@code raw-ring}, {@code corepin}, ... */
    String name();

    /** What exactly is measured (queue, executor, idle strategy), one line. */
    String description();

    /** Where the two threads run, e.g. {@code "cpu0 <-> cpu1"} or {@code "unpinned"}. */
    String placement();

    /** The ids of the two threads (initiator, responder), for their allocation counters. */
    long[] threadIds();

    /**
     * Starts a phase: the initiator sends the first message. Returns at once; the initiator opens the phase's latch
     * after its last round trip. Call again only after the previous phase finished.
     */
    void start(Phase phase);

    /** Stops both parties and waits (bounded) for their threads to exit. */
    @Override
    void close();
}
