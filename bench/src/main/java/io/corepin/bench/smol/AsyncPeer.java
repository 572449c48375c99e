package io.corepin.bench.smol;

import io.corepin.bench.smol.AsyncLoops.Forwarder;
import io.corepin.bench.smol.AsyncLoops.Receiver;
import io.corepin.bench.smol.AsyncLoops.Spinner;
import io.corepin.bench.smol.AsyncLoops.Yielder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The suite for an executor that runs {@link Runnable}s and has no task model or channel of its own
 * (ForkJoinPool, ThreadPoolExecutor, Netty's event loops). Spawning is the executor's own {@code submit} with its
 * own future as the join handle; tasks that wait are {@link AsyncLoops} over {@link AsyncChannel}s; a scope is
 * {@link ExecutorService#invokeAll}; the driver blocks on futures. Subclasses say which executor a new task lives
 * on and how to make and release a fresh executor.
 */
abstract class AsyncPeer implements SmolPeer {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** The pool: submit, invokeAll. */
    abstract ExecutorService service();

    /** The executor a new standing task runs on; its continuations and yields stay there. */
    abstract Executor home();

    /** A fresh executor, for spawn_executors_recursively. */
    abstract ExecutorService newNestedExecutor();

    /** Lets a fresh executor finish what it was given and end its thread. */
    void releaseNested(ExecutorService nested) {
        nested.shutdown();
    }

    @Override
    public void spawnOne() {
        Smol.await(service().submit(Smol.NOOP), "spawn_one's task");
    }

    @Override
    public void spawnMany() {
        ExecutorService pool = service();
        Future<?>[] tasks = new Future<?>[Smol.LIGHT_TASKS];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = pool.submit(Smol.NOOP);
        }
        for (Future<?> t : tasks) {
            Smol.await(t, "spawn_many's tasks");
        }
    }

    @Override
    public void yieldNow() {
        CountDownLatch done = new CountDownLatch(Smol.TASKS);
        for (int i = 0; i < Smol.TASKS; i++) {
            Executor home = home();
            home.execute(new Yielder(home, done));
        }
        Smol.await(done, "yield_now's tasks");
    }

    @Override
    public void spawnExecutorsRecursively() {
        List<CompletableFuture<Void>> tasks = new ArrayList<>(Smol.TASKS);
        for (int i = 0; i < Smol.TASKS; i++) {
            tasks.add(CompletableFuture.supplyAsync(() -> nest(Smol.STEPS), home()).thenCompose(f -> f));
        }
        for (CompletableFuture<Void> t : tasks) {
            Smol.await(t, "spawn_executors_recursively's tasks", Smol.RECURSIVE_PATIENCE_SECONDS);
        }
    }

    /** Runs the next level on a fresh executor; completes when the innermost level has. */
    private CompletableFuture<Void> nest(int depth) {
        if (depth == 0) {
            return DONE;
        }
        ExecutorService nested = newNestedExecutor();
        try {
            return CompletableFuture.supplyAsync(() -> nest(depth - 1), nested).thenCompose(f -> f);
        } finally {
            releaseNested(nested);
        }
    }

    @Override
    public void scoped(AtomicLong sum) {
        Callable<Object> add = () -> sum.getAndAdd(1);
        try {
            for (Future<Object> f : service().invokeAll(Collections.nCopies(Smol.SCOPED_OPS, add))) {
                Smol.await(f, "a scoped op");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in invokeAll", e);
        }
    }

    @Override
    public Round pingPong() {
        AsyncChannel<CompletableFuture<Integer>> requests = new AsyncChannel<>(Smol.PING_CAPACITY);
        Executor home = home();
        home.execute(new Receiver<>(requests, reply -> reply.complete(0), home));
        return new Round() {
            @Override
            public void run() {
                for (int i = 0; i < Smol.PINGS; i++) {
                    CompletableFuture<Integer> reply = new CompletableFuture<>();
                    Smol.await(requests.send(reply), "room in ping_pong's request channel");
                    Smol.await(reply, "ping_pong's reply");
                }
            }

            @Override
            public void close() {
                requests.close();
            }
        };
    }

    @Override
    public Round contextSwitchQuiet() {
        return chain(Smol.TASKS, 1, null);
    }

    @Override
    public Round contextSwitchBusy() {
        AtomicBoolean stop = new AtomicBoolean();
        Round chain = chain(Smol.BUSY_FORWARDERS, Smol.BUSY_MESSAGES, stop);
        for (int i = 0; i < Smol.TASKS; i++) {
            Executor home = home();
            home.execute(new Spinner(home, stop));
        }
        return chain;
    }

    /** {@code length} forwarders over capacity-1 channels; each op sends {@code messages} through, one at a time. */
    private Round chain(int length, int messages, AtomicBoolean stop) {
        List<AsyncChannel<Integer>> channels = new ArrayList<>(length + 1);
        channels.add(new AsyncChannel<>(1));
        for (int i = 0; i < length; i++) {
            AsyncChannel<Integer> out = new AsyncChannel<>(1);
            Executor home = home();
            home.execute(new Forwarder<>(channels.get(i), out, home));
            channels.add(out);
        }
        AsyncChannel<Integer> first = channels.get(0);
        AsyncChannel<Integer> last = channels.get(length);
        return new Round() {
            @Override
            public void run() {
                for (int i = 0; i < messages; i++) {
                    Smol.await(first.send(1), "room at the head of the forwarder chain");
                    Smol.await(last.recv(), "the message at the end of the forwarder chain");
                }
            }

            @Override
            public void close() {
                if (stop != null) {
                    stop.set(true); // volatile write: the spinners see it on their next turn
                }
                channels.forEach(AsyncChannel::close);
            }
        };
    }

    @Override
    public Round fanout() {
        AsyncChannel<Integer> channel = new AsyncChannel<>(1);
        for (int i = 0; i < Smol.FANOUT_TASKS; i++) {
            Executor home = home();
            home.execute(new Receiver<Integer>(channel, m -> { }, home));
        }
        return new Round() {
            @Override
            public void run() {
                for (int i = 0; i < Smol.FANOUT_MESSAGES; i++) {
                    Smol.await(channel.send(1), "room in fanout's channel");
                }
            }

            @Override
            public void close() {
                channel.close();
            }
        };
    }
}
