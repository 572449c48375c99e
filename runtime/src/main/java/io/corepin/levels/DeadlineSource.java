package io.corepin.levels;

import java.util.PriorityQueue;

/** {@link TaskSource#shortestDeadlineFirst()}: a binary heap on (deadline, arrival), owner thread only. */
final class DeadlineSource implements TaskSource {
    private static final class Entry implements Comparable<Entry> {
        final Runnable task;
        final long deadline;
        final long seq;

        Entry(Runnable task, long deadline, long seq) {
            this.task = task;
            this.deadline = deadline;
            this.seq = seq;
        }

        @Override
        public int compareTo(Entry o) {
            int byDeadline = Long.compare(deadline - o.deadline, 0); // the Exec's clock, wrap-safe: compare differences
            return byDeadline != 0 ? byDeadline : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Entry> heap = new PriorityQueue<>();
    private long seq;

    @Override
    public void offer(Runnable task, long deadlineNanos) {
        heap.add(new Entry(task, deadlineNanos, seq++));
    }

    @Override
    public Runnable poll() {
        Entry e = heap.poll();
        return e == null ? null : e.task;
    }

    @Override
    public Runnable peek() {
        Entry e = heap.peek();
        return e == null ? null : e.task;
    }

    @Override
    public int size() {
        return heap.size();
    }

    @Override
    public String toString() {
        return "shortest-deadline-first";
    }
}
