package io.corepin.bench.smol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One executor under test, with every workload of the smolscale suite (and smartpool's scoped test) written in
 * that executor's own idiom. The caller of each method is the benchmark thread, which drives the workload and
 * waits for it the way smolscale's {@code block_on} does: it is never a task of the pool under test.
 */
interface SmolPeer extends AutoCloseable {
    /** spawn_one: spawn an empty task and wait for it. */
    void spawnOne();

    /** spawn_many: spawn {@link Smol#LIGHT_TASKS} empty tasks, then wait for each. */
    void spawnMany();

    /** yield_now: {@link Smol#TASKS} tasks that each yield {@link Smol#STEPS} times; wait for all. */
    void yieldNow();

    /**
     * spawn_executors_recursively: {@link Smol#TASKS} tasks that each create a fresh executor, run the next level
     * on it and wait for it, {@link Smol#STEPS} levels deep.
     */
    void spawnExecutorsRecursively();

    /** smartpool's scoped test: one batch of {@link Smol#SCOPED_OPS} scoped ops that each add 1 to {@code sum}. */
    void scoped(AtomicLong sum);

    /** ping_pong: a server task answering one-shot requests sent over a bounded channel of capacity 10. */
    Round pingPong();

    /** context_switch_quiet: a chain of {@link Smol#TASKS} forwarders over capacity-1 channels; one message. */
    Round contextSwitchQuiet();

    /**
     * context_switch_busy: a chain of {@link Smol#BUSY_FORWARDERS} forwarders next to {@link Smol#TASKS} tasks
     * that yield forever; {@link Smol#BUSY_MESSAGES} messages through the chain.
     */
    Round contextSwitchBusy();

    /** fanout: {@link Smol#FANOUT_TASKS} receivers on one capacity-1 channel; {@link Smol#FANOUT_MESSAGES} sends. */
    Round fanout();

    /** Shuts the executor down. */
    @Override
    void close();
}
