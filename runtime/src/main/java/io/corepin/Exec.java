package io.corepin;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.Pinning;
import io.corepin.ring.MpscRing;
import io.corepin.ring.Ring;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A single-threaded executor that owns one thread (pinned to one CPU when the affinity plan allows), runs
 * {@link Runnable} tasks to completion, and drains its own {@link MpscRing}.
 *
 * <h2>Where a task goes</h2>
 * <ul>
 *   <li>{@link #execute(Runnable)} from the Exec's own thread (a task spawning work) appends to a local,
 *       non-thread-safe queue: no atomic instruction at all.
 *   <li>From any other thread it claims one slot of the inbound ring (one CAS) and publishes the task with a release
 *       store. Only if the Exec is parked does the producer pay one more CAS and an unpark.
 * </ul>
 *
 * <h2>The loop</h2>
 * Each turn ({@code runTurn}) runs up to {@code ringBurst} tasks straight out of the ring, then up to
 * {@code localBudget} tasks from the local queue (only those queued before the turn began, so a task that respawns
 * itself waits behind the ring). The turn uses plain loads and stores, acquire loads, and release stores — no atomic
 * read-modify-write and no fence; {@code bench/asm-audit.sh} proves it on the JIT's output. When a turn finds no
 * work the {@link IdleStrategy} spins, yields, then parks.
 *
 * <h2>Failures</h2>
 * A task that throws does not stop the Exec: the throwable is counted ({@link #taskErrors()}) and handed to the
 * {@link TaskErrorHandler}. That includes {@link Error}s; after an {@link OutOfMemoryError} the Exec also keeps
 * going (the task that hit it is lost, as any allocation that fails is) — a service that prefers to die on OOM should
 * run with {@code -XX:+ExitOnOutOfMemoryError}. An interrupt left on the thread by a task is cleared before parking.
 *
 * <h2>Closing</h2>
 * {@link #shutdown()} stops accepting work from other threads and lets the Exec run everything already accepted
 * (including what those tasks spawn locally) before its thread exits; {@link #close()} is shutdown plus waiting.
 * {@link #shutdownNow()} stops after the current task and hands back every task that did not run. Either way no
 * accepted task is lost: an {@code execute} racing with the close either gets its task run (or handed back) or
 * throws {@link RejectedExecutionException}, because acceptance and closing are ordered by the ring's single claim
 * word.
 */
public final class Exec implements Executor, AutoCloseable {
    /** Returned by {@link #offer(Runnable)} when the inbound ring is full. */
    public static final int FULL = Ring.FULL;
    /** Returned by {@link #offer(Runnable)} after the Exec was shut down. */
    public static final int CLOSED = MpscRing.CLOSED;

    private static final int RUNNING = 0;
    private static final int SHUTDOWN = 1;
    private static final int STOP = 2;
    private static final int TERMINATED = 3;

    private static final VarHandle STATE;
    private static final VarHandle PARKED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Exec.class, "state", int.class);
            PARKED = lookup.findVarHandle(Exec.class, "parked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final MpscRing<Runnable> inbound;
    private final ArrayDeque<Runnable> local = new ArrayDeque<>(); // owner thread only
    private final int ringBurst;
    private final int localBudget;
    private final IdleStrategy idleStrategy;
    private final TaskErrorHandler errorHandler;
    private final int requestedCpu;
    private final ExecThread thread;
    private final Consumer<Runnable> runner = this::runTask;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final CompletableFuture<List<Runnable>> handedBack = new CompletableFuture<>();
    /** Ring tasks a stop caught in the middle of a burst; owner thread only. */
    private final List<Runnable> stoppedInBurst = new ArrayList<>();

    /** RUNNING, SHUTDOWN, STOP or TERMINATED; changed by CAS (slow path), read once per turn only when idle. */
    private volatile int state;
    /** 1 while the owner is parked or about to park; producers CAS it to 0 to claim the unpark. */
    private volatile int parked;
    /** What the owner writes while it runs, kept off the cache lines producers read. */
    private final ExecCounters counters = new ExecCounters();
    /** The CPU the thread actually got; written once before {@code started} opens. */
    private volatile int cpu = AffinityPlan.UNPINNED;

    private Exec(Builder b, String name, int cpu) {
        this.name = name;
        this.inbound = new MpscRing<>(b.ringCapacity);
        this.ringBurst = b.ringBurst;
        this.localBudget = b.localBudget;
        this.idleStrategy = b.idleStrategy;
        this.errorHandler = b.errorHandler;
        this.requestedCpu = cpu;
        this.thread = new ExecThread(this, this::loop, name, b.daemon);
    }

    /** A builder with the defaults: ring of 4096, bursts of 32 ring / 64 local tasks, {@link IdleStrategy#park()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The Exec whose thread is calling, or {@code null} when called from any other thread. */
    public static Exec current() {
        Thread t = Thread.currentThread();
        return t instanceof ExecThread ? ((ExecThread) t).exec : null;
    }

    static Exec start(Builder b, String name, int cpu) {
        Exec exec = new Exec(b, name, cpu);
        exec.thread.start();
        try {
            if (!exec.started.await(30, TimeUnit.SECONDS)) {
                exec.shutdownNow();
                throw new IllegalStateException(name + " did not start within 30 s");
            }
        } catch (InterruptedException e) {
            exec.shutdownNow();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name, e);
        }
        return exec;
    }

    // ------------------------------------------------------------------------------------------------ producers

    /**
     * Runs {@code task} on this Exec. From the Exec's own thread the task joins the local queue (no atomics); from
     * any other thread it goes through the inbound ring.
     *
     * @throws NullPointerException if task is null
     * @throws RejectedExecutionException if the ring is full or the Exec is shut down (the task was not accepted)
     */
    @Override
    public void execute(Runnable task) {
        int result = offer(task);
        if (result < 0) {
            throw rejection(result);
        }
    }

    /**
     * Tries to enqueue {@code task} without throwing when there is no room, so callers can apply backpressure.
     *
     * @return the free ring space left after the task went in ({@code >= 0}; {@link Integer#MAX_VALUE} when called
     *     from the Exec's own thread, whose local queue is unbounded), {@link #FULL}, or {@link #CLOSED}
     * @throws NullPointerException if task is null
     */
    public int offer(Runnable task) {
        Objects.requireNonNull(task, "task");
        return Thread.currentThread() == thread ? spawnLocal(task) : submitRemote(task);
    }

    /**
     * Burst enqueue: from another thread one CAS claims ring slots for as many of the tasks as fit, in order (DPDK's
     * {@code rte_ring_enqueue_burst}); from the Exec's own thread all of them join the local queue.
     *
     * @return how many tasks, from {@code tasks[offset]} on, were accepted ({@code 0..count}), or {@link #CLOSED};
     *     the rest were not enqueued and still belong to the caller
     * @throws NullPointerException if any of the tasks is null (checked before any is enqueued)
     * @throws IndexOutOfBoundsException if the range is outside the array
     */
    public int offerBurst(Runnable[] tasks, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, tasks.length);
        if (Thread.currentThread() == thread) {
            for (int i = 0; i < count; i++) {
                Objects.requireNonNull(tasks[offset + i], "task");
            }
            for (int i = 0; i < count; i++) {
                spawnLocal(tasks[offset + i]);
            }
            return count;
        }
        int accepted = inbound.offerBurst(tasks, offset, count); // one CAS for the whole burst
        if (accepted > 0) {
            wakeIfParked();
        }
        if (accepted != count) {
            counters.refused(this, accepted, count); // telemetry: refused path only
        }
        return accepted;
    }

    /** Owner thread: append to the local queue. Plain stores only (after a stop, finish() hands it back). */
    private int spawnLocal(Runnable task) {
        local.addLast(task); // plain: owner-thread queue
        counters.addLocalEnqueue(); // plain load + release store: owner only
        return Integer.MAX_VALUE;
    }

    /** Any other thread: one CAS claims a ring slot, a release store publishes the task, unpark only if parked. */
    private int submitRemote(Runnable task) {
        int result = inbound.offer(task); // CAS claim + release publish, or FULL/CLOSED
        if (result >= 0) {
            wakeIfParked();
        } else {
            counters.refused(this, result, 1); // telemetry: refused path only
        }
        return result;
    }

    RejectedExecutionException rejection(int offerResult) {
        return offerResult == CLOSED
            ? new RejectedExecutionException(name + " is shut down")
            : new RejectedExecutionException(name + ": ring full (capacity " + inbound.capacity() + ")");
    }

    /**
     * Dekker with {@link #parkUntilWoken}: our claim was a CAS (a full fence), so this volatile load either sees the
     * owner's {@code parked = 1}, or the owner's re-check of the ring (after its volatile store) sees our claim.
     */
    private void wakeIfParked() {
        if ((int) PARKED.getVolatile(this) == 1 && PARKED.compareAndSet(this, 1, 0)) { // CAS only when parked
            LockSupport.unpark(thread);
            counters.wokeUp(); // telemetry: atomic add, only after the CAS and unpark
        }
    }

    // --------------------------------------------------------------------------------------------- owner thread

    private void loop() {
        cpu = Pinning.pinCurrentThread(requestedCpu);
        counters.start(this, inbound); // telemetry: counters file registration, JFR start event
        started.countDown();
        try {
            while (true) {
                final int ran = runTurn();
                final int s = (int) STATE.getVolatile(this); // volatile: a plain load on x86, once per turn
                if (s != RUNNING && (s == STOP || (inbound.isDrained() && local.isEmpty()))) {
                    break;
                }
                if (ran > 0) {
                    counters.idleTurns = 0; // plain: owner only
                } else if (s != RUNNING) {
                    Thread.onSpinWait(); // shutting down: an accepted task may still be publishing into the ring
                } else {
                    final ExecCounters c = counters;
                    if (c.idleTurns < Integer.MAX_VALUE) {
                        c.idleTurns++;
                    }
                    if (c.idleTurns == ExecCounters.IDLE_TURNS) {
                        c.wentIdle(); // telemetry: busy -> idle (busy time, ring sample)
                    }
                    idleStrategy.idle(this, c.idleTurns);
                }
            }
        } catch (Throwable t) {
            // runTurn catches task failures; reaching here means the loop itself broke. Hand back what is left.
            System.getLogger("io.corepin.Exec").log(System.Logger.Level.ERROR, name + ": loop failed", t);
            STATE.setVolatile(this, STOP);
        } finally {
            finish();
        }
    }

    /**
     * One turn of the hot loop: up to {@code ringBurst} tasks straight from the ring, then the local tasks queued
     * before the turn began, up to {@code localBudget}. No atomic read-modify-write, no fence.
     *
     * @return how many tasks ran
     */
    int runTurn() {
        int ran = inbound.drain(runner, ringBurst); // acquire loads, plain null stores, one release store
        int n = Math.min(local.size(), localBudget);
        for (int i = 0; i < n; i++) {
            runTask(local.pollFirst()); // plain: owner-thread queue
        }
        ran += n;
        if (ran != 0) {
            counters.addTasksRun(ran); // opaque store: a plain mov, no RMW
        }
        return ran;
    }

    private void runTask(Runnable task) {
        if ((int) STATE.getOpaque(this) == STOP) { // opaque: a plain load; a stop is seen within a task or two
            stoppedInBurst.add(task);               // never taken while running, so C2 leaves it out of line
            return;
        }
        try {
            task.run();
        } catch (Throwable error) {
            taskFailed(task, error);
        }
    }

    private void taskFailed(Runnable task, Throwable error) {
        counters.addTaskError();
        try {
            errorHandler.onError(this, task, error);
        } catch (Throwable handlerError) {
            counters.addTaskError();
            System.getLogger("io.corepin.Exec").log(System.Logger.Level.ERROR,
                name + ": error handler threw while handling " + error, handlerError);
        }
    }

    /**
     * Parks the owner until a producer enqueues (or {@code nanos} pass, when positive). Owner thread only.
     * Announce, re-check, park: see {@link #wakeIfParked()}.
     */
    void parkUntilWoken(long nanos) {
        PARKED.setVolatile(this, 1); // volatile store + StoreLoad fence: the idle path's one fence
        if (inbound.isEmpty() && (int) STATE.getVolatile(this) == RUNNING) { // volatile loads after the fence
            Thread.interrupted(); // a task's stray interrupt would make park return at once, forever
            counters.addPark();
            if (nanos > 0) {
                LockSupport.parkNanos(this, nanos);
            } else {
                LockSupport.park(this);
            }
        }
        PARKED.setOpaque(this, 0); // opaque: a stale 1 only costs a producer one failed CAS
    }

    private void finish() {
        inbound.close();
        if ((int) STATE.getVolatile(this) != STOP) {
            STATE.compareAndSet(this, RUNNING, STOP); // the loop failed while running: treat as shutdownNow
        }
        List<Runnable> unrun = new ArrayList<>(stoppedInBurst);
        while (!inbound.isDrained()) {
            if (inbound.drain(unrun::add, Integer.MAX_VALUE) == 0) {
                Thread.onSpinWait(); // a producer claimed a slot before the close and is publishing into it
            }
        }
        unrun.addAll(local);
        local.clear();
        counters.stop(this); // telemetry: last sample, JFR stop event, leave the counters file
        STATE.setVolatile(this, TERMINATED);
        handedBack.complete(unrun);
        terminated.countDown();
    }

    // -------------------------------------------------------------------------------------------------- closing

    /**
     * Stops accepting tasks from other threads; everything already accepted still runs (tasks may keep spawning
     * local work while it drains). Returns at once; see {@link #awaitTermination(long, TimeUnit)}. Idempotent.
     */
    public void shutdown() {
        STATE.compareAndSet(this, RUNNING, SHUTDOWN); // CAS: slow path, once
        inbound.close();
        LockSupport.unpark(thread);
    }

    /**
     * Stops accepting tasks and stops running them after the current task. The returned future completes, once the
     * thread has stopped, with every accepted task that did not run; tasks from the ring keep their FIFO order among
     * themselves, and so do local ones. After a graceful shutdown that finished first it completes with an empty
     * list.
     * Like {@code ThreadPoolExecutor.shutdownNow}, it interrupts the Exec's thread, so a task blocked in an
     * interruptible wait returns; a task that never returns (a busy loop, an uninterruptible block) keeps the future
     * from completing, so wait on it with a timeout.
     * Idempotent.
     */
    public CompletableFuture<List<Runnable>> shutdownNow() {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if (s >= STOP || STATE.compareAndSet(this, s, STOP)) { // CAS: slow path
                break;
            }
        }
        inbound.close();
        LockSupport.unpark(thread);
        thread.interrupt(); // a task blocked in an interruptible wait returns; the loop then sees STOP
        return handedBack;
    }

    /**
     * {@link #shutdownNow()} and wait for the hand-back.
     *
     * @return every accepted task that did not run
     * @throws IllegalStateException if called from the Exec's own thread (it would wait for itself)
     */
    public List<Runnable> closeNow() {
        checkNotOwner("closeNow");
        return shutdownNow().join();
    }

    /**
     * {@link #shutdown()} and wait until every accepted task has run and the thread has exited. Waits as long as
     * that takes; use {@link #awaitTermination(long, TimeUnit)} and {@link #shutdownNow()} to bound it.
     *
     * @throws IllegalStateException if called from the Exec's own thread (it would wait for itself)
     */
    @Override
    public void close() {
        checkNotOwner("close");
        shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                terminated.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to the timeout for the thread to exit; {@code true} if it did. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    private void checkNotOwner(String what) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException(what + "() called from " + name + "'s own thread");
        }
    }

    /** {@code true} once shutdown or shutdownNow was called. */
    public boolean isShutdown() {
        return (int) STATE.getVolatile(this) != RUNNING;
    }

    /** {@code true} once the thread has exited. */
    public boolean isTerminated() {
        return (int) STATE.getVolatile(this) == TERMINATED;
    }

    // ------------------------------------------------------------------------------------------------ telemetry

    /** This Exec's name (also its thread's name). */
    public String name() {
        return name;
    }

    /** The CPU this Exec's thread is pinned to, or {@link AffinityPlan#UNPINNED} (-1) if it is not pinned. */
    public int cpu() {
        return cpu;
    }

    /** The id of this Exec's thread (for JMX CPU-time readers and thread dumps). */
    public long threadId() {
        return thread.getId();
    }

    /**
     * Tasks in the inbound ring (a snapshot, from any thread): those waiting, plus those of the burst being run now,
     * whose slots the Exec hands back to producers in one release store when the burst ends.
     */
    public int depth() {
        return inbound.size();
    }

    /** Capacity of the inbound ring. */
    public int ringCapacity() {
        return inbound.capacity();
    }

    /** Tasks run so far (updated once per turn). */
    public long tasksRun() {
        return counters.tasksRun();
    }

    /** Tasks that threw (plus error handlers that threw). */
    public long taskErrors() {
        return counters.taskErrors();
    }

    /** Times the thread parked because it had no work. */
    public long parks() {
        return counters.parks();
    }

    @Override
    public String toString() {
        return "Exec{" + name + ", cpu=" + cpu + ", depth=" + depth() + ", run=" + tasksRun()
            + (isTerminated() ? ", terminated" : isShutdown() ? ", shut down" : "") + '}';
    }

    /**
     * Settings for one Exec. {@link #build()} starts it; an {@link ExecGroup} uses a builder as the template for
     * all of its Execs.
     */
    public static final class Builder {
        private String name = "corepin-exec";
        private int ringCapacity = 4096;
        private int ringBurst = 32;
        private int localBudget = 64;
        private IdleStrategy idleStrategy = IdleStrategy.park();
        private TaskErrorHandler errorHandler = TaskErrorHandler.logging();
        private int cpu = AffinityPlan.UNPINNED;
        private boolean daemon;

        private Builder() {
        }

        String name() {
            return name;
        }

        /** Thread name (in a group, the prefix of each Exec's name). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Inbound ring capacity: a power of two in [1, 2^30].
         *
         * @throws IllegalArgumentException naming the value otherwise
         */
        public Builder ringCapacity(int capacity) {
            this.ringCapacity = Ring.checkCapacity(capacity);
            return this;
        }

        /**
         * Most ring tasks and local tasks run per turn. Smaller bounds the latency of the other source; larger
         * amortises the ring's release store.
         *
         * @throws IllegalArgumentException naming the value if either is below 1
         */
        public Builder turn(int ringBurst, int localBudget) {
            if (ringBurst < 1 || localBudget < 1) {
                throw new IllegalArgumentException(
                    "ringBurst and localBudget must be >= 1, got " + ringBurst + " and " + localBudget);
            }
            this.ringBurst = ringBurst;
            this.localBudget = localBudget;
            return this;
        }

        /** What to do when a turn finds no work (default {@link IdleStrategy#park()}). */
        public Builder idleStrategy(IdleStrategy idle) {
            this.idleStrategy = Objects.requireNonNull(idle, "idleStrategy");
            return this;
        }

        /** Who hears about failed tasks (default {@link TaskErrorHandler#logging()}). */
        public Builder errorHandler(TaskErrorHandler handler) {
            this.errorHandler = Objects.requireNonNull(handler, "errorHandler");
            return this;
        }

        /**
         * Pin a stand-alone Exec to this CPU (default unpinned). Ignored by {@link ExecGroup}, which uses its plan.
         * Validity is checked against the allowed CPUs by {@link AffinityPlan#of(int...)}.
         */
        public Builder cpu(int cpu) {
            this.cpu = cpu == AffinityPlan.UNPINNED ? cpu : AffinityPlan.of(cpu).cpuFor(0);
            return this;
        }

        /** Whether the thread is a daemon (default {@code false}: an open Exec keeps the JVM alive). */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /** Starts the Exec and waits until its thread is running (and pinned, if asked). */
        public Exec build() {
            return start(this, name, cpu);
        }
    }
}
