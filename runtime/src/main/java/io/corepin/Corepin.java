package io.corepin;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.AllowedCpus;
import java.util.concurrent.CompletionStage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The default global group, like smolscale's global executor: one {@link Exec} per CPU the process may run on,
 * pinned by {@link AffinityPlan#auto(int, boolean)} (CPU 0 included), parking when idle, started on first use and
 * shut down by a JVM shutdown hook (graceful for up to 5 seconds, then {@code shutdownNow}; first used from a
 * shutdown hook, it works and ends with the JVM). Its threads are
 * daemons: an idle global group never keeps the JVM alive. A spawn that finds every ring full waits for room
 * (up to a minute, then {@link java.util.concurrent.RejectedExecutionException}) rather than failing at once.
 *
 * <p>It scales like smolscale's: while every one of its Execs is stalled (a task has held it past the stall
 * threshold), un-keyed work goes to standby Execs — unpinned, started on demand, up to 64 at a time, each ending
 * itself after 1 s without work ({@link ExecGroup.Builder#standby}, {@link ExecGroup#standbyExecs()}); the pinned
 * Execs keep their CPUs and their keys. Work waiting behind a stalled task moves to a sibling or a standby Exec
 * ({@link ExecGroup.Builder#rescueStalled}); {@code blocking} work has its own pool, which grows and shrinks too.
 *
 * <p>The size can be set before first use with the system property {@code corepin.global.execs}.
 */
public final class Corepin {
    /** System property: how many Execs the global group starts (default: the allowed CPUs). */
    public static final String EXECS_PROPERTY = "corepin.global.execs";

    /** Standby Execs the global group may run at once while all of its own are stalled. */
    static final int STANDBY_MAX = 64;

    private Corepin() {
    }

    /** The global group once started; guarded by the class lock for the start (volatile: read without it). */
    private static volatile ExecGroup global;

    /**
     * The global group, started on first call. A first call during JVM shutdown (from a shutdown hook) still gets a
     * working group: the JVM refuses its shutdown hook then, and its daemon threads end with the JVM. A start that
     * fails (a bad {@value #EXECS_PROPERTY}, say) throws its exception to this caller and is tried again by the next.
     *
     * @throws IllegalArgumentException naming the value if {@value #EXECS_PROPERTY} is below 1
     */
    public static ExecGroup global() {
        ExecGroup g = global; // volatile load
        if (g != null) {
            return g;
        }
        synchronized (Corepin.class) {
            if (global == null) {
                global = startGlobal(Runtime.getRuntime()::addShutdownHook);
            }
            return global;
        }
    }

    /** Starts a group configured as the global one; {@code addHook} registers its shutdown hook. */
    static ExecGroup startGlobal(Consumer<Thread> addHook) {
        int allowed = AllowedCpus.detect().cardinality();
        int execs = Integer.getInteger(EXECS_PROPERTY, Math.max(1, allowed));
        if (execs < 1) {
            throw new IllegalArgumentException(EXECS_PROPERTY + " must be >= 1, got " + execs);
        }
        AffinityPlan plan = execs <= allowed ? AffinityPlan.auto(execs, false) : AffinityPlan.unpinned(execs);
        ExecGroup group = ExecGroup.builder()
            .affinity(plan)
            .backpressure(Backpressure.block(Duration.ofMinutes(1))) // like smolscale: a spawn waits for room
            .standby(STANDBY_MAX, Duration.ofSeconds(1)) // like smolscale: more threads while all are blocked
            .execSettings(Exec.builder().name("corepin-global").daemon(true))
            .build();
        try {
            addHook.accept(new Thread(() -> {
                group.shutdown();
                try {
                    if (!group.awaitTermination(5, TimeUnit.SECONDS)) {
                        group.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    group.shutdownNow();
                }
            }, "corepin-global-shutdown"));
        } catch (IllegalStateException shuttingDown) {
            // first use from a shutdown hook: no hook can be added now; the group's daemon threads end with the JVM
        }
        return group;
    }

    /** Runs {@code task} on the global group (its default balancer, {@code LoadBalancer.wakeLocal()}). */
    public static void spawn(Runnable task) {
        global().execute(task);
    }

    /** Starts {@code task} on the global group; returns its {@link TaskHandle}. */
    public static TaskHandle spawn(AsyncTask task) {
        return global().spawn(task);
    }

    /** Runs {@code body} on the global group; a promise of the stage it returns. */
    public static <T> Promise<T> spawn(Supplier<? extends CompletionStage<T>> body) {
        return global().spawn(body);
    }

    /** {@link Exec#blockOn(Supplier)}: runs {@code body} to completion on the calling thread. */
    public static <T> T blockOn(Supplier<? extends CompletionStage<T>> body) {
        return Exec.blockOn(body);
    }

    /** {@link Exec#yieldNow()}. */
    public static Promise<Void> yieldNow() {
        return Exec.yieldNow();
    }

    /** A scope over the global group ({@link ExecGroup#scope()}). */
    public static Scope scope() {
        return global().scope();
    }
}
