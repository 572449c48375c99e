package io.corepin.bench.smol;

import io.corepin.Backpressure;
import io.corepin.Corepin;
import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.Promise;
import io.corepin.Scope;
import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.AllowedCpus;
import io.corepin.bench.smol.CorepinLoops.Drain;
import io.corepin.bench.smol.CorepinLoops.Forwarder;
import io.corepin.bench.smol.CorepinLoops.Responder;
import io.corepin.bench.smol.CorepinLoops.Spinner;
import io.corepin.bench.smol.CorepinLoops.Yielder;
import io.corepin.channel.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * corepin: a group set up like the default global group ({@link Corepin#global()}: one Exec per allowed CPU, pinned
 * by {@link AffinityPlan#auto}, parking when idle), as smolscale's benches use smolscale's global executor, but with
 * {@link Backpressure#block} instead of the global group's reject: spawn_many spawns 25,000 tasks at once from
 * outside, more than the Execs' rings hold, and smolscale's spawn never refuses a task. The driver is the benchmark thread hosting an Exec
 * through {@link Corepin#blockOn} (smolscale's {@code block_on}) and composing {@link Promise}s; standing tasks are
 * {@link CorepinLoops} over {@link Channel#bounded} channels (thread-safe: the group's balancer spreads the tasks
 * over the Execs, except a chain of forwarders, which is placed on one Exec — see {@code chain}); a scope is
 * {@link ExecGroup#scope()}.
 */
final class CorepinPeer implements SmolPeer {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final Supplier<CompletionStage<Void>> EMPTY = () -> DONE;

    private final ExecGroup group = ExecGroup.builder()
        .affinity(AffinityPlan.auto(AllowedCpus.detect().cardinality(), false))
        .execSettings(Exec.builder().name("smol-corepin").daemon(true))
        .backpressure(Backpressure.block(Duration.ofSeconds(Smol.PATIENCE_SECONDS)))
        .build();

    @Override
    public void spawnOne() {
        Corepin.blockOn(() -> group.spawn(EMPTY));
    }

    @Override
    public void spawnMany() {
        Corepin.blockOn(() -> {
            List<Promise<Void>> tasks = new ArrayList<>(Smol.LIGHT_TASKS);
            for (int i = 0; i < Smol.LIGHT_TASKS; i++) {
                tasks.add(group.spawn(EMPTY));
            }
            return awaitEach(tasks, 0);
        });
    }

    /** Waits for each of {@code tasks} in turn from {@code from} on, as smolscale's {@code for t in tasks { t.await }}. */
    private static CompletionStage<Void> awaitEach(List<? extends CompletableFuture<?>> tasks, int from) {
        for (int i = from; i < tasks.size(); i++) {
            CompletableFuture<?> t = tasks.get(i);
            if (!t.isDone()) {
                int next = i + 1;
                return t.thenCompose(v -> awaitEach(tasks, next));
            }
            t.join(); // done: rethrows a failure
        }
        return DONE;
    }

    @Override
    public void yieldNow() {
        CountDownLatch done = new CountDownLatch(Smol.TASKS);
        for (int i = 0; i < Smol.TASKS; i++) {
            group.spawn(new Yielder(done));
        }
        Smol.await(done, "yield_now's tasks");
    }

    @Override
    public void spawnExecutorsRecursively() {
        Corepin.blockOn(() -> {
            List<Promise<Void>> tasks = new ArrayList<>(Smol.TASKS);
            for (int i = 0; i < Smol.TASKS; i++) {
                tasks.add(group.spawn(() -> nest(Smol.STEPS)));
            }
            return awaitEach(tasks, 0);
        });
    }

    /**
     * Runs the next level on a fresh Exec and completes when the innermost level has, as smolscale's bench runs each
     * level on a fresh {@code async_executor::Executor} driven by the task that made it: {@link Corepin#blockOn} on
     * an Exec's thread nests a fresh Exec on that very thread (no thread is started), runs it until the body's stage
     * is done and everything it accepted has finished, and ends it. The group Exec running the root task is busy
     * meanwhile, as with any task (300 levels take well under the stall threshold).
     */
    private static CompletionStage<Void> nest(int depth) {
        if (depth == 0) {
            return DONE;
        }
        Corepin.blockOn(() -> nest(depth - 1));
        return DONE;
    }

    @Override
    public void scoped(AtomicLong sum) {
        Runnable add = () -> sum.getAndAdd(1);
        try (Scope scope = group.scope()) {
            for (int i = 0; i < Smol.SCOPED_OPS; i++) {
                scope.spawn(add);
            }
        }
    }

    @Override
    public Round pingPong() {
        Channel<CompletableFuture<Integer>> requests = Channel.bounded(Smol.PING_CAPACITY);
        group.spawn(new Responder(requests));
        Supplier<CompletionStage<?>> ping = () -> {
            Promise<Integer> reply = new Promise<>(Exec.current());
            return requests.send(reply).thenCompose(sent -> reply);
        };
        return new Round() {
            @Override
            public void run() {
                Corepin.blockOn(() -> repeat(Smol.PINGS, ping));
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
            group.spawn(new Spinner(stop));
        }
        return chain;
    }

    /**
     * {@code length} forwarders over capacity-1 channels; each op sends {@code messages} through, one at a time. The
     * forwarders of one chain are placed on one Exec, as a corepin user places a pipeline: a hop between two of them
     * is then a plain local wake, and only the driver's first send and last receive cross threads. (Spread by the
     * balancer, every hop would cross cores and wake a parked Exec.)
     */
    private Round chain(int length, int messages, AtomicBoolean stop) {
        List<Channel<Integer>> channels = new ArrayList<>(length + 1);
        channels.add(Channel.bounded(1));
        Exec home = group.exec(0);
        for (int i = 0; i < length; i++) {
            Channel<Integer> out = Channel.bounded(1);
            home.spawn(new Forwarder(channels.get(i), out));
            channels.add(out);
        }
        Channel<Integer> first = channels.get(0);
        Channel<Integer> last = channels.get(length);
        Supplier<CompletionStage<?>> message = () -> first.send(1).thenCompose(sent -> last.recv());
        return new Round() {
            @Override
            public void run() {
                Corepin.blockOn(() -> repeat(messages, message));
            }

            @Override
            public void close() {
                if (stop != null) {
                    stop.set(true); // volatile write: the spinners see it on their next turn
                }
                channels.forEach(Channel::close);
            }
        };
    }

    @Override
    public Round fanout() {
        Channel<Integer> channel = Channel.bounded(1);
        for (int i = 0; i < Smol.FANOUT_TASKS; i++) {
            group.spawn(new Drain(channel));
        }
        Supplier<CompletionStage<?>> send = () -> channel.send(1);
        return new Round() {
            @Override
            public void run() {
                Corepin.blockOn(() -> repeat(Smol.FANOUT_MESSAGES, send));
            }

            @Override
            public void close() {
                channel.close();
            }
        };
    }

    /**
     * Runs {@code step} {@code n} times, one after the other: inline while steps complete at once, composing on the
     * first one that does not (an async loop).
     */
    private static CompletionStage<Void> repeat(int n, Supplier<? extends CompletionStage<?>> step) {
        for (int i = 0; i < n; i++) {
            CompletableFuture<?> s = step.get().toCompletableFuture();
            if (!s.isDone()) {
                int left = n - i - 1;
                return s.thenCompose(v -> repeat(left, step));
            }
            s.join(); // done: rethrows a failure
        }
        return DONE;
    }

    @Override
    public void close() {
        group.shutdownNow();
    }
}
