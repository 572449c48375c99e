package io.corepin.bench.smol;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A fixed ThreadPoolExecutor, one thread per CPU, over a LinkedBlockingQueue, threads started up front. Fresh
 * executors for spawn_executors_recursively are {@code Executors.newSingleThreadExecutor()}.
 */
final class ThreadPoolPeer extends AsyncPeer {
    private static final ThreadFactory DAEMONS = r -> {
        Thread t = new Thread(r, "smol-tpe");
        t.setDaemon(true);
        return t;
    };

    private final ThreadPoolExecutor pool;

    ThreadPoolPeer() {
        int n = Runtime.getRuntime().availableProcessors();
        pool = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), DAEMONS);
        pool.prestartAllCoreThreads();
    }

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
        return Executors.newSingleThreadExecutor(DAEMONS);
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
