package io.corepin.bench;

/** The benchmarks' unit of work: a plain increment of a counter owned by the thread that runs it. */
public final class CountTask implements Runnable {
    /** Plain field: written only by the executing thread, read after a {@link BatchMarker} has published it. */
    public long count;

    @Override
    public void run() {
        count++;
    }
}
