package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Placement: every stage derived from a Promise owned by Exec A runs its actions on A, for every
 * {@link CompletionStage} method, whoever completes the other stage (A itself, another Exec B, a plain thread, or
 * nobody: already done) and whichever thread registers the continuation (A, or a plain thread).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlacementTest {
    private static Exec a;
    private static Exec b;
    private static ExecutorService plain;

    @BeforeAll
    static void start() {
        a = Exec.builder().name("placement-a").daemon(true).build();
        b = Exec.builder().name("placement-b").daemon(true).build();
        plain = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "placement-plain");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        a.close();
        b.close();
        plain.shutdownNow();
    }

    /** Who completes the other stage (for the single-source methods: the stage a thenCompose relays). */
    enum Completer { SAME_EXEC, OTHER_EXEC, PLAIN_THREAD, ALREADY_DONE }

    /** Which thread registers the continuation. */
    enum Registrar { OWNER, PLAIN_THREAD }

    /** Records the thread of every action; the test asserts they were all A's. */
    static final class Where {
        final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());

        void here(String what) {
            seen.add(what);
            if (Exec.current() != a) {
                wrong.add(what + " ran on " + Thread.currentThread().getName());
            }
        }
    }

    /** A continuation: source (owned by A), the other stage, the recorder → the derived stage. */
    interface Method extends BiFunction<Promise<Integer>, CompletionStage<Integer>, CompletionStage<?>> {
        default CompletionStage<?> derive(Promise<Integer> src, CompletionStage<Integer> other, Where w) {
            WHERE.set(w);
            try {
                return apply(src, other);
            } finally {
                WHERE.remove();
            }
        }
    }

    private static final ThreadLocal<Where> WHERE = new ThreadLocal<>();

    /** Runs on the action's thread: records it; the recorder is captured when the stage is derived. */
    private static Where w() {
        return WHERE.get();
    }

    private static Stream<Arguments> methods() {
        List<Object[]> m = new ArrayList<>();
        // Two-source methods: the other stage is the second source.
        m.add(new Object[] {"thenCombine", (Method) (s, o) -> {
            Where w = w();
            return s.thenCombine(o, (x, y) -> { w.here("thenCombine"); return x + y; });
        }});
        m.add(new Object[] {"thenCombineAsync", (Method) (s, o) -> {
            Where w = w();
            return s.thenCombineAsync(o, (x, y) -> { w.here("thenCombineAsync"); return x + y; });
        }});
        m.add(new Object[] {"thenAcceptBoth", (Method) (s, o) -> {
            Where w = w();
            return s.thenAcceptBoth(o, (x, y) -> w.here("thenAcceptBoth"));
        }});
        m.add(new Object[] {"thenAcceptBothAsync", (Method) (s, o) -> {
            Where w = w();
            return s.thenAcceptBothAsync(o, (x, y) -> w.here("thenAcceptBothAsync"));
        }});
        m.add(new Object[] {"runAfterBoth", (Method) (s, o) -> {
            Where w = w();
            return s.runAfterBoth(o, () -> w.here("runAfterBoth"));
        }});
        m.add(new Object[] {"runAfterBothAsync", (Method) (s, o) -> {
            Where w = w();
            return s.runAfterBothAsync(o, () -> w.here("runAfterBothAsync"));
        }});
        // Either: the source completes only after the other stage, so the other stage decides.
        m.add(new Object[] {"applyToEither", (Method) (s, o) -> {
            Where w = w();
            return s.applyToEither(o, x -> { w.here("applyToEither"); return x; });
        }});
        m.add(new Object[] {"applyToEitherAsync", (Method) (s, o) -> {
            Where w = w();
            return s.applyToEitherAsync(o, x -> { w.here("applyToEitherAsync"); return x; });
        }});
        m.add(new Object[] {"acceptEither", (Method) (s, o) -> {
            Where w = w();
            return s.acceptEither(o, x -> w.here("acceptEither"));
        }});
        m.add(new Object[] {"acceptEitherAsync", (Method) (s, o) -> {
            Where w = w();
            return s.acceptEitherAsync(o, x -> w.here("acceptEitherAsync"));
        }});
        m.add(new Object[] {"runAfterEither", (Method) (s, o) -> {
            Where w = w();
            return s.runAfterEither(o, () -> w.here("runAfterEither"));
        }});
        m.add(new Object[] {"runAfterEitherAsync", (Method) (s, o) -> {
            Where w = w();
            return s.runAfterEitherAsync(o, () -> w.here("runAfterEitherAsync"));
        }});
        // Single-source methods: applied to src.thenCompose(v -> other), the relay the JDK completes directly.
        m.add(new Object[] {"thenCompose", (Method) (s, o) -> {
            Where w = w();
            return s.thenCompose(v -> { w.here("thenCompose fn"); return o; })
                .thenApply(v -> { w.here("after thenCompose"); return v; });
        }});
        m.add(new Object[] {"thenComposeAsync", (Method) (s, o) -> {
            Where w = w();
            return s.thenComposeAsync(v -> { w.here("thenComposeAsync fn"); return o; })
                .thenApply(v -> { w.here("after thenComposeAsync"); return v; });
        }});
        m.add(new Object[] {"thenApply", (Method) (s, o) -> {
            Where w = w();
            return relay(s, o).thenApply(v -> { w.here("thenApply"); return v; });
        }});
        m.add(new Object[] {"thenApplyAsync", (Method) (s, o) -> {
            Where w = w();
            return relay(s, o).thenApplyAsync(v -> { w.here("thenApplyAsync"); return v; });
        }});
        m.add(new Object[] {"thenAccept", (Method) (s, o) -> {
            Where w = w();
            return relay(s, o).thenAccept(v -> w.here("thenAccept"));
        }});
        m.add(new Object[] {"thenAcceptAsync", (Method) (s, o) -> {
            Where w = w();
            return relay(s, o).thenAcceptAsync(v -> w.here("thenAcceptAsync"));
        }});
        m.add(new Object[] {"thenRun", (Method) (s, o) -> {
            Where w = w();
            return relay(s, o).thenRun(() -> w.here("thenRun"));
        }});
        m.add(new Object[] {"thenRunAsync", (Method) (s, o) -> {
            Where w = w();
            return relay(s, o).thenRunAsync(() -> w.here("thenRunAsync"));
        }});
        m.add(new Object[] {"handle", (Method) (s, o) -> {
            Where w = w();
            return relay(s, o).handle((v, t) -> { w.here("handle"); return v; });
        }});
        m.add(new Object[] {"handleAsync", (Method) (s, o) -> {
            Where w = w();
            return relay(s, o).handleAsync((v, t) -> { w.here("handleAsync"); return v; });
        }});
        m.add(new Object[] {"whenComplete", (Method) (s, o) -> {
            Where w = w();
            return relay(s, o).whenComplete((v, t) -> w.here("whenComplete"));
        }});
        m.add(new Object[] {"whenCompleteAsync", (Method) (s, o) -> {
            Where w = w();
            return relay(s, o).whenCompleteAsync((v, t) -> w.here("whenCompleteAsync"));
        }});
        m.add(new Object[] {"exceptionally", (Method) (s, o) -> {
            Where w = w();
            return failedRelay(s, o).exceptionally(t -> { w.here("exceptionally"); return 0; });
        }});
        m.add(new Object[] {"exceptionallyAsync", (Method) (s, o) -> {
            Where w = w();
            return failedRelay(s, o).exceptionallyAsync(t -> { w.here("exceptionallyAsync"); return 0; });
        }});
        m.add(new Object[] {"exceptionallyCompose", (Method) (s, o) -> {
            Where w = w();
            return failedRelay(s, o).exceptionallyCompose(t -> { w.here("exceptionallyCompose fn"); return o; })
                .thenApply(v -> { w.here("after exceptionallyCompose"); return v; });
        }});
        m.add(new Object[] {"exceptionallyComposeAsync", (Method) (s, o) -> {
            Where w = w();
            return failedRelay(s, o)
                .exceptionallyComposeAsync(t -> { w.here("exceptionallyComposeAsync fn"); return o; })
                .thenApply(v -> { w.here("after exceptionallyComposeAsync"); return v; });
        }});
        List<Arguments> all = new ArrayList<>();
        for (Object[] method : m) {
            for (Completer c : Completer.values()) {
                for (Registrar r : Registrar.values()) {
                    all.add(Arguments.of(method[0], method[1], c, r));
                }
            }
        }
        return all.stream();
    }

    /** The stage the JDK relays: completes when the other stage does. */
    private static CompletionStage<Integer> relay(Promise<Integer> s, CompletionStage<Integer> o) {
        return s.thenCompose(v -> o);
    }

    /** A relayed stage that fails (for exceptionally*): the other stage's value turned into a failure on A. */
    private static CompletionStage<Integer> failedRelay(Promise<Integer> s, CompletionStage<Integer> o) {
        return s.thenCompose(v -> o).thenApply(v -> {
            throw new IllegalStateException("planned");
        });
    }

    @ParameterizedTest(name = "{0}, other stage completed by {2}, registered on {3}")
    @MethodSource("methods")
    void everyActionRunsOnTheOwningExec(String name, Method method, Completer completer, Registrar registrar)
        throws Exception {
        Where where = new Where();
        Promise<Integer> src = new Promise<>(a);
        CompletableFuture<Integer> otherSource = completer == Completer.SAME_EXEC ? new Promise<>(a)
            : completer == Completer.OTHER_EXEC ? new Promise<>(b)
            : completer == Completer.ALREADY_DONE ? CompletableFuture.completedFuture(2)
            : new CompletableFuture<>();
        CompletionStage<?> derived = registrar == Registrar.OWNER
            ? a.submit(() -> method.derive(src, otherSource, where)).get(10, TimeUnit.SECONDS)
            : plain.submit(() -> method.derive(src, otherSource, where)).get(10, TimeUnit.SECONDS);
        CountDownLatch srcDone = new CountDownLatch(1);
        if (name.contains("Either")) {
            complete(completer, otherSource); // the other stage decides an *Either
            a.execute(() -> {
                src.complete(1);
                srcDone.countDown();
            });
        } else {
            a.execute(() -> {
                src.complete(1);
                srcDone.countDown();
            });
            assertTrue(srcDone.await(10, TimeUnit.SECONDS));
            complete(completer, otherSource);
        }
        CompletableFuture<?> result = derived.toCompletableFuture();
        result.get(10, TimeUnit.SECONDS);
        // and one more continuation on the derived stage, registered from the test thread after it completed
        result.thenRun(() -> where.here("continuation of the derived stage")).get(10, TimeUnit.SECONDS);
        assertTrue(where.wrong.isEmpty(), () -> name + ": " + where.wrong);
        assertTrue(where.seen.size() >= 2, () -> name + ": the actions did not run: " + where.seen);
        assertTrue(result instanceof Promise, () -> name + " returned a " + result.getClass().getName());
        assertSame(a, ((Promise<?>) result).exec(), name + ": the derived stage belongs to the source's Exec");
    }

    private static void complete(Completer completer, CompletableFuture<Integer> other) throws Exception {
        switch (completer) {
            case SAME_EXEC:
                a.execute(() -> other.complete(2));
                break;
            case OTHER_EXEC:
                b.execute(() -> other.complete(2));
                break;
            case PLAIN_THREAD:
                plain.submit(() -> other.complete(2)).get(10, TimeUnit.SECONDS);
                break;
            default:
                assertEquals(2, other.getNow(-1));
        }
    }
}
