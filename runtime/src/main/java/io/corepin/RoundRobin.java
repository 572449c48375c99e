package io.corepin;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Round robin with one cursor per submitting thread: each submit is a thread-local lookup and a plain increment,
 * never a shared counter's cache line bouncing between producers. Threads start at random positions so that many
 * submitters do not march in step.
 */
final class RoundRobin implements LoadBalancer {
    private final ThreadLocal<int[]> cursor =
        ThreadLocal.withInitial(() -> new int[] {ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE)});

    @Override
    public int select(Runnable task, ExecGroup group) {
        return next(cursor.get(), group.size());
    }

    /** Advances a thread's cursor (plain: it belongs to one thread) and returns the index it lands on. */
    static int next(int[] cursor, int size) {
        int i = cursor[0] + 1;
        if (i >= size || i < 0) {
            i = 0;
        }
        cursor[0] = i;
        return i;
    }

    @Override
    public String toString() {
        return "roundRobin";
    }
}
