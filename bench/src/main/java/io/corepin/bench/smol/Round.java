package io.corepin.bench.smol;

/**
 * A workload whose tasks are set up once per trial and then driven by the benchmark thread, one {@link #run()} per
 * JMH op (ping_pong's server, context_switch's forwarder chains, fanout's receivers).
 */
interface Round extends AutoCloseable {
    /** One op: drives the standing tasks from the calling (benchmark) thread and waits until the op is done. */
    void run();

    /** Stops the standing tasks. */
    @Override
    void close();
}
