package io.corepin.balance;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Round robin with one cursor per submitting thread: each submit is a thread-local lookup and a plain increment,
 * never a shared counter's cache line bouncing between producers. Each thread's cursor starts at a random Exec, so
 * that the first submits of many threads (and of short-lived threads) do not all land on one Exec.
 */
final class RoundRobin implements LoadBalancer {
    private final ThreadLocal<int[]> cursor =
        ThreadLocal.withInitial(() -> new int[] {ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE)});

    @Override
    public int select(Runnable task, Targets targets) {
        return next(cursor.get(), targets.size());
    }

    /**
     * Advances a thread's cursor (plain: it belongs to one thread) and returns the index it lands on. A cursor
     * outside {@code [0, size)} (a fresh random start, or one used with a larger group) is reduced modulo
     * {@code size}, so the random start survives; inside it, this is a plain increment and wrap.
     */
    static int next(int[] cursor, int size) {
        int i = cursor[0] + 1;
        if (i >= size || i < 0) {
            i = (i & Integer.MAX_VALUE) % size; // was `i = 0`: every thread's first pick was Exec 0
        }
        cursor[0] = i;
        return i;
    }

    @Override
    public String toString() {
        return "roundRobin";
    }
}
