package io.corepin.levels;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link TaskSource#alternating(int, Supplier)}: inner sources taken in rotation. Owner thread only. Its size is the
 * sum of the inner sizes, asked each time (not a count of offers minus polls: a generator inner source hands out
 * tasks that were never offered).
 */
final class AlternatingSource implements TaskSource {
    private final TaskSource[] inner;
    private int nextOffer;
    private int nextPoll;

    AlternatingSource(int ways, Supplier<? extends TaskSource> factory) {
        if (ways < 1) {
            throw new IllegalArgumentException("alternating source needs >= 1 inner source, got " + ways);
        }
        inner = new TaskSource[ways];
        for (int i = 0; i < ways; i++) {
            inner[i] = Objects.requireNonNull(factory.get(), "inner source factory returned null");
        }
    }

    @Override
    public void offer(Runnable task, long deadlineNanos) {
        inner[nextOffer].offer(task, deadlineNanos);
        nextOffer = nextOffer + 1 == inner.length ? 0 : nextOffer + 1;
    }

    @Override
    public Runnable poll() {
        for (int tried = 0; tried < inner.length; tried++) {
            TaskSource s = inner[nextPoll];
            nextPoll = nextPoll + 1 == inner.length ? 0 : nextPoll + 1;
            Runnable r = s.poll();
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** What {@link #poll()} would take: the head of the first non-empty inner source from the poll cursor on. */
    @Override
    public Runnable peek() {
        for (int tried = 0, i = nextPoll; tried < inner.length; tried++, i = i + 1 == inner.length ? 0 : i + 1) {
            if (inner[i].size() > 0) {
                return inner[i].peek(); // null if that source cannot tell: then nothing is taken from this lane
            }
        }
        return null;
    }

    @Override
    public int size() {
        int size = 0;
        for (TaskSource s : inner) {
            size += s.size();
        }
        return size;
    }

    @Override
    public void attach(Runnable wakeup) {
        for (TaskSource s : inner) {
            s.attach(wakeup);
        }
    }

    @Override
    public boolean generates() {
        for (TaskSource s : inner) {
            if (s.generates()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "alternating(" + inner.length + " x " + inner[0] + ")";
    }
}
