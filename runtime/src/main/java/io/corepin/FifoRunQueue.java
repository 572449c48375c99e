package io.corepin;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The default {@link RunQueue}: one FIFO ({@link ArrayDeque}). Entries from the ring run as the turn takes them;
 * a turn then runs the local entries that were queued before it began, up to its budget. Owner thread only.
 */
final class FifoRunQueue implements RunQueue {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // plain: owner thread only

    @Override
    public void add(Runnable entry) {
        queue.addLast(entry); // plain: owner-thread queue
    }

    @Override
    public boolean runsInbound() {
        return true;
    }

    @Override
    public int runLocal(Consumer<Runnable> runner, int budget) {
        final int n = Math.min(queue.size(), budget);
        for (int i = 0; i < n; i++) {
            runner.accept(queue.pollFirst()); // plain: owner-thread queue
        }
        return n;
    }

    @Override
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    @Override
    public void suspended(AsyncTask task, LiveTasks live) {
        // one queue: its next wake queues it at the back, as any entry
    }

    @Override
    public void beginClose(LiveTasks live) {
        // everything completes on close
    }

    @Override
    public void drainForStop(List<Runnable> into) {
        for (Runnable r; (r = queue.pollFirst()) != null; ) { // plain: owner-thread queue
            into.add(r);
        }
    }

    @Override
    public int size() {
        return queue.size();
    }
}
