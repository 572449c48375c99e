package io.corepin.examples.latency;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by a contender's two threads, from HotSpot's per-thread allocation counters
 * ({@link com.sun.management.ThreadMXBean#getThreadAllocatedBytes(long[])}). Read before and after the measured
 * phase, it shows whether the pair is allocation-free in steady state.
 */
final class AllocationMeter {
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private AllocationMeter() {
    }

    private static com.sun.management.ThreadMXBean threads() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (bean instanceof com.sun.management.ThreadMXBean) {
            com.sun.management.ThreadMXBean hotspot = (com.sun.management.ThreadMXBean) bean;
            if (hotspot.isThreadAllocatedMemorySupported()) {
                hotspot.setThreadAllocatedMemoryEnabled(true);
                return hotspot;
            }
        }
        return null;
    }

    /**
     * The bytes the given threads have allocated so far, summed.
     *
     * @return the sum, or -1 if this JVM cannot tell (or a thread has exited)
     */
    static long allocated(long[] threadIds) {
        if (THREADS == null) {
            return -1;
        }
        long sum = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(threadIds)) {
            if (bytes < 0) {
                return -1;
            }
            sum += bytes;
        }
        return sum;
    }
}
