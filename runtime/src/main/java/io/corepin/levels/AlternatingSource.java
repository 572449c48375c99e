package io.corepin.levels;

import java.util.Objects;
import java.util.function.Supplier;

/** {@link TaskSource#alternating(int, Supplier)}: inner sources taken in rotation. Owner thread only. */
final class AlternatingSource implements TaskSource {
    private final TaskSource[] inner;
    private int nextOffer;
    private int nextPoll;
    private int size;

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
        size++;
    }

    @Override
    public Runnable poll() {
        for (int tried = 0; tried < inner.length; tried++) {
            TaskSource s = inner[nextPoll];
            nextPoll = nextPoll + 1 == inner.length ? 0 : nextPoll + 1;
            Runnable r = s.poll();
            if (r != null) {
                size--;
                return r;
            }
        }
        return null;
    }

    @Override
    public int size() {
        return size;
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
