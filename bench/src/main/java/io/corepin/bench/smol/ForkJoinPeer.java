package io.corepin.bench.smol;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * ForkJoinPool with one worker per CPU in async (FIFO) mode, the mode its Javadoc recommends for event-style tasks
 * that are never joined. Fresh executors for spawn_executors_recursively are {@code new ForkJoinPool(1)}.
 */
final class ForkJoinPeer extends AsyncPeer {
    private final ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors(),
        ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);

    @Override
    ExecutorService service() {
        return pool;
    }

    @Override
    Executor home() {
        return pool;
    }

    @Override
    ExecutorService newNestedExecutor() {
        return new ForkJoinPool(1);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
