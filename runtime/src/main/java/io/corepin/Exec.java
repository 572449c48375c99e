package io.corepin;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.Pinning;
import io.corepin.ring.MpscRing;
import io.corepin.ring.Ring;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
 * <h2>Tasks that wait, event sources, priorities</h2>
 * Besides {@code Runnable}s an Exec runs {@link AsyncTask}s (poll style, woken soundly from any thread) and the
 * bodies of {@link Promise}s ({@link #spawn(java.util.function.Supplier)}); {@link #blockOn} and
 * {@link Builder#runHere} run an Exec on the caller's thread. A {@link Poller} plugs an event source into the loop.
 * With {@link Builder#levels(Levels)} the local queue becomes levels of {@link TaskChannel}s picked by a
 * highest-first or round-robin scheduler, with followup channels and per-channel close policies.
 *
 * <h2>Failures</h2>
 * A task that throws does not stop the Exec: the throwable is counted ({@link #taskErrors()}) and handed to the
 * {@link TaskErrorHandler}. That includes {@link Error}s; after an {@link OutOfMemoryError} the Exec also keeps
 * going (the task that hit it is lost, as any allocation that fails is) — a service that prefers to die on OOM should
 * run with {@code -XX:+ExitOnOutOfMemoryError}. Even with the heap exhausted for good, an Exec is never left neither
 * running nor terminated: its failure paths do not throw, a small JVM-wide reserve is released for them
 * ({@code HeapReserve}), and a stop always terminates the Exec and completes the hand-back — exceptionally if it may
 * miss tasks. A throwing {@link Poller} is a failed task too. An interrupt left on the thread by a task is cleared
 * before parking.
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

    /** The Exec a caller-provided thread is hosting ({@link Builder#runHere}, {@link #blockOn}). */
    private static final ThreadLocal<Exec> HOSTED = new ThreadLocal<>();

    private final String name;
    private final MpscRing<Runnable> inbound;
    private final ArrayDeque<Runnable> local = new ArrayDeque<>(); // owner thread only
    /**
     * Wakes and promise completions that found the ring full or closed: they must not fail. Rare path; the owner
     * checks it once per turn with one load. MPMC so that producers can drain it themselves after termination.
     */
    private final ConcurrentLinkedQueue<Runnable> overflow = new ConcurrentLinkedQueue<>();
    /**
     * Keyed submissions waiting behind the ring (and what Exec threads hand over instead of parking when the ring is
     * full): see {@link Backlog}. The owner checks it once per turn with plain loads.
     */
    private final Backlog backlog = new Backlog();
    private final Poller poller; // null: park with LockSupport
    /** The turn clock ({@code System::nanoTime}; tests may drive a fake one). */
    private final java.util.function.LongSupplier clock;
    /** Work balancing of an ExecGroup; null when off. Owner thread only. */
    private final Donor donor;
    private final Donor.RingDrain ringDrain;
    /** Levels of channels and their scheduler; null: one FIFO local queue (the default). Owner thread only. */
    private final LevelScheduler levels;
    private final int ringBurst;
    private final int localBudget;
    private final IdleStrategy idleStrategy;
    private final TaskErrorHandler errorHandler;
    private final int requestedCpu;
    /** The owner: an {@link ExecThread}, or the caller's thread for a hosted Exec. */
    private final Thread thread;
    private final boolean hosted;
    /** Hosted Execs only: whether the caller's thread is inside runHere/blockOn now. Owner thread only. */
    private boolean hostActive;
    /** blockOn's Execs: an interrupt of the host thread ends the call, so parking must not clear it. Owner only. */
    private boolean interruptAborts;
    /**
     * Idle periods left in which the {@link IdleStrategy} parks instead of yielding, after a yield that gave the core
     * away. Owner thread only (plain int).
     */
    int skipYields;
    /** Unfinished async tasks that have been polled at least once or were spawned locally. Owner thread only. */
    private AsyncTask liveHead;
    private int liveCount;
    /** Set by the owner when it starts handing back and cancelling; local submits are refused from then on. */
    private boolean finishing;
    /** Promise continuations and completions go through this: never rejects (see {@link #hop}). */
    private final Executor ownerExecutor = this::hop;
    private final Consumer<Runnable> runner = this::runTask;
    private final Consumer<Runnable> dispatcher = this::dispatchFromRing;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final CompletableFuture<List<Runnable>> handedBack = new CompletableFuture<>();
    /** Fires promises without growing the stack. Owner thread (then the late runner). */
    private final PromiseChain promiseChain = new PromiseChain();
    /** Runs promise completions and continuations, one at a time, once this Exec has begun finishing. */
    private final LateRunner late;
    /**
     * Tasks a stop caught in the middle of a turn, then everything {@link #finish()} collects; owner thread only.
     * Made with room for a turn's worth (capped), so that a stop under heap exhaustion need not allocate.
     */
    private final ArrayList<Runnable> stoppedInBurst;
    private final Consumer<Runnable> stopSink;
    /** What the error handler is given when the poller's poll or park throws (null without a poller). */
    private final PollerCall pollCall;
    private final PollerCall parkCall;

    /** RUNNING, SHUTDOWN, STOP or TERMINATED; changed by CAS (slow path), read once per turn only when idle. */
    private volatile int state;
    /** 1 while the owner is parked or about to park; producers CAS it to 0 to claim the unpark. */
    private volatile int parked;
    /** What the owner writes while it runs, kept off the cache lines producers read. */
    private final ExecCounters counters = new ExecCounters();
    /** This Exec's timer wheel (owner thread; see {@link ExecTimers}). */
    private final ExecTimers timers = new ExecTimers(this);
    /** The CPU the thread actually got; written once before {@code started} opens. */
    private volatile int cpu = AffinityPlan.UNPINNED;

    private Exec(Builder b, String name, int cpu, Thread host) {
        this(b, name, cpu, host, WorkBalancing.off());
    }

    private Exec(Builder b, String name, int cpu, Thread host, WorkBalancing balancing) {
        HeapReserve.init(); // memory for the failure paths, should a task exhaust the heap (once per JVM)
        this.name = name;
        this.late = new LateRunner(name);
        this.inbound = new MpscRing<>(b.ringCapacity);
        this.ringBurst = b.ringBurst;
        this.localBudget = b.localBudget;
        this.idleStrategy = b.idleStrategy;
        this.errorHandler = b.errorHandler;
        this.requestedCpu = cpu;
        this.poller = b.pollerFactory == null ? null
            : Objects.requireNonNull(b.pollerFactory.get(), "poller factory returned null");
        this.clock = b.clock;
        this.levels = b.levels == null ? null : new LevelScheduler(b.levels, clock.getAsLong());
        this.donor = balancing.isOn() && b.levels == null ? new Donor(this, balancing) : null;
        this.ringDrain = (sink, limit) -> inbound.drain(sink, limit);
        this.hosted = host != null;
        this.stoppedInBurst = new ArrayList<>(Math.min(2 * ringBurst + localBudget + 64, 4096));
        this.stopSink = stoppedInBurst::add;
        this.pollCall = poller == null ? null : new PollerCall(poller, false);
        this.parkCall = poller == null ? null : new PollerCall(poller, true);
        this.counters.ring = inbound; // sampled by the owner; start() also registers it in the counters file
        this.thread = host != null ? host : new ExecThread(this, this::loop, name, b.daemon);
        if (host == null && b.stallNanos > 0) { // hosted: runHere registers; blockOn and test hosts are not guarded
            StallGuard.watch(this, thread, counters, b.stallNanos); // one JVM-wide watchdog thread
        }
    }

    /** A builder with the defaults: ring of 4096, bursts of 32 ring / 64 local tasks, {@link IdleStrategy#park()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The Exec whose thread is calling — including a caller's thread while it hosts an Exec
     * ({@link Builder#runHere}, {@link #blockOn}) — or {@code null} on any other thread.
     */
    public static Exec current() {
        Thread t = Thread.currentThread();
        if (t instanceof ExecThread) {
            return ((ExecThread) t).exec;
        }
        Exec e = HOSTED.get();
        return e != null && e.hostActive ? e : null;
    }

    /**
     * Whether the calling thread is this Exec's owner, the thread that runs its tasks (Netty's {@code inEventLoop()}):
     * where state confined to the Exec, such as a {@code Channel.local} channel, may be touched.
     */
    public boolean isOwnerThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Whether the calling thread is this Exec's owner and its loop still runs tasks (not finishing): where a
     * promise's owner-thread state may be touched directly. Elsewhere, go through {@link #runOnOwner}.
     */
    boolean isOwnerLoop() {
        return Thread.currentThread() == thread && !finishing; // plain read of finishing: owner thread only
    }

    /** The owner's promise-firing trampoline. Owner thread (then the late runner). */
    PromiseChain promiseChain() {
        return promiseChain;
    }

    /**
     * For stress tests: an Exec whose owner is a thread that never starts, so that a test can play the owner by
     * calling {@link #runTurn()} itself while every other call takes the cross-thread path.
     */
    static Exec detachedForTest(Builder b) {
        Exec exec = new Exec(b, b.name(), AffinityPlan.UNPINNED, new Thread("never started"));
        exec.started.countDown();
        return exec;
    }

    static Exec start(Builder b, String name, int cpu) {
        return start(b, name, cpu, WorkBalancing.off());
    }

    static Exec start(Builder b, String name, int cpu, WorkBalancing balancing) {
        Exec exec = new Exec(b, name, cpu, null, balancing);
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
        if (Thread.currentThread() == thread) {
            return finishing ? CLOSED : spawnLocal(task);
        }
        return submitRemote(task);
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
            if (finishing) {
                return CLOSED; // as offer(): finish() has taken the local queue already
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
        queueLocal(task); // plain: owner-thread queue
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

    /**
     * An order-keeping submission ({@link ExecGroup#execute(long, Runnable)}): through the ring, or into the
     * {@link Backlog} behind what waits there, from any thread — the owner's too (one CAS instead of the local
     * queue, which would overtake ring entries of the same key). The owner may always leave entries in the backlog
     * (its local queue was unbounded); others up to the ring's capacity, and on a full ring only if
     * {@code joinWhenFull}.
     *
     * @return {@code >= 0} if accepted, {@link #FULL}, or {@link #CLOSED}
     */
    int offerKeyed(Runnable entry, boolean joinWhenFull) {
        final boolean owner = isOwnerThread();
        int result = backlog.offer(inbound, entry, owner ? Backlog.UNBOUNDED : inbound.capacity(),
            joinWhenFull || owner);
        if (result >= 0) {
            wakeIfParked();
        } else {
            counters.refused(this, result, 1); // telemetry: refused path only
        }
        return result;
    }

    // ------------------------------------------------------------------------------------------------ async tasks

    /**
     * Starts {@code task} on this Exec: on the Exec's own thread it joins the local queue (no atomics), from any other
     * thread it goes through the ring. The first {@link AsyncTask#poll()} runs on this Exec, and so do all later ones.
     *
     * @throws NullPointerException if task is null
     * @throws IllegalStateException if the task was already spawned
     * @throws RejectedExecutionException if the ring is full or the Exec is shut down (the task is left unspawned)
     */
    public void spawn(AsyncTask task) {
        Objects.requireNonNull(task, "task");
        if (isOwnerThread()) {
            if (finishing) {
                throw rejection(CLOSED);
            }
            task.bind(this, true);
            linkLive(task);
            queueLocal(task.step); // plain: owner-thread queue
            return;
        }
        task.bind(this, false);
        int result = submitRemote(task.step);
        if (result < 0) {
            task.unbind();
            throw rejection(result);
        }
    }

    /**
     * Runs {@code body} on this Exec and returns a {@link Promise} of the stage it returns; the Exec counts the
     * body as an unfinished task until that stage completes (a graceful shutdown waits for it; shutdownNow cancels
     * the promise).
     *
     * @throws RejectedExecutionException if the ring is full or the Exec is shut down
     */
    public <T> Promise<T> spawn(Supplier<? extends CompletionStage<T>> body) {
        StagePromise<T> promise = new StagePromise<>(this, Objects.requireNonNull(body, "body"));
        execute(promise); // one object when the body's stage is already complete: the promise is the task
        return promise;
    }

    /**
     * Runs {@code work} on this Exec and returns a {@link Promise} of its result (completed exceptionally with
     * whatever it throws).
     *
     * @throws RejectedExecutionException if the ring is full or the Exec is shut down
     */
    public <T> Promise<T> submit(Callable<T> work) {
        Objects.requireNonNull(work, "work");
        CallPromise<T> promise = new CallPromise<>(this, work); // one object: the promise is the task
        execute(promise);
        return promise;
    }

    /**
     * Call and come back (Seastar's {@code submit_to}): runs {@code work} on this Exec and returns a promise owned
     * by the <em>calling</em> Exec, so that what is composed on it continues where the caller runs. From Exec A,
     * {@code b.call(() -> shard.get(k)).thenAccept(v -> local.put(k, v))} reads B's shard on B and writes A's map on
     * A: one ring hop each way, no lock; the promise is the task that travels to B (one object) and the completion
     * that travels back costs one more. The idiom for cross-core calls. From a thread that is not an Exec's, the
     * promise is owned by this Exec (as {@link #submit(Callable)}).
     *
     * @throws NullPointerException if work is null
     * @throws RejectedExecutionException if the Exec is shut down, or its ring is full — from another Exec: its ring
     *     and its backlog (one more ring's worth) are full (nothing was sent)
     */
    public <T> Promise<T> call(Callable<T> work) {
        Objects.requireNonNull(work, "work");
        final Exec caller = current();
        final CallPromise<T> promise = new CallPromise<>(caller == null ? this : caller, work);
        if (caller == null || caller == this) {
            execute(promise); // a plain thread: the ring; this Exec's own thread: the local queue
            return promise;
        }
        // From another Exec: never parks; a full ring is not yet a refusal — the call waits in this Exec's backlog
        // (behind the ring, up to one ring's worth), keeping the caller's calls in order. Its completion hops back.
        final int result = offerKeyed(promise, true);
        if (result < 0) {
            throw rejection(result);
        }
        return promise;
    }

    /**
     * Gives up the core: the returned promise completes, on this Exec, after the work already queued here has had
     * its turn (the ring's next burst and the local tasks queued before this call). Compose the rest of the work
     * on it: {@code Exec.yieldNow().thenRun(next)}. An {@link AsyncTask} yields with {@code wake(); return false;}.
     * If the Exec stops before the yield's turn ({@link #shutdownNow()}, or a yield asked for while the Exec
     * finishes, e.g. from {@link AsyncTask#onCancel()}), the promise is cancelled ({@code CancellationException}).
     *
     * @throws IllegalStateException if the caller is not on an Exec's thread
     */
    public static Promise<Void> yieldNow() {
        Exec exec = current();
        if (exec == null) {
            throw new IllegalStateException("yieldNow() called on " + Thread.currentThread().getName()
                + ", which is not an Exec's thread");
        }
        Promise<Void> promise = new Promise<>(exec);
        if (exec.finishing) {
            Yield.cancel(promise); // the Exec is stopping: nothing gets another turn
        } else {
            exec.queueLocal(new Yield(promise)); // plain: owner-thread queue
        }
        return promise;
    }

    /**
     * Runs {@code body} to completion on the calling thread, which hosts an Exec for the duration of the call
     * (smolscale's {@code block_on}): {@link #current()} is that Exec, tasks the body spawns on it run here, and the
     * thread parks when there is nothing to do.
     *
     * <p>Each call hosts a fresh Exec and ends it as {@link #close()} does: once the body's stage has completed the
     * Exec shuts down (from then on other threads' submits to it are refused with
     * {@link RejectedExecutionException}; promise completions and continuations still reach it), and the call
     * returns when everything it accepted has finished — tasks still queued, suspended {@link AsyncTask}s, pending
     * timers. So nothing accepted is stranded, and {@code close()}/{@code awaitTermination} on it from another
     * thread return once the call does. Work that must outlive the call belongs on a group ({@link Corepin#spawn}).
     *
     * <p>An interrupt of the calling thread (before or during the call) aborts it: the hosted Exec stops as by
     * {@link #shutdownNow()} (suspended tasks and the body's promise cancelled; tasks that did not run are in that
     * Exec's {@code shutdownNow()} list), and a {@link CompletionException} wrapping an {@link InterruptedException}
     * is thrown with the thread's interrupt flag still set.
     *
     * @return the value the stage completed with
     * @throws CompletionException wrapping the stage's failure when it is a checked exception, or wrapping an
     *     {@link InterruptedException} when the thread was interrupted; a RuntimeException or Error is rethrown as
     *     it is
     * @throws BlockingOperationException if called on an Exec's thread (that would block its core)
     */
    public static <T> T blockOn(Supplier<? extends CompletionStage<T>> body) {
        Objects.requireNonNull(body, "body");
        Exec busy = current();
        if (busy != null) {
            throw new BlockingOperationException("blockOn called on " + busy.name
                + "'s thread: it would block that core; compose the stage instead");
        }
        final String name = "corepin-host-" + Thread.currentThread().getName();
        Exec exec = new Exec(BLOCK_ON_HOST, name, AffinityPlan.UNPINNED, Thread.currentThread());
        exec.started.countDown();
        exec.interruptAborts = true; // plain: owner thread, before the Exec is handed out
        HOSTED.set(exec); // nothing to restore: current() was null, so no Exec was active on this thread
        try {
            return exec.hostUntilDone(body);
        } finally {
            HOSTED.set(null); // not remove(): the next call's set then reuses the thread-local's entry
        }
    }

    /**
     * The settings of blockOn's Execs (read only): one per call, so a small ring keeps the call cheap. Other threads
     * reach it only with wakes and completions (never refused: they overflow) or with submits (refused when full).
     */
    private static final Builder BLOCK_ON_HOST = new Builder().ringCapacity(256);

    /** blockOn's loop: turns until the body is done, then a graceful close; an interrupt stops it. Owner thread. */
    private <T> T hostUntilDone(Supplier<? extends CompletionStage<T>> body) {
        hostActive = true;
        final Promise<T> promise;
        boolean interrupted = false;
        try {
            promise = spawn(body); // owner thread: local queue
            final ExecCounters c = counters;
            while (true) {
                if (Thread.currentThread().isInterrupted()) { // kept: parkUntilWoken leaves it set for this Exec
                    interrupted = true;
                    shutdownNow(); // CAS to STOP, ring closed; a hosted Exec's thread is not interrupted again
                    break;
                }
                if ((int) STATE.getOpaque(this) == RUNNING && promise.isDone()) { // opaque: a plain load
                    // the body is done: refuse new submits from other threads, run what was accepted (shutdown()
                    // without unparking this thread, which would leave it a stray permit)
                    STATE.compareAndSet(this, RUNNING, SHUTDOWN); // CAS: once per call
                    closeInbound();
                }
                final int ran = runTurn();
                final int s = (int) STATE.getVolatile(this); // volatile: shutdown/shutdownNow from other threads
                if (s != RUNNING && (s == STOP || quiescent())) {
                    break;
                }
                if (ran > 0) {
                    c.idleTurns = 0; // plain: owner only
                } else if (s != RUNNING && !inbound.isDrained()) {
                    Thread.onSpinWait(); // shutting down: an accepted task may still be publishing into the ring
                } else {
                    if (c.idleTurns < Integer.MAX_VALUE) {
                        c.idleTurns++;
                    }
                    idleStrategy.idle(this, c.idleTurns);
                }
            }
        } finally {
            finish(); // terminated: runs finishing hops, cancels what is left, hands back what did not run
            hostActive = false;
        }
        if (interrupted) {
            Thread.currentThread().interrupt(); // kept set, whatever a task or onCancel did with it meanwhile
            final int notRun = handedBack.getNow(List.of()).size();
            throw new CompletionException(new InterruptedException("blockOn interrupted on "
                + Thread.currentThread().getName() + ": " + name + " stopped as by shutdownNow()"
                + (notRun == 0 ? "" : "; " + notRun + " task(s) that did not run are in its shutdownNow() list")));
        }
        return Promises.join(promise);
    }

    Executor ownerExecutor() {
        return ownerExecutor;
    }

    /**
     * Runs {@code r} on this Exec without ever rejecting it: local queue on the owner thread, ring (or overflow)
     * elsewhere; once the owner began finishing, on the {@link LateRunner} (see {@link #runOnOwner}), so that a
     * promise's waiters are never left hanging.
     */
    private void hop(Runnable r) {
        runOnOwner(r instanceof ExecEntry ? r : new Hop(r));
    }

    /**
     * Runs corepin's own {@code entry} (a promise completion, a continuation, a registration) on this Exec, never
     * rejecting it: local queue on the owner thread, ring (or overflow) elsewhere. Once the owner began finishing,
     * the entry runs on the {@link LateRunner} instead: on the calling thread, one entry at a time.
     */
    void runOnOwner(Runnable entry) {
        if (Thread.currentThread() == thread) {
            if (finishing) {
                late.run(entry);
            } else {
                queueLocal(entry); // plain: owner-thread queue
            }
        } else {
            enqueueWake(entry);
        }
    }

    /** Runs {@code entry} on the late runner: after this Exec began finishing, one entry at a time. Any thread. */
    void runLate(Runnable entry) {
        late.run(entry);
    }

    /** A completion or continuation sent to this Exec: run, never handed back; late if the Exec stopped. */
    private final class Hop implements ExecEntry {
        private final Runnable work;

        Hop(Runnable work) {
            this.work = work;
        }

        @Override
        public void run() {
            work.run();
        }

        @Override
        public void onStop(List<Runnable> handBack) {
            late.run(this);
        }
    }

    /** Owner thread: append a task step or continuation to the local queue. Plain stores only. */
    void enqueueLocal(Runnable entry) {
        queueLocal(entry); // plain: owner-thread queue
    }

    /** Owner thread: the local run queue, or with levels the entry's channel. Plain stores only. */
    private void queueLocal(Runnable entry) {
        if (levels == null) {
            local.addLast(entry); // plain: owner-thread queue
        } else {
            levels.dispatch(entry); // plain: owner-thread sources and bitmask
        }
    }

    /** Owner thread: a task's poll returned "not done"; with levels its next poll goes to the followup channel. */
    void suspended(AsyncTask task) {
        if (levels != null) {
            int from = task.channel < 0 ? levels.defaultChannel() : task.channel;
            task.channel = levels.followup(from);
            if (levels.isClosing() && !levels.completesOnClose(task.channel)) {
                unlinkLive(task);
                task.cancel(); // closing: its channel does not complete on close
            }
        }
    }

    // ------------------------------------------------------------------------------------------ levels/channels

    /**
     * Runs {@code task} in {@code channel} of this Exec's {@link Levels}. From the Exec's own thread it goes straight
     * into the channel's source; from another thread through the ring, tagged with the channel (one small object).
     *
     * @throws IllegalStateException if this Exec was built without levels
     * @throws IllegalArgumentException if the channel is not part of its levels
     * @throws RejectedExecutionException if the ring is full or the Exec is shut down
     */
    public void execute(TaskChannel channel, Runnable task) {
        execute(channel, 0L, task);
    }

    /**
     * {@link #execute(TaskChannel, Runnable)} with a deadline ({@code System.nanoTime()} scale) for deadline-ordered
     * channels ({@link TaskChannel#deadlineFirst}); other channels ignore it.
     */
    public void execute(TaskChannel channel, long deadlineNanos, Runnable task) {
        Objects.requireNonNull(task, "task");
        int id = levelsOrThrow().idOf(channel);
        if (isOwnerThread()) {
            if (finishing) {
                throw rejection(CLOSED);
            }
            levels.offer(id, task, deadlineNanos);
            return;
        }
        int result = submitRemote(new LevelScheduler.Routed(id, deadlineNanos, task));
        if (result < 0) {
            throw rejection(result);
        }
    }

    /** Starts {@code task} in {@code channel}; later wake-ups follow the levels' followup rule. */
    public void spawn(TaskChannel channel, AsyncTask task) {
        Objects.requireNonNull(task, "task");
        int id = levelsOrThrow().idOf(channel);
        if (task.exec() != null) {
            throw new IllegalStateException(task + " was already spawned on " + task.exec().name());
        }
        task.channel = id; // plain: published with the spawn (ring release store, or owner thread)
        try {
            spawn(task);
        } catch (RuntimeException refused) {
            task.channel = -1;
            throw refused;
        }
    }

    /** The levels this Exec schedules by, or {@code null} (one local FIFO queue). */
    public Levels levels() {
        return levels == null ? null : levels.levels();
    }

    private Levels levelsOrThrow() {
        if (levels == null) {
            throw new IllegalStateException(name + " was built without Levels: no channels to submit to");
        }
        return levels.levels();
    }

    /**
     * Graceful close as a stage: {@link #shutdown()}, and a future that completes once the thread has stopped. Tasks
     * of complete-on-close channels (all tasks, without {@link Levels}) run to the end, suspended ones included;
     * queued tasks of the other channels are handed back in the list and their suspended tasks cancelled.
     */
    public CompletableFuture<List<Runnable>> closeAsync() {
        shutdown();
        return handedBack;
    }

    /**
     * Any other thread: queue a wake or a promise completion. Never fails: when the ring is full or closed the entry
     * goes to the overflow queue; after termination the caller drains that queue itself ({@link #drainLate()}).
     */
    void enqueueWake(Runnable entry) {
        if (inbound.offer(entry) < 0) { // CAS claim + release publish
            overflow.offer(entry);       // CAS: rare path (ring full or closed)
        }
        wakeIfParked();
        if ((int) STATE.getVolatile(this) == TERMINATED) { // volatile: Dekker with finish(), see there
            drainLate();
        }
    }

    /**
     * After termination nobody polls this Exec's queues: wakes for tasks it already cancelled are dropped, and
     * promise completions run on the calling thread so that their waiters are not left hanging.
     */
    private void drainLate() {
        for (Runnable r; (r = overflow.poll()) != null; ) { // CAS: MPMC poll, termination path only
            if (r instanceof ExecEntry) { // only corepin's entries and wakes are ever offered after the ring closed
                ((ExecEntry) r).onStop(new ArrayList<>(0)); // completions run late; nothing is handed back now
            }
        }
    }

    /** Owner thread: remember an unfinished task (idempotent). */
    void linkLive(AsyncTask task) {
        if (task.live) {
            return;
        }
        task.live = true;
        task.prevLive = null;
        task.nextLive = liveHead;
        if (liveHead != null) {
            liveHead.prevLive = task;
        }
        liveHead = task;
        liveCount++;
    }

    /** Owner thread: forget a finished task. */
    void unlinkLive(AsyncTask task) {
        if (!task.live) {
            return;
        }
        task.live = false;
        if (task.prevLive != null) {
            task.prevLive.nextLive = task.nextLive;
        } else {
            liveHead = task.nextLive;
        }
        if (task.nextLive != null) {
            task.nextLive.prevLive = task.prevLive;
        }
        task.prevLive = null;
        task.nextLive = null;
        liveCount--;
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
            unparkOwner();
            counters.wokeUp(); // telemetry: atomic add, only after the CAS and unpark
        }
    }

    private void unparkOwner() {
        if (poller != null) {
            poller.wakeup();
        } else {
            LockSupport.unpark(thread);
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
                if (s == SHUTDOWN && levels != null && !levels.isClosing()) {
                    beginLevelsClose();
                }
                if (s == SHUTDOWN) {
                    backlog.closeByOwner(); // shutting down only; idempotent: a close shutdown() had no heap for
                }
                if (s != RUNNING && (s == STOP || quiescent())) {
                    break;
                }
                if (ran > 0) {
                    counters.idleTurns = 0; // plain: owner only
                } else if (s != RUNNING && !inbound.isDrained()) {
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
            HeapReserve.releaseOn(t);
            state = STOP; // volatile store; the field, not STATE: a first VarHandle call links, and may allocate
            logQuietly(System.Logger.Level.ERROR, "loop failed", t);
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
        if (levels != null) {
            return runLevelsTurn();
        }
        int ran = -1;
        int donated = 0;
        if (donor != null) {
            final int backlog = inbound.size(); // acquire loads of the ring's own indices
            if (backlog > donor.threshold()) {
                ran = donor.donate(ringDrain, backlog); // push side: one burst CAS on the sibling's ring
                donated = donor.lastDonated();
            }
        }
        if (ran < 0) {
            ran = inbound.drain(runner, ringBurst); // acquire loads, plain null stores, one release store
        }
        if (backlog.hasNext()) { // plain loads; rare path: keyed work that waits behind the ring
            ran += backlog.run(runner, inbound.dequeuedCount(), ringBurst);
        }
        int n = Math.min(local.size(), localBudget);
        for (int i = 0; i < n; i++) {
            runTask(local.pollFirst()); // plain: owner-thread queue
        }
        ran += n;
        if (!overflow.isEmpty()) { // volatile load of the head: rare path (wakes that found the ring full/closed)
            ran += runOverflow();
        }
        ran += timers.poll(); // reads the clock once, and only when timers are pending
        if (poller != null) {
            ran += pollEvents();
        }
        if (ran != 0) {
            counters.addTasksRun(ran); // opaque store: a plain mov, no RMW
        }
        return ran + donated;
    }

    /** Donor: a task drained during a donation that stays here. */
    void runDonationLeftover(Runnable task) {
        runTask(task);
    }

    /** The group publishes the siblings once all Execs have started. */
    void publishSiblings(Exec[] all) {
        if (donor != null) {
            donor.publishSiblings(all);
        }
    }

    /** Tasks this Exec pushed to siblings under {@link WorkBalancing} (updated by the owner; a snapshot). */
    public long tasksDonated() {
        return donor == null ? 0 : donor.donated();
    }

    /**
     * A turn with levels: move the ring's burst into the channels, then run up to {@code localBudget} tasks in the
     * order the scheduler picks. Plain loads and stores (and the ring's acquire/release), no atomics.
     */
    private int runLevelsTurn() {
        final LevelScheduler sched = levels;
        int moved = inbound.drain(dispatcher, ringBurst); // acquire loads, plain null stores, one release store
        if (backlog.hasNext()) { // plain loads; rare path: keyed work that waits behind the ring
            moved += backlog.run(dispatcher, inbound.dequeuedCount(), ringBurst);
        }
        if (!overflow.isEmpty()) { // volatile load: rare path
            for (Runnable r; moved < ringBurst && (r = overflow.poll()) != null; moved++) { // CAS: rare path
                sched.dispatch(r);
            }
        }
        final long now = sched.levels().isRoundRobin() ? clock.getAsLong() : 0L; // once per turn
        int ran = 0;
        for (Runnable task; ran < localBudget && (task = sched.next(now)) != null; ran++) {
            runTask(task);
        }
        ran += timers.poll(); // reads the clock once, and only when timers are pending
        if (poller != null) {
            ran += pollEvents();
        }
        if (ran != 0) {
            counters.addTasksRun(ran); // opaque store: a plain mov, no RMW
        }
        return ran + moved;
    }

    private int runOverflow() {
        int ran = 0;
        for (Runnable r; ran < ringBurst && (r = overflow.poll()) != null; ran++) { // CAS: rare path
            runTask(r);
        }
        return ran;
    }

    /** Shutting down and nothing left: rings drained, queues empty, no unfinished async task. Owner thread. */
    private boolean quiescent() {
        return inbound.isDrained() && backlog.isDrained() && local.isEmpty() && overflow.isEmpty() && liveCount == 0
            && (levels == null || levels.isEmpty()) && timers.isEmpty();
    }

    /** Ring entry with levels: into its channel (a stop caught mid-burst keeps it for the hand-back). */
    private void dispatchFromRing(Runnable entry) {
        if ((int) STATE.getOpaque(this) == STOP) { // opaque: plain load
            stoppedInBurst.add(entry);
            return;
        }
        levels.dispatch(entry);
    }

    /** Graceful close with levels: take out the tasks of channels that do not complete on close. Owner thread. */
    private void beginLevelsClose() {
        levels.beginClose();
        for (AsyncTask t = liveHead; t != null; ) {
            AsyncTask next = t.nextLive;
            if (!levels.completesOnClose(t.channel)) {
                unlinkLive(t);
                t.cancel();
            }
            t = next;
        }
    }

    void runTask(Runnable task) {
        if ((int) STATE.getOpaque(this) == STOP) { // opaque: a plain load; a stop is seen within a task or two
            stoppedInBurst.add(task);               // never taken while running, so C2 leaves it out of line
            return;
        }
        counters.taskStarted(); // stall guard: one opaque store (a plain mov) of the task's number
        try {
            task.run();
        } catch (Throwable error) {
            taskFailed(task, error);
        }
    }

    /** Never throws, even when the heap is exhausted: the failure is counted first, then reported if possible. */
    private void taskFailed(Runnable task, Throwable error) {
        HeapReserve.releaseOn(error); // an OutOfMemoryError: room for the bookkeeping and the handler's report
        counters.addTaskError();
        try {
            errorHandler.onError(this, task, error);
        } catch (Throwable handlerError) {
            counters.addTaskError();
            HeapReserve.releaseOn(handlerError);
            try {
                System.getLogger("io.corepin.Exec").log(System.Logger.Level.ERROR,
                    name + ": error handler threw while handling " + error, handlerError);
            } catch (Throwable logFailed) {
                // nothing left to report with (the heap is exhausted, say): it is counted
            }
        }
    }

    /** Logs, unless even that fails (the heap is exhausted, say): for failure paths that must go on. */
    private void logQuietly(System.Logger.Level level, String what, Throwable t) {
        try {
            System.getLogger("io.corepin.Exec").log(level, name + ": " + what, t);
        } catch (Throwable logFailed) {
            // nothing left to report with
        }
    }

    /**
     * The poller's part of a turn. A poll that throws is a failed task: counted, handed to the error handler (as a
     * {@link PollerCall}) and treated as an idle poll; the Exec goes on and polls again next turn.
     */
    private int pollEvents() {
        try {
            return poller.poll();
        } catch (Throwable t) {
            taskFailed(pollCall, t);
            return 0;
        }
    }

    /**
     * Parks the owner until a producer enqueues (or {@code nanos} pass, when positive). Owner thread only.
     * Announce, re-check, park: see {@link #wakeIfParked()}.
     */
    void parkUntilWoken(long nanos) {
        nanos = timers.parkBound(nanos); // never sleep past the next timer deadline
        PARKED.setVolatile(this, 1); // volatile store + StoreLoad fence: the idle path's one fence
        final int s = (int) STATE.getVolatile(this); // volatile loads after the fence
        if (inbound.isEmpty() && overflow.isEmpty() && backlog.isEmpty() && local.isEmpty()
            && (s == RUNNING || (s == SHUTDOWN && !quiescent()))) {
            // SHUTDOWN: waiting for suspended tasks' wakes; shutdown()/shutdownNow() unpark after changing state
            if (!interruptAborts) {
                Thread.interrupted(); // a task's stray interrupt would make park return at once, forever
            }
            HeapReserve.restore(); // a static volatile load; allocates only after an OutOfMemoryError released it
            counters.addPark();
            if (poller != null) {
                try {
                    poller.park(nanos);
                } catch (Throwable t) {
                    taskFailed(parkCall, t); // as a failed poll; the park returned at once
                }
            } else if (nanos > 0) {
                LockSupport.parkNanos(this, nanos);
            } else {
                LockSupport.park(this);
            }
        }
        PARKED.setOpaque(this, 0); // opaque: a stale 1 only costs a producer one failed CAS
    }

    /**
     * The owner's last act: collect what did not run, stop corepin's own entries, cancel async tasks and spawn bodies,
     * hand back the user's tasks. Whatever fails on the way (the heap may be exhausted: what it needs in the common
     * case is allocated with the Exec), the Exec terminates and the hand-back completes: exceptionally if tasks may
     * be missing from it.
     */
    private void finish() {
        final ArrayList<Runnable> unrun = stoppedInBurst;
        Throwable failure = null;
        try {
            finishing = true;
            inbound.close();
            if (state != STOP) { // volatile load
                STATE.compareAndSet(this, RUNNING, STOP); // the loop failed while running: treat as shutdownNow
            }
            while (!inbound.isDrained()) {
                final int n = Math.max(1, inbound.size());
                unrun.ensureCapacity(unrun.size() + n); // room first: a task taken out is never lost to an OOM
                if (inbound.drain(stopSink, n) == 0) {
                    Thread.onSpinWait(); // a producer claimed a slot before the close and is publishing into it
                }
            }
            backlog.drainAll(unrun); // behind the ring, in order
            unrun.ensureCapacity(unrun.size() + local.size());
            for (Runnable r; (r = local.pollFirst()) != null; ) { // plain: owner-thread queue
                unrun.add(r);
            }
            if (levels != null) {
                unrun.addAll(levels.dropped);
                levels.drainAll(unrun);
            }
            try {
                counters.stop(this); // telemetry: last sample, JFR stop event, leave the counters file
            } catch (Throwable t) {
                logQuietly(System.Logger.Level.WARNING, "telemetry stop failed", t);
            }
            // volatile store, then drain the overflow: a late enqueueWake (offer, then volatile load of the state)
            // either sees TERMINATED and drains the queue itself, or its entry is seen here. Never neither.
            state = TERMINATED; // volatile store (the field: no VarHandle call to link on this path)
            for (Runnable r; (r = overflow.poll()) != null; ) {
                unrun.add(r);
            }
            timers.finish(unrun); // timer messages out, pending one-shot timers' tasks in (see ExecTimers)
            stopUnrun(unrun);
            while (liveHead != null) {
                AsyncTask task = liveHead;
                unlinkLive(task);
                try {
                    task.cancel();
                } catch (Throwable t) {
                    taskFailed(task.step, t);
                }
            }
        } catch (Throwable t) {
            HeapReserve.releaseOn(t);
            failure = t;
        } finally {
            terminate(unrun, failure);
        }
    }

    /**
     * What did not run, in place and in order: corepin's own entries are stopped ({@link ExecEntry#onStop}), async
     * tasks and spawn bodies cancelled, the user's tasks kept — followed by what the entries handed back.
     */
    private void stopUnrun(ArrayList<Runnable> unrun) {
        final int n = unrun.size();
        int kept = 0;
        for (int i = 0; i < n; i++) {
            final Runnable r = unrun.get(i);
            final Runnable plain = r instanceof LevelScheduler.Routed ? ((LevelScheduler.Routed) r).task
                : r instanceof Donor.Movable ? ((Donor.Movable) r).task : r;
            try {
                final AsyncTask task = AsyncTask.of(plain);
                if (plain instanceof ExecEntry) {
                    ((ExecEntry) plain).onStop(unrun); // a hop runs, a yield is cancelled; hand-backs go after n
                } else if (task != null) {
                    task.cancel(); // an async task cannot run elsewhere: it is cancelled, not handed back
                } else if (plain instanceof StagePromise) {
                    ((StagePromise<?>) plain).cancelByShutdownNow(); // a spawn's body, like an async task: cancelled
                } else {
                    unrun.set(kept++, plain);
                }
            } catch (Throwable t) {
                taskFailed(plain, t);
            }
        }
        for (int i = n; i < unrun.size(); i++) {
            unrun.set(kept++, unrun.get(i));
        }
        for (int i = unrun.size() - 1; i >= kept; i--) {
            unrun.remove(i);
        }
    }

    /** The end of {@link #finish()}, whatever failed in it: terminated, the poller closed, the hand-back complete. */
    private void terminate(ArrayList<Runnable> unrun, Throwable failure) {
        try {
            if (state != TERMINATED) { // volatile load; finish failed before it got there
                state = TERMINATED; // volatile store: from now on late enqueueWakes drain the overflow themselves
                try {
                    drainLate();
                } catch (Throwable t) {
                    logQuietly(System.Logger.Level.ERROR, "a promise completion failed while terminating", t);
                }
            }
            if (poller != null) {
                try {
                    poller.close();
                } catch (Throwable t) {
                    logQuietly(System.Logger.Level.WARNING, "poller.close threw", t);
                }
            }
            if (failure == null) {
                try {
                    handedBack.complete(unrun); // allocates nothing (HeapReserve warmed the JDK's path up)
                } catch (Throwable t) {
                    HeapReserve.releaseOn(t);
                    handBackAfterFailure(unrun, t);
                }
            } else {
                handBackAfterFailure(unrun, failure);
            }
        } finally {
            terminated.countDown(); // allocates nothing
        }
    }

    /** finish() failed: the hand-back fails, naming the cause, or (if even that cannot allocate) is what was found. */
    private void handBackAfterFailure(ArrayList<Runnable> unrun, Throwable failure) {
        logQuietly(System.Logger.Level.ERROR, "failed while finishing: the hand-back may miss tasks", failure);
        try {
            handedBack.completeExceptionally(new IllegalStateException(name + " failed while finishing: accepted"
                + " tasks may have been neither run nor handed back", failure));
        } catch (Throwable noMemory) {
            try {
                handedBack.completeExceptionally(failure);
            } catch (Throwable stillNoMemory) {
                handedBack.complete(unrun); // allocates nothing: what was collected, as the last resort
            }
        }
    }

    /** For stress tests: play the owner's termination on a {@link #detachedForTest} Exec after shutdownNow. */
    void finishForTest() {
        STATE.setVolatile(this, STOP);
        finish();
    }

    // ------------------------------------------------------------------ timers (ExecTimers), blocking (BlockingPool)

    /**
     * Runs {@code task} once on this Exec after {@code delay}, at the first loop turn at or after the deadline (the
     * Exec parks no longer than its earliest deadline). Timers due at the same time run in scheduling order. From
     * another thread the timer travels through the ring. A graceful {@link #shutdown()} still runs it at its
     * deadline; {@link #shutdownNow()} cancels it and hands the task back.
     *
     * @throws IllegalArgumentException naming the value if {@code delay < 0}
     * @throws RejectedExecutionException if the Exec is shut down (or, from another thread, its ring is full)
     */
    public Timer schedule(Runnable task, long delay, TimeUnit unit) {
        return timers.schedule(task, ExecTimers.delayNanos("delay", delay, unit), 0);
    }

    /**
     * Runs {@code task} on this Exec after {@code initialDelay}, then every {@code period} measured from the previous
     * deadline (late executions catch up back to back, never concurrently). Stops when cancelled, when an execution
     * throws, or at shutdown (graceful or not).
     *
     * @throws IllegalArgumentException naming the value if {@code initialDelay < 0} or {@code period <= 0}
     * @throws RejectedExecutionException if the Exec is shut down (or, from another thread, its ring is full)
     */
    public Timer scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
        long p = ExecTimers.periodNanos("period", period, unit);
        return timers.schedule(task, ExecTimers.delayNanos("initialDelay", initialDelay, unit), p);
    }

    /**
     * Runs {@code task} on this Exec after {@code initialDelay}, then {@code delay} after each execution ends.
     * Stops as {@link #scheduleAtFixedRate} does.
     *
     * @throws IllegalArgumentException naming the value if {@code initialDelay < 0} or {@code delay <= 0}
     * @throws RejectedExecutionException if the Exec is shut down (or, from another thread, its ring is full)
     */
    public Timer scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
        long d = ExecTimers.periodNanos("delay", delay, unit);
        return timers.schedule(task, ExecTimers.delayNanos("initialDelay", initialDelay, unit), -d);
    }

    /**
     * A promise that completes (on this Exec) once {@code duration} has passed; compose the rest of the work on it.
     * Cancelling the promise cancels its timer. {@link #shutdownNow()} completes it with a CancellationException.
     *
     * @throws IllegalArgumentException naming the value if the duration is negative
     * @throws RejectedExecutionException if the Exec is shut down (or, from another thread, its ring is full)
     */
    public Promise<Void> sleep(Duration duration) {
        return timers.sleepUntil(System.nanoTime() + ExecTimers.durationNanos(duration));
    }

    /**
     * A promise that completes (on this Exec) at {@code deadlineNanos}, a {@link System#nanoTime()} value; a
     * deadline in the past completes on the next turn.
     *
     * @throws RejectedExecutionException if the Exec is shut down (or, from another thread, its ring is full)
     */
    public Promise<Void> sleepUntil(long deadlineNanos) {
        return timers.sleepUntil(deadlineNanos);
    }

    ExecTimers timers() {
        return timers;
    }

    /**
     * Runs blocking {@code work} (file or socket I/O, a JDBC call, a lock) on a separate bounded pool and returns a
     * promise of its result that belongs to the calling Exec: compose the rest on it and it resumes here, while this
     * Exec's thread keeps running other tasks. See {@code BlockingPool} for the pool's sizes. A graceful shutdown does
     * not wait for the call unless the caller is a spawned body or async task that waits for it.
     *
     * @throws IllegalStateException if the calling thread is not an Exec's (use {@link #blocking(Exec, Callable)})
     * @throws RejectedExecutionException if the pool is saturated: every thread busy and its queue full
     */
    public static <T> Promise<T> blocking(Callable<T> work) {
        Exec exec = current();
        if (exec == null) {
            throw new IllegalStateException("Exec.blocking called on " + Thread.currentThread().getName()
                + ", which is not an Exec's thread: name the Exec to resume on with Exec.blocking(exec, work)");
        }
        return BlockingPool.shared().call(exec, work);
    }

    /**
     * {@link #blocking(Callable)} from any thread: the promise belongs to {@code exec}, its continuations run there.
     *
     * @throws RejectedExecutionException if the pool is saturated
     */
    public static <T> Promise<T> blocking(Exec exec, Callable<T> work) {
        return BlockingPool.shared().call(exec, work);
    }

    // -------------------------------------------------------------------------------------------------- closing

    /** Both ways in from other threads refuse from now on: the ring's close bit, then the backlog's marker (CAS). */
    private void closeInbound() {
        inbound.close();
        try {
            backlog.close(); // CAS: appends after it are refused; the ones before it run or are handed back
        } catch (OutOfMemoryError noRoomForTheMarker) {
            // the heap is full (shutdownNow is how one stops a runaway task): the owner closes it again while it
            // shuts down, and finish() closes it before taking what it holds, so nothing accepted is lost
        }
    }

    /**
     * Stops accepting tasks from other threads; everything already accepted still runs (tasks may keep spawning
     * local work while it drains). Returns at once; see {@link #awaitTermination(long, TimeUnit)}. Idempotent.
     */
    public void shutdown() {
        STATE.compareAndSet(this, RUNNING, SHUTDOWN); // CAS: slow path, once
        closeInbound();
        unparkOwner();
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
        closeInbound(); // what was accepted before it is handed back
        unparkOwner();
        if (!hosted) {
            thread.interrupt(); // a task blocked in an interruptible wait returns; the loop then sees STOP
        }
        return handedBack;
    }

    /**
     * {@link #shutdownNow()} and wait for the hand-back.
     *
     * @return every accepted task that did not run
     * @throws IllegalStateException if called from the Exec's own thread (it would wait for itself)
     */
    public List<Runnable> closeNow() {
        checkNotOnExec("closeNow()");
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
        checkNotOnExec("close()");
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

    /**
     * Waits up to the timeout for the thread to exit; {@code true} if it did.
     *
     * @throws BlockingOperationException if called with a positive timeout on an Exec's thread before this Exec
     *     terminated (it would block that core, and forever on this Exec's own thread); use {@link #closeAsync()}
     */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        if (timeout > 0 && !isTerminated()) {
            checkNotOnExec("awaitTermination(" + timeout + " " + unit + ")");
        }
        return terminated.await(timeout, unit);
    }

    /** A wait for this Exec's termination would block an Exec's thread (for ever, on this one's own). */
    private void checkNotOnExec(String call) {
        final Exec here = current();
        if (here != null || Thread.currentThread() == thread) {
            throw new BlockingOperationException(call, here != null ? here : this, "the termination of " + name);
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

    /** Whether the ring has room now (a hint: another producer may take it first). */
    boolean offerRoom() {
        return inbound.freeSpace() > 0;
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
        private Supplier<? extends Poller> pollerFactory;
        private Levels levels;
        private java.util.function.LongSupplier clock = System::nanoTime;
        private long stallNanos = TimeUnit.MILLISECONDS.toNanos(10);

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

        /**
         * Report a task that holds the Exec longer than {@code threshold} (default 10 ms): once per stall, with the
         * task's code location and the thread's stack, to the {@code io.corepin.StallGuard} logger and as a JFR
         * {@code io.corepin.Stall} event. One daemon thread watches every guarded Exec of the JVM; the Exec pays one
         * plain store per task. {@code 0} turns the guard off for these Execs. Execs hosted by {@link Exec#blockOn}
         * are not guarded.
         *
         * @throws IllegalArgumentException naming the value if it is negative
         */
        public Builder stallThreshold(long threshold, TimeUnit unit) {
            if (threshold < 0) {
                throw new IllegalArgumentException(
                    "stall threshold must be >= 0 (0: off), got " + threshold + " " + unit);
            }
            this.stallNanos = unit.toNanos(threshold);
            return this;
        }

        /**
         * An event source each Exec built from this builder polls every turn and blocks in when idle (instead of
         * parking); {@code factory} is called once per Exec, on the building thread. {@code null} removes it.
         */
        public Builder poller(Supplier<? extends Poller> factory) {
            this.pollerFactory = factory;
            return this;
        }

        /**
         * Schedule by these {@link Levels} of channels instead of one FIFO local queue (default: none). Each Exec
         * built from this builder gets its own sources. {@code null} removes them.
         */
        public Builder levels(Levels levels) {
            this.levels = levels;
            return this;
        }

        /** For tests: the clock the Exec reads once per turn (default {@code System::nanoTime}). */
        Builder clock(java.util.function.LongSupplier clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Starts the Exec and waits until its thread is running (and pinned, if asked). */
        public Exec build() {
            return start(this, name, cpu);
        }

        /**
         * Runs an Exec on the calling thread instead of a new one, until it is shut down and has finished (like
         * {@link Exec#close()}, a graceful shutdown first runs everything accepted). {@code main} runs first, as a
         * task on that Exec: it typically spawns work and hands the Exec to other threads; any thread, or a task,
         * ends the run with {@link Exec#shutdown()}. The thread is pinned if {@link #cpu(int)} was set, and stays
         * pinned afterwards.
         *
         * @return the tasks that did not run (non-empty only after {@link Exec#shutdownNow()})
         * @throws IllegalStateException if the calling thread already runs an Exec
         */
        public List<Runnable> runHere(Consumer<Exec> main) {
            Objects.requireNonNull(main, "main");
            Exec busy = current();
            if (busy != null) {
                throw new IllegalStateException(Thread.currentThread().getName() + " already runs " + busy.name);
            }
            Exec exec = new Exec(this, name, cpu, Thread.currentThread());
            if (stallNanos > 0) {
                StallGuard.watch(exec, exec.thread, exec.counters, stallNanos);
            }
            Exec previous = HOSTED.get();
            HOSTED.set(exec);
            exec.hostActive = true;
            exec.queueLocal(() -> main.accept(exec)); // plain: the owner is this thread
            try {
                exec.loop();
            } finally {
                exec.hostActive = false;
                if (previous == null) {
                    HOSTED.remove();
                } else {
                    HOSTED.set(previous);
                }
            }
            return exec.handedBack.join();
        }
    }
}
