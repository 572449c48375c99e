package io.corepin;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.AllowedCpus;
import java.util.concurrent.CompletionStage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The default global group, like smolscale's global executor: one {@link Exec} per CPU the process may run on,
 * pinned by {@link AffinityPlan#auto(int, boolean)} (CPU 0 included), parking when idle, started on first use and
 * shut down by a JVM shutdown hook (graceful for up to 5 seconds, then {@code shutdownNow}). Its threads are
 * daemons: an idle global group never keeps the JVM alive. A spawn that finds every ring full waits for room
 * (up to a minute, then {@link java.util.concurrent.RejectedExecutionException}) rather than failing at once.
 *
 * <p>The size can be set before first use with the system property {@code corepin.global.execs}.
 */
public final class Corepin {
    /** System property: how many Execs the global group starts (default: the allowed CPUs). */
    public static final String EXECS_PROPERTY = "corepin.global.execs";

    private Corepin() {
    }

    private static final class Global {
        static final ExecGroup GROUP = start();

        private static ExecGroup start() {
            int allowed = AllowedCpus.detect().cardinality();
            int execs = Integer.getInteger(EXECS_PROPERTY, Math.max(1, allowed));
            if (execs < 1) {
                throw new IllegalArgumentException(EXECS_PROPERTY + " must be >= 1, got " + execs);
            }
            AffinityPlan plan = execs <= allowed ? AffinityPlan.auto(execs, false) : AffinityPlan.unpinned(execs);
            ExecGroup group = ExecGroup.builder()
                .affinity(plan)
                .backpressure(Backpressure.block(Duration.ofMinutes(1))) // like smolscale: a spawn waits for room
                .execSettings(Exec.builder().name("corepin-global").daemon(true))
                .build();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                group.shutdown();
                try {
                    if (!group.awaitTermination(5, TimeUnit.SECONDS)) {
                        group.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    group.shutdownNow();
                }
            }, "corepin-global-shutdown"));
            return group;
        }
    }

    /** The global group, started on first call. */
    public static ExecGroup global() {
        return Global.GROUP;
    }

    /** Runs {@code task} on the global group (round robin). */
    public static void spawn(Runnable task) {
        global().execute(task);
    }

    /** Starts {@code task} on the global group. */
    public static void spawn(AsyncTask task) {
        global().spawn(task);
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
