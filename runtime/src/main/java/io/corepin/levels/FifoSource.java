package io.corepin.levels;

import java.util.ArrayDeque;

/** {@link TaskSource#fifo()}: an ArrayDeque, owner thread only. */
final class FifoSource implements TaskSource {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();

    @Override
    public void offer(Runnable task, long deadlineNanos) {
        queue.addLast(task);
    }

    @Override
    public Runnable poll() {
        return queue.pollFirst();
    }

    @Override
    public Runnable peek() {
        return queue.peekFirst();
    }

    @Override
    public int size() {
        return queue.size();
    }

    @Override
    public String toString() {
        return "fifo";
    }
}
