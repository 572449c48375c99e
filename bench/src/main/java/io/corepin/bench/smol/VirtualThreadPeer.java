package io.corepin.bench.smol;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JDK 21+ virtual threads, written in their own idiom: a task is a virtual thread (the {@link Thread} is the join
 * handle), waiting is blocking ({@link ArrayBlockingQueue} channels of the suite's capacities, a
 * {@link CompletableFuture} as ping_pong's one-shot reply), yielding is {@link Thread#yield()}, a scope is a
 * {@code newVirtualThreadPerTaskExecutor()} that is shut down and awaited (what its {@code close()} does). The
 * scheduler is the JDK's default one (a ForkJoinPool with one carrier per CPU). Standing tasks end by interrupt.
 */
final class VirtualThreadPeer implements SmolPeer {
    VirtualThreadPeer() {
        VirtualThreads.require();
    }

    @Override
    public void spawnOne() {
        Smol.join(VirtualThreads.start(Smol.NOOP), "spawn_one's thread");
    }

    @Override
    public void spawnMany() {
        Thread[] threads = new Thread[Smol.LIGHT_TASKS];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = VirtualThreads.start(Smol.NOOP);
        }
        for (Thread t : threads) {
            Smol.join(t, "spawn_many's threads");
        }
    }

    @Override
    public void yieldNow() {
        Thread[] threads = new Thread[Smol.TASKS];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = VirtualThreads.start(() -> {
                for (int s = 0; s < Smol.STEPS; s++) {
                    Thread.yield();
                }
            });
        }
        for (Thread t : threads) {
            Smol.join(t, "yield_now's threads");
        }
    }

    @Override
    public void spawnExecutorsRecursively() {
        Thread[] threads = new Thread[Smol.TASKS];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = VirtualThreads.start(() -> nest(Smol.STEPS));
        }
        for (Thread t : threads) {
            Smol.join(t, "spawn_executors_recursively's threads", Smol.RECURSIVE_PATIENCE_SECONDS);
        }
    }

    /** Runs the next level on a fresh per-task executor and waits for it (blocking a virtual thread is cheap). */
    private static void nest(int depth) {
        if (depth == 0) {
            return;
        }
        ExecutorService nested = VirtualThreads.newPerTaskExecutor();
        Future<?> next = nested.submit(() -> nest(depth - 1));
        nested.shutdown();
        Smol.await(next, "the next level", Smol.RECURSIVE_PATIENCE_SECONDS);
    }

    @Override
    public void scoped(AtomicLong sum) {
        ExecutorService scope = VirtualThreads.newPerTaskExecutor();
        Runnable add = () -> sum.getAndAdd(1);
        for (int i = 0; i < Smol.SCOPED_OPS; i++) {
            scope.execute(add);
        }
        scope.shutdown();
        try {
            if (!scope.awaitTermination(Smol.PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                throw Smol.stuck("the scoped ops");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the scoped ops", e);
        }
    }

    @Override
    public Round pingPong() {
        BlockingQueue<CompletableFuture<Integer>> requests = new ArrayBlockingQueue<>(Smol.PING_CAPACITY);
        Thread server = VirtualThreads.start(() -> {
            try {
                for (;;) {
                    requests.take().complete(0);
                }
            } catch (InterruptedException stop) {
                // closed
            }
        });
        return new Standing(List.of(server)) {
            @Override
            public void run() {
                for (int i = 0; i < Smol.PINGS; i++) {
                    CompletableFuture<Integer> reply = new CompletableFuture<>();
                    put(requests, reply, "room in ping_pong's request queue");
                    Smol.await(reply, "ping_pong's reply");
                }
            }
        };
    }

    @Override
    public Round contextSwitchQuiet() {
        return chain(Smol.TASKS, 1, new ArrayList<>());
    }

    @Override
    public Round contextSwitchBusy() {
        List<Thread> spinners = new ArrayList<>(Smol.TASKS);
        for (int i = 0; i < Smol.TASKS; i++) {
            spinners.add(VirtualThreads.start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.yield();
                }
            }));
        }
        return chain(Smol.BUSY_FORWARDERS, Smol.BUSY_MESSAGES, spinners);
    }

    /** {@code length} forwarding threads over capacity-1 queues; each op sends {@code messages} through. */
    private static Round chain(int length, int messages, List<Thread> threads) {
        BlockingQueue<Integer> first = new ArrayBlockingQueue<>(1);
        BlockingQueue<Integer> in = first;
        for (int i = 0; i < length; i++) {
            BlockingQueue<Integer> from = in;
            BlockingQueue<Integer> to = new ArrayBlockingQueue<>(1);
            threads.add(VirtualThreads.start(() -> {
                try {
                    for (;;) {
                        to.put(from.take());
                    }
                } catch (InterruptedException stop) {
                    // closed
                }
            }));
            in = to;
        }
        BlockingQueue<Integer> last = in;
        return new Standing(threads) {
            @Override
            public void run() {
                for (int i = 0; i < messages; i++) {
                    put(first, 1, "room at the head of the forwarder chain");
                    take(last, "the message at the end of the forwarder chain");
                }
            }
        };
    }

    @Override
    public Round fanout() {
        BlockingQueue<Integer> channel = new ArrayBlockingQueue<>(1);
        List<Thread> receivers = new ArrayList<>(Smol.FANOUT_TASKS);
        for (int i = 0; i < Smol.FANOUT_TASKS; i++) {
            receivers.add(VirtualThreads.start(() -> {
                try {
                    for (;;) {
                        channel.take();
                    }
                } catch (InterruptedException stop) {
                    // closed
                }
            }));
        }
        return new Standing(receivers) {
            @Override
            public void run() {
                for (int i = 0; i < Smol.FANOUT_MESSAGES; i++) {
                    put(channel, 1, "room in fanout's queue");
                }
            }
        };
    }

    @Override
    public void close() {
        // nothing pooled: each workload's threads end with their Round
    }

    /** A round over standing virtual threads, which {@link #close()} interrupts and joins. */
    private abstract static class Standing implements Round {
        private final List<Thread> threads;

        Standing(List<Thread> threads) {
            this.threads = threads;
        }

        @Override
        public void close() {
            threads.forEach(Thread::interrupt);
            for (Thread t : threads) {
                Smol.join(t, "a standing thread to stop");
            }
        }

        static <E> void put(BlockingQueue<E> q, E e, String what) {
            try {
                if (!q.offer(e, Smol.PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                    throw Smol.stuck(what);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, ex);
            }
        }

        static <E> void take(BlockingQueue<E> q, String what) {
            try {
                if (q.poll(Smol.PATIENCE_SECONDS, TimeUnit.SECONDS) == null) {
                    throw Smol.stuck(what);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, ex);
            }
        }
    }
}
