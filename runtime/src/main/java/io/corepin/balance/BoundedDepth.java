package io.corepin.balance;

/**
 * Round robin over the Execs whose ring holds fewer than {@code maxDepth} tasks. Starting from the thread's cursor
 * it scans at most once around the group; if every ring is that deep it answers {@link LoadBalancer#NONE}.
 */
final class BoundedDepth implements LoadBalancer {
    private final int maxDepth;
    private final ThreadLocal<int[]> cursor = ThreadLocal.withInitial(() -> new int[1]);

    BoundedDepth(int maxDepth) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be >= 1, got " + maxDepth);
        }
        this.maxDepth = maxDepth;
    }

    @Override
    public int select(Runnable task, Targets targets) {
        int size = targets.size();
        int[] c = cursor.get();
        for (int tried = 0; tried < size; tried++) {
            int i = RoundRobin.next(c, size);
            if (targets.depth(i) < maxDepth) {
                return i;
            }
        }
        return NONE;
    }

    @Override
    public String toString() {
        return "boundedDepth(" + maxDepth + ")";
    }
}
