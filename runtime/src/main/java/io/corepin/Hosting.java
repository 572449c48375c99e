package io.corepin;

import io.corepin.affinity.AffinityPlan;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Execs hosted by the caller's thread instead of a thread of their own: {@link Exec.Builder#runHere} (until the Exec
 * is shut down) and {@link Exec#blockOn} (a fresh Exec per call, until the body's stage is done and everything it
 * accepted has finished). {@link Exec#current()} finds a hosted Exec through a thread-local.
 */
final class Hosting {
    /** The Exec a caller-provided thread is hosting. */
    private static final ThreadLocal<Exec> HOSTED = new ThreadLocal<>();
    /** The Exec a thread hosts inside {@link #blockOn} (also in {@link #HOSTED}); null outside blockOn. */
    private static final ThreadLocal<Exec> BLOCKING_ON = new ThreadLocal<>();

    /**
     * The settings of blockOn's Execs (read only): one per call, so a small ring keeps the call cheap. Other threads
     * reach it only with wakes and completions (never refused: they overflow) or with submits (refused when full).
     */
    private static final Exec.Builder BLOCK_ON_HOST = Exec.builder().ringCapacity(256);

    /**
     * The settings of the Execs a blockOn nests on a thread that already runs an Exec ({@link #nest}): a small ring
     * (other threads reach it only with completions, which overflow when it is full, and submits, refused when
     * full), no stall guard (the outer Exec's guard sees the call as its running task), and an idler that "parks"
     * at the first idle turn into a poller that returns at once: a park there is the sign that the nested Exec has
     * nothing left to run and would have to wait for another thread, which {@link #nest} turns into a failure.
     */
    private static final Exec.Builder NESTED = Exec.builder().ringCapacity(16).stallThreshold(0, TimeUnit.NANOSECONDS)
        .idleStrategy(IdleStrategy.park(0, 0)).poller(NeverParks::new);

    private Hosting() {
    }

    /** The Exec the calling thread hosts now, or null. */
    static Exec current() {
        final Exec e = HOSTED.get();
        return e != null && e.loop().isHostActive() ? e : null;
    }

    /**
     * Whether the calling thread may wait for room in a full Exec under {@link Backpressure#block}: a plain thread,
     * or a thread inside {@link #blockOn}. blockOn already blocks its caller until the body is done, so waiting there
     * stops no core of the group; and it cannot close a cycle of waits: only a group's submits wait, their targets
     * are the group's Execs, which never wait themselves (their threads join a backlog or are refused), and nothing
     * waits for room in a blockOn host (hops onto it overflow, submits to it are refused when full). An Exec with a
     * thread of its own, or hosted by {@link #runHere}, must not wait (two of them waiting for each other's rings
     * would deadlock both). Slow path only: two thread-local reads.
     */
    static boolean mayWaitForRoom() {
        final Exec e = Exec.current();
        return e == null || e == BLOCKING_ON.get();
    }

    /** See {@link Exec.Builder#runHere}. */
    static List<Runnable> runHere(Exec.Builder b, Consumer<Exec> main) {
        Objects.requireNonNull(main, "main");
        final Exec busy = Exec.current();
        if (busy != null) {
            throw new IllegalStateException(Thread.currentThread().getName() + " already runs " + busy.name());
        }
        final Exec exec = new Exec(b, b.name, b.cpu, Thread.currentThread(), WorkBalancing.off());
        if (b.stallNanos > 0) {
            exec.guardStalls(b.stallNanos, b.clock);
        }
        final OwnerLoop loop = exec.loop();
        final Exec previous = HOSTED.get();
        HOSTED.set(exec);
        loop.hostActive(true);
        loop.queueLocal(() -> main.accept(exec)); // plain: the owner is this thread
        try {
            loop.run(); // pins, announces, loops, finishes
        } finally {
            loop.hostActive(false);
            if (previous == null) {
                HOSTED.remove();
            } else {
                HOSTED.set(previous);
            }
        }
        return loop.termination().handedBack().join();
    }

    /** See {@link Exec#blockOn}. */
    static <T> T blockOn(Supplier<? extends CompletionStage<T>> body) {
        Objects.requireNonNull(body, "body");
        final Exec outer = Exec.current();
        if (outer != null) {
            return nest(outer, body);
        }
        final String name = "corepin-host-" + Thread.currentThread().getName();
        final Exec exec = new Exec(BLOCK_ON_HOST, name, AffinityPlan.UNPINNED, Thread.currentThread(),
            WorkBalancing.off());
        exec.loop().markStarted();
        exec.loop().interruptAborts(); // before the Exec is handed out
        HOSTED.set(exec); // nothing to restore: current() was null, so no Exec was active on this thread
        BLOCKING_ON.set(exec);
        try {
            return hostUntilDone(exec, body);
        } finally {
            BLOCKING_ON.set(null);
            HOSTED.set(null); // not remove(): the next call's set then reuses the thread-local's entry
        }
    }

    /** blockOn's loop: cycles until the body is done, then a graceful close; an interrupt stops it. Owner thread. */
    private static <T> T hostUntilDone(Exec exec, Supplier<? extends CompletionStage<T>> body) {
        final OwnerLoop loop = exec.loop();
        loop.hostActive(true);
        final Promise<T> promise;
        boolean interrupted = false;
        try {
            promise = exec.spawn(body); // owner thread: local queue
            while (true) {
                if (Thread.currentThread().isInterrupted()) { // kept: parking leaves it set for this Exec
                    interrupted = true;
                    exec.shutdownNow(); // CAS to STOP, ring closed; a hosted Exec's thread is not interrupted again
                    break;
                }
                if (!exec.isShutdown() && promise.isDone()) {
                    // the body is done: refuse new submits from other threads, run what was accepted (a shutdown
                    // without waking this thread, which would leave it a stray permit)
                    exec.shutdownByOwner();
                }
                if (!loop.cycle()) {
                    break;
                }
            }
        } finally {
            loop.termination().finish(); // terminated: finishing hops, cancels what is left, hands back the rest
            loop.hostActive(false);
        }
        if (interrupted) {
            Thread.currentThread().interrupt(); // kept set, whatever a task or onCancel did with it meanwhile
            final int notRun = loop.termination().handedBack().getNow(List.of()).size();
            throw new CompletionException(new InterruptedException("blockOn interrupted on "
                + Thread.currentThread().getName() + ": " + exec.name() + " stopped as by shutdownNow()"
                + (notRun == 0 ? "" : "; " + notRun + " task(s) that did not run are in its shutdownNow() list")));
        }
        return Promises.join(promise);
    }

    /**
     * blockOn on a thread that already runs {@code outer} (its own thread, a blockOn or runHere host): a fresh Exec on
     * this thread, run turn after turn until the body's stage is done and everything the Exec accepted has finished —
     * as long as it has work. {@code outer}'s own work waits meanwhile, as behind any task that runs long (the call
     * is outer's running task). Should the nested Exec run out of work first (the stage, or a task it accepted, waits
     * for another thread or a timer), waiting would block the core: it stops as by shutdownNow and the call throws.
     */
    private static <T> T nest(Exec outer, Supplier<? extends CompletionStage<T>> body) {
        final Thread here = Thread.currentThread();
        final Exec exec = new Exec(NESTED, outer.name() + "-nested", AffinityPlan.UNPINNED, here, WorkBalancing.off());
        final OwnerLoop loop = exec.loop();
        loop.markStarted();
        final ExecThread execThread = here instanceof ExecThread ? (ExecThread) here : null;
        final Exec previous = execThread != null ? execThread.nest(exec) : HOSTED.get();
        if (execThread == null) {
            HOSTED.set(exec); // a host thread: its outer Exec is restored below (BLOCKING_ON stays: no wait for room)
        }
        loop.hostActive(true);
        final Promise<T> promise;
        boolean wouldWait = false;
        try {
            promise = exec.spawn(body); // owner thread: local queue
            while (true) {
                if (!exec.isShutdown() && promise.isDone()) {
                    exec.shutdownByOwner(); // refuse new submits from other threads, run what was accepted
                }
                if (!loop.cycle()) {
                    break;
                }
                if (exec.parks() != 0) { // the idler found nothing to run: only another thread could go on
                    wouldWait = true;
                    exec.shutdownNow(); // CAS to STOP, ring closed; the poller's wake is a no-op
                }
            }
        } finally {
            loop.termination().finish(); // terminated: finishing hops, cancels what is left, hands back the rest
            loop.hostActive(false);
            if (execThread != null) {
                execThread.nest(previous);
            } else {
                HOSTED.set(previous);
            }
        }
        if (wouldWait) {
            final int notRun = loop.termination().handedBack().getNow(List.of()).size();
            throw new BlockingOperationException("blockOn on " + outer.name() + "'s thread would block that core: "
                + "the nested " + exec.name() + " ran out of work while " + (promise.isDone()
                    ? "a task it accepted waits" : "the body's stage waits")
                + " for another thread or a timer; it stopped as by shutdownNow()"
                + (notRun == 0 ? "" : " (" + notRun + " task(s) that did not run are in its shutdownNow() list)")
                + ". A blockOn nested on an Exec runs only its own work: compose the stage instead");
        }
        return Promises.join(promise);
    }

    /** The nested Execs' poller: polls nothing, and its park returns at once ({@link #NESTED}). */
    private static final class NeverParks implements Poller {
        @Override
        public int poll() {
            return 0;
        }

        @Override
        public void park(long nanos) {
            // a nested blockOn never waits: the park count tells nest() that it would have
        }

        @Override
        public void wakeup() {
            // the nested Exec's thread never sleeps
        }
    }
}
