package io.corepin;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.Pinning;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import io.corepin.ring.MpscRing;
import io.corepin.ring.Ring;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A single-threaded executor that owns one thread (pinned to one CPU when the affinity plan allows), runs
 * {@link Runnable} tasks to completion, and drains its own {@link MpscRing}.
 *
 * <h2>Threading contract</h2>
 * Every operation works from any thread and is written once as "owner thread → local path, else → inbound path"
 * ({@link #inEventLoop()}): on the Exec's own thread (a task spawning work) it appends to the owner's run queue with
 * plain stores — no atomic instruction at all ({@link OwnerLoop}); from any other thread it claims one slot of the
 * inbound ring (one CAS) and publishes with a release store, and pays one more CAS and an unpark only if the Exec is
 * parked ({@link Inbound}). What runs on the Exec — tasks, async task polls, promise continuations — runs on its
 * thread and nowhere else.
 *
 * <h2>The loop</h2>
 * Each turn runs up to {@code ringBurst} tasks straight out of the ring, then up to {@code localBudget} tasks from the
 * local queue (only those queued before the turn began, so a task that respawns itself waits behind the ring). The
 * turn uses plain loads and stores, acquire loads, and release stores — no atomic read-modify-write and no fence;
 * {@code bench/asm-audit.sh} proves it on the JIT's output. When a turn finds no work the {@link IdleStrategy}
 * spins, yields, then parks.
 *
 * <h2>Tasks that wait, event sources, priorities</h2>
 * Besides {@code Runnable}s an Exec runs {@link AsyncTask}s (poll style, woken soundly from any thread) and the
 * bodies of {@link Promise}s ({@link #spawn(java.util.function.Supplier)}); {@link #blockOn} and
 * {@link Builder#runHere} run an Exec on the caller's thread. A {@link Poller} plugs an event source into the loop.
 * With {@link Builder#levels(Levels)} the local queue becomes levels of {@link Lane}s picked by a
 * highest-first or round-robin scheduler, with followup lanes and per-lane close policies.
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

    private final String name;
    /** The owner: an {@link ExecThread}, or the caller's thread for a hosted or driven Exec. */
    private final Thread thread;
    private final boolean hosted;
    private final Lifecycle lifecycle = new Lifecycle();
    /** What the owner writes while it runs, kept off the cache lines producers read. */
    private final ExecCounters counters;
    /** What the stall guard has seen of this Exec (written by the guard's thread only). */
    private final StallStats stallStats;
    /** The way in from other threads: ring, backlog, overflow, parked flag. */
    private final Inbound inbound;
    /** The stall rescue's hand-over of this Exec's ring (armed by a group that rescues: {@link #publishSiblings}). */
    private final Rescue rescue;
    /** The owner side: loop, turn, run queue. */
    private final OwnerLoop loop;
    /** This Exec's timer wheel (owner thread; see {@link ExecTimers}). */
    private final ExecTimers timers;
    /** Promise continuations and completions go through this: never rejects (see {@link #runOnOwner}). */
    private final Executor ownerExecutor = this::hop;
    /** Work balancing of an ExecGroup; null when off. */
    private final Donor donor;
    /** The values of {@link ExecLocal}s on this Exec (owner thread only). */
    private final ExecLocals locals = new ExecLocals();

    /**
     * @param host the owner thread when it is the caller's (hosted: runHere, blockOn; driven), {@code null} for an
     *     Exec thread of its own
     */
    Exec(Builder b, String name, int cpu, Thread host, WorkBalancing balancing) {
        HeapReserve.init(); // memory for the failure paths, should a task exhaust the heap (once per JVM)
        this.name = name;
        this.hosted = host != null;
        this.thread = host != null ? host : new ExecThread(this, name, b.daemon);
        final Poller poller = b.pollerFactory == null ? new ThreadParker(thread)
            : Objects.requireNonNull(b.pollerFactory.get(), "poller factory returned null");
        this.counters = new ExecCounters(b.clock);
        this.stallStats = new StallStats(b.clock);
        this.rescue = new Rescue(counters);
        this.inbound = new Inbound(name, b.ringCapacity, lifecycle, counters, poller, rescue);
        this.timers = new ExecTimers(this, b.clock);
        final RunQueue runQueue = b.levels == null ? new FifoRunQueue() : new LevelScheduler(b.levels, b.clock,
            inbound::wakeForSource); // a generator lane's wake-up
        this.donor = balancing.isOn() ? new Donor(this, balancing, counters) : null; // levels too: donateLevels
        this.loop = new OwnerLoop(this, thread, lifecycle, inbound, runQueue, poller, timers, counters, donor, b, cpu);
        counters.sampleFrom(inbound.ring()); // sampled by the owner; start() also registers it in the counters file
        if (host == null && b.stallNanos > 0) { // hosted: runHere registers; blockOn and driven Execs are not guarded
            guardStalls(b.stallNanos, b.clock);
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
        final Thread t = Thread.currentThread();
        return t instanceof ExecThread ? ((ExecThread) t).current() : Hosting.current();
    }

    /**
     * Whether the calling thread is this Exec's owner (Netty's {@code EventExecutor.inEventLoop()}): where every
     * operation takes its local path, and where state confined to the Exec (a {@code Channel.local} channel) may be
     * touched. Any thread.
     */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Whether the calling thread is this Exec's owner and its loop still runs tasks (not finishing): where a
     * promise's owner-thread state may be touched directly. Elsewhere, go through {@link #runOnOwner}.
     */
    boolean isOwnerLoop() {
        return Thread.currentThread() == thread && !loop.isFinishing(); // plain read: owner thread only
    }

    /** Starts an Exec on a thread of its own and waits until it runs (and is pinned, if asked). */
    static Exec start(Builder b, String name, int cpu, WorkBalancing balancing) {
        final Exec exec = new Exec(b, name, cpu, null, balancing);
        exec.thread.start();
        try {
            if (!exec.loop.awaitStarted(30, TimeUnit.SECONDS)) {
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

    /** The owner side (the Exec thread's body, hosting, driving). */
    OwnerLoop loop() {
        return loop;
    }

    /** The way in from other threads. */
    Inbound inbound() {
        return inbound;
    }

    /** The stall rescue's hand-over of the ring (the stall guard's thread calls it). */
    Rescue rescue() {
        return rescue;
    }

    /** A graceful shutdown by the owner itself (blockOn's body is done): no wake-up, it is awake. Owner thread. */
    void shutdownByOwner() {
        lifecycle.casShutdown(); // CAS: once per call
        inbound.close();
    }

    /** The owner's stop as by shutdownNow, then its termination, on the calling thread ({@link Driven}). */
    void stopAndFinish() {
        lifecycle.toStop();
        loop.termination().finish();
    }

    /**
     * The group publishes the siblings once all Execs have started (work balancing; the stall rescue, when
     * {@code rescues}: the group asked for it and has a sibling or standby Execs to move work to).
     */
    void publishSiblings(Exec[] all, boolean rescues, Standby standby) {
        if (donor != null) {
            donor.publishSiblings(all);
        }
        if (rescues) {
            rescue.publishSiblings(all, standby);
        }
    }

    /** Reports tasks that hold this Exec longer than {@code thresholdNanos} ({@link StallGuard}). */
    void guardStalls(long thresholdNanos, org.agrona.concurrent.NanoClock clock) {
        StallGuard.watch(this, thread, counters, stallStats, rescue, thresholdNanos, clock); // one JVM-wide thread
    }

    /**
     * Whether the stall guard has reported the task running now as a stall and it has not returned yet (any thread;
     * a snapshot). Never for an Exec without a guard (threshold 0, hosted, driven). One acquire load of a line the
     * guard writes when there is no stall; see {@link StallStats#stalledNow}.
     */
    boolean stalledNow() {
        return stallStats.stalledNow(counters);
    }

    /** Not shut down and not stalled: where work that goes around a stall may go (the detour, the rescue). */
    boolean isOpenAndNotStalled() {
        return !isShutdown() && !stalledNow();
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
        final int result = offer(task);
        if (result < 0) {
            throw inbound.rejection(result);
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
        return inEventLoop() ? loop.spawnLocal(task) : inbound.offer(task);
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
        if (!inEventLoop()) {
            return inbound.offerBurst(tasks, offset, count); // one CAS for the whole burst
        }
        for (int i = 0; i < count; i++) {
            Objects.requireNonNull(tasks[offset + i], "task");
        }
        for (int i = 0; i < count; i++) {
            if (loop.spawnLocal(tasks[offset + i]) == CLOSED) {
                return CLOSED; // finishing: the run queue was taken already (nothing was added)
            }
        }
        return count;
    }

    /**
     * An order-keeping submission ({@link ExecGroup#execute(long, Runnable)}): through the ring, or into the
     * backlog behind what waits there, from any thread — the owner's too (one CAS instead of the local queue, which
     * would overtake ring entries of the same key). See {@link Inbound#offerKeyed}.
     *
     * @return {@code >= 0} if accepted, {@link #FULL}, or {@link #CLOSED}
     */
    int offerKeyed(Runnable entry, boolean joinWhenFull) {
        return inbound.offerKeyed(entry, inEventLoop(), joinWhenFull);
    }

    /**
     * A handle that submits to this Exec but cannot stop it: give it to code that should only submit (see
     * {@link Submitter}; keys all map to this Exec, in per-key order). A new small object per call.
     */
    public Submitter submitter() {
        return new ExecSubmitter(this);
    }

    // ------------------------------------------------------------------------------------------------ async tasks

    /**
     * Starts {@code task} on this Exec: on the Exec's own thread it joins the local queue (no atomics), from any other
     * thread it goes through the ring. The first {@link AsyncTask#poll()} runs on this Exec, and so do all later ones.
     *
     * @return the task's handle: wait for its end or cancel it from any thread ({@link TaskHandle}; the handle is
     *     the task's own run-queue entry, so the spawn allocates nothing for it)
     * @throws NullPointerException if task is null
     * @throws IllegalStateException if the task was already spawned
     * @throws RejectedExecutionException if the ring is full or the Exec is shut down (the task is left unspawned)
     */
    public TaskHandle spawn(AsyncTask task) {
        Objects.requireNonNull(task, "task");
        if (inEventLoop()) {
            loop.spawnTaskLocal(task);
            return task.handle();
        }
        task.bind(this, false);
        final int result = inbound.offer(task.step);
        if (result < 0) {
            task.unbind();
            throw inbound.rejection(result);
        }
        return task.handle();
    }

    /**
     * Runs {@code body} on this Exec and returns a {@link Promise} of the stage it returns; the Exec counts the
     * body as an unfinished task until that stage completes (a graceful shutdown waits for it; shutdownNow cancels
     * the promise).
     *
     * @throws RejectedExecutionException if the ring is full or the Exec is shut down
     */
    public <T> Promise<T> spawn(Supplier<? extends CompletionStage<T>> body) {
        final StagePromise<T> promise = new StagePromise<>(this, Objects.requireNonNull(body, "body"));
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
        final CallPromise<T> promise = new CallPromise<>(this, work); // one object: the promise is the task
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
        final int result = inbound.offerKeyed(promise, false, true);
        if (result < 0) {
            throw inbound.rejection(result);
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
        final Exec exec = current();
        if (exec == null) {
            throw new IllegalStateException("yieldNow() called on " + Thread.currentThread().getName()
                + ", which is not an Exec's thread");
        }
        return exec.loop.yieldNow();
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
     * Exec's {@code shutdownNow()} list), and a {@link java.util.concurrent.CompletionException} wrapping an
     * {@link InterruptedException} is thrown with the thread's interrupt flag still set.
     *
     * <p>On a thread that already runs an Exec (an Exec's own thread, or inside another blockOn) the call
     * <b>nests</b>: a fresh Exec runs on that same thread — no thread is started — until the body's stage is done and
     * everything it accepted has finished, and {@link #current()} is the calling Exec again when it returns. The
     * calling Exec's other work waits meanwhile, as behind any long task (its stall guard counts the call). It never
     * waits for another thread: should the nested Exec run out of work first (the stage, or a task it accepted,
     * waits for another Exec, a plain thread or a timer), it stops as by {@link #shutdownNow()} and the call throws
     * {@link BlockingOperationException} — compose such stages instead.
     *
     * @return the value the stage completed with
     * @throws java.util.concurrent.CompletionException wrapping the stage's failure when it is a checked exception,
     *     or wrapping an {@link InterruptedException} when the thread was interrupted; a RuntimeException or Error
     *     is rethrown as it is
     * @throws BlockingOperationException if nested on an Exec's thread and the nested Exec ran out of work before
     *     the body's stage and its tasks were done (waiting would block that core)
     */
    public static <T> T blockOn(Supplier<? extends CompletionStage<T>> body) {
        return Hosting.blockOn(body);
    }

    // ------------------------------------------------------------------------- corepin's entries (any thread)

    Executor ownerExecutor() {
        return ownerExecutor;
    }

    /** A continuation handed to {@link #ownerExecutor}: corepin's entries as they are, anything else wrapped. */
    private void hop(Runnable r) {
        runOnOwner(r instanceof ExecEntry ? r : new Hop(r, loop));
    }

    /**
     * Runs corepin's own {@code entry} (a promise completion, a continuation, a registration) on this Exec, never
     * rejecting it: the run queue on the owner thread, the ring (or overflow) elsewhere. Once the owner began
     * finishing, the entry runs on the late runner instead: on the calling thread, one entry at a time.
     */
    void runOnOwner(Runnable entry) {
        if (inEventLoop()) {
            loop.runOnOwner(entry);
        } else {
            inbound.enqueueWake(entry);
        }
    }

    /** Runs {@code entry} on the late runner: after this Exec began finishing, one entry at a time. Any thread. */
    void runLate(Runnable entry) {
        loop.runLate(entry);
    }

    /** The owner's promise-firing trampoline. Owner thread (then the late runner). */
    PromiseChain promiseChain() {
        return loop.promiseChain();
    }

    // --------------------------------------------------------------------------------------------- levels/lanes

    /**
     * Runs {@code task} in {@code lane} of this Exec's {@link Levels}. From the Exec's own thread it goes straight
     * into the lane's source; from another thread through the ring, tagged with the lane (one small object).
     *
     * @throws IllegalStateException if this Exec was built without levels
     * @throws IllegalArgumentException if the lane is not part of its levels
     * @throws RejectedExecutionException if the ring is full or the Exec is shut down
     */
    public void execute(Lane lane, Runnable task) {
        execute(lane, 0L, task);
    }

    /**
     * {@link #execute(Lane, Runnable)} with a deadline ({@code System.nanoTime()} scale) for deadline-ordered
     * lanes ({@link Lane#deadlineFirst}); other lanes ignore it.
     */
    public void execute(Lane lane, long deadlineNanos, Runnable task) {
        executeInLane(lane, deadlineNanos, task, false);
    }

    /**
     * An un-keyed group submission to {@code lane} under work balancing: as {@link #execute(Lane, long, Runnable)},
     * but queued as a movable entry, which a donation may take to a sibling (into the same lane there).
     */
    void executeMovable(Lane lane, long deadlineNanos, Runnable task) {
        executeInLane(lane, deadlineNanos, task, true);
    }

    private void executeInLane(Lane lane, long deadlineNanos, Runnable task, boolean movable) {
        Objects.requireNonNull(task, "task");
        final int id = levelsOrThrow().indexOf(lane);
        if (inEventLoop()) {
            // a movable entry is queued as itself, so that a donation can still take it; other work as the task
            loop.executeLocal(id, deadlineNanos,
                movable ? new LevelScheduler.Routed(id, deadlineNanos, task, true) : task);
            return;
        }
        final int result = inbound.offer(new LevelScheduler.Routed(id, deadlineNanos, task, movable));
        if (result < 0) {
            throw inbound.rejection(result);
        }
    }

    /** Starts {@code task} in {@code lane}; later wake-ups follow the levels' followup rule. Returns its handle. */
    public TaskHandle spawn(Lane lane, AsyncTask task) {
        Objects.requireNonNull(task, "task");
        final int id = levelsOrThrow().indexOf(lane);
        if (task.exec() != null) {
            throw new IllegalStateException(task + " was already spawned on " + task.exec().name());
        }
        task.lane(id); // plain: published with the spawn (ring release store, or owner thread)
        try {
            return spawn(task);
        } catch (RuntimeException refused) {
            task.lane(-1);
            throw refused;
        }
    }

    /**
     * {@link #spawn(Supplier)} in {@code lane} of this Exec's {@link Levels}: the body runs at that lane's level, and
     * while its stage is pending the waiting is an async task of that lane (its wake-ups follow the levels'
     * followup rule; continuations composed on the Exec run inside its final poll). A graceful close drops the
     * body, failing its promise, if the lane does not complete on close. Promise completions arriving from other
     * threads, and {@link #yieldNow()}, use the default lane; {@link #yieldNow(Lane)} names one.
     *
     * @throws IllegalStateException if this Exec was built without levels
     * @throws IllegalArgumentException if the lane is not part of its levels
     * @throws RejectedExecutionException if the ring is full or the Exec is shut down
     */
    public <T> Promise<T> spawn(Lane lane, Supplier<? extends CompletionStage<T>> body) {
        final StagePromise<T> promise = new StagePromise<>(this, Objects.requireNonNull(body, "body"));
        promise.lane(levelsOrThrow().indexOf(lane)); // plain: published with the enqueue
        execute(lane, promise); // one object when the body's stage is already complete: the promise is the task
        return promise;
    }

    /**
     * {@link #submit(Callable)} in {@code lane} of this Exec's {@link Levels}.
     *
     * @throws IllegalStateException if this Exec was built without levels
     * @throws IllegalArgumentException if the lane is not part of its levels
     * @throws RejectedExecutionException if the ring is full or the Exec is shut down
     */
    public <T> Promise<T> submit(Lane lane, Callable<T> work) {
        Objects.requireNonNull(work, "work");
        final CallPromise<T> promise = new CallPromise<>(this, work); // one object: the promise is the task
        execute(lane, promise);
        return promise;
    }

    /**
     * {@link #yieldNow()} into {@code lane} of the calling Exec's {@link Levels}: the promise completes when that
     * lane's turn comes — after the work queued in it and in higher levels, ahead of lower ones (a realtime body
     * that yields stays realtime). Cancelled as {@code yieldNow()}'s if the Exec stops first.
     *
     * @throws IllegalStateException if the caller is not on an Exec's thread, or that Exec has no levels
     * @throws IllegalArgumentException if the lane is not part of its levels
     */
    public static Promise<Void> yieldNow(Lane lane) {
        final Exec exec = current();
        if (exec == null) {
            throw new IllegalStateException("yieldNow(" + lane + ") called on " + Thread.currentThread().getName()
                + ", which is not an Exec's thread");
        }
        return exec.loop.yieldNow(exec.levelsOrThrow().indexOf(lane));
    }

    /** The levels this Exec schedules by, or {@code null} (one local FIFO queue). */
    public Levels levels() {
        final LevelScheduler levels = loop.levels();
        return levels == null ? null : levels.levels();
    }

    private Levels levelsOrThrow() {
        final Levels levels = levels();
        if (levels == null) {
            throw new IllegalStateException(name + " was built without Levels: no lanes to submit to");
        }
        return levels;
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
        return timers.sleep(ExecTimers.durationNanos(duration)); // from now on this Exec's clock
    }

    /**
     * A promise that completes (on this Exec) at {@code deadlineNanos}, a value of this Exec's clock
     * ({@link Builder#clock}: {@link System#nanoTime()} unless set); a deadline in the past completes on the next turn.
     *
     * @throws RejectedExecutionException if the Exec is shut down (or, from another thread, its ring is full)
     */
    public Promise<Void> sleepUntil(long deadlineNanos) {
        return timers.sleepUntil(deadlineNanos);
    }

    /**
     * A periodic stream of ticks on this Exec: one at every {@code period} from now, on this Exec's clock and timer
     * wheel, received on this Exec's thread ({@link Ticker#recv()}). Ticks nobody received yet are coalesced into
     * one that counts the periods (see {@link Ticker}); {@link Ticker#close()} or this Exec's shutdown ends it.
     *
     * @throws IllegalArgumentException naming the value if {@code period <= 0}
     * @throws RejectedExecutionException if the Exec is shut down (or, from another thread, its ring is full)
     */
    public Ticker ticks(long period, TimeUnit unit) {
        return new Ticker(this, ExecTimers.periodNanos("period", period, unit));
    }

    ExecTimers timers() {
        return timers;
    }

    /** This Exec's {@link ExecLocal} values. Owner thread. */
    ExecLocals locals() {
        return locals;
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

    /**
     * Stops accepting tasks from other threads; everything already accepted still runs (tasks may keep spawning
     * local work while it drains). Returns at once; see {@link #awaitTermination(long, TimeUnit)}. Idempotent.
     */
    public void shutdown() {
        lifecycle.casShutdown(); // CAS: slow path, once
        inbound.close(); // the ring's close bit, then the backlog's marker
        inbound.wakeOwner();
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
        lifecycle.toStop(); // CAS: slow path
        inbound.close(); // what was accepted before it is handed back
        inbound.wakeOwner();
        if (!hosted) {
            thread.interrupt(); // a task blocked in an interruptible wait returns; the loop then sees STOP
        }
        return loop.termination().handedBack();
    }

    /**
     * {@link #shutdownNow()} and wait for the hand-back.
     *
     * @return every accepted task that did not run
     * @throws BlockingOperationException if called on an Exec's thread (it would block that core, and forever on
     *     this Exec's own)
     */
    public List<Runnable> closeNow() {
        checkNotOnExec("closeNow()");
        return shutdownNow().join();
    }

    /**
     * {@link #shutdown()} and wait until every accepted task has run and the thread has exited. Waits as long as
     * that takes; use {@link #awaitTermination(long, TimeUnit)} and {@link #shutdownNow()} to bound it.
     *
     * @throws BlockingOperationException if called on an Exec's thread (it would block that core, and forever on
     *     this Exec's own)
     */
    @Override
    public void close() {
        checkNotOnExec("close()");
        shutdown();
        loop.termination().awaitUninterruptibly();
    }

    /**
     * Graceful close as a stage: {@link #shutdown()}, and a future that completes once the thread has stopped. Tasks
     * of complete-on-close lanes (all tasks, without {@link Levels}) run to the end, suspended ones included;
     * queued tasks of the other lanes are handed back in the list and their suspended tasks cancelled.
     */
    public CompletableFuture<List<Runnable>> closeAsync() {
        shutdown();
        return loop.termination().handedBack();
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
        return loop.termination().await(timeout, unit);
    }

    /** A wait for this Exec's termination would block an Exec's thread (for ever, on this one's own). */
    private void checkNotOnExec(String call) {
        final Exec here = current();
        if (here != null || inEventLoop()) {
            throw new BlockingOperationException(call, here != null ? here : this, "the termination of " + name);
        }
    }

    /** {@code true} once shutdown or shutdownNow was called. */
    public boolean isShutdown() {
        return lifecycle.isShutdown();
    }

    /**
     * {@code true} once the Exec has finished: no task runs any more, its poller is closed and the hand-back of
     * {@link #shutdownNow()} is complete (a thread that saw the hand-back complete sees this true too) — from then on
     * {@link #awaitTermination} returns {@code true} at once.
     */
    public boolean isTerminated() {
        return loop.termination().isDone();
    }

    /** The loop has ended (its state is terminated): no task runs any more, though it may still be finishing. */
    boolean loopEnded() {
        return lifecycle.isTerminated();
    }

    // ------------------------------------------------------------------------------------------------ telemetry

    /** This Exec's name (also its thread's name). */
    public String name() {
        return name;
    }

    /** The CPU this Exec's thread is pinned to, or {@link AffinityPlan#UNPINNED} (-1) if it is not pinned. */
    public int cpu() {
        return loop.cpu();
    }

    /**
     * The NUMA node of the CPU this Exec's thread is pinned to ({@link Pinning#numaNodeOf(int)}), or -1 if it is not
     * pinned or the machine's nodes are unknown.
     */
    public int numaNode() {
        return Pinning.numaNodeOf(cpu());
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
        return inbound.depth();
    }

    /**
     * Work balancing's view of this Exec's load (any thread, a snapshot): its ring's depth, plus, with levels, the
     * tasks its lanes held at its last turn.
     */
    int balanceLoad() {
        return donor == null ? inbound.depth() : inbound.depth() + donor.laneLoad();
    }

    /** Whether the ring has room now (a hint: another producer may take it first). */
    boolean offerRoom() {
        return inbound.hasRoom();
    }

    /** Tasks this Exec pushed to siblings under {@link WorkBalancing} (updated by the owner; a snapshot). */
    public long tasksDonated() {
        return donor == null ? 0 : donor.donated();
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

    /**
     * Stalls reported so far: tasks that held this Exec longer than its stall threshold
     * ({@link Builder#stallThreshold}), each counted once, when the stall guard reports it (log line, JFR event).
     * Any thread, a racy snapshot; 0 for an Exec the guard does not watch (threshold 0, {@link #blockOn}).
     */
    public long stalls() {
        return stallStats.stalls();
    }

    /**
     * Tasks the stall rescue moved out of this Exec's ring to its siblings so far ({@link
     * ExecGroup.Builder#rescueStalled}): un-keyed group work that waited behind a stalled task. Each ran once, on
     * the sibling, and is counted in that sibling's {@link #tasksRun()}, not here. Any thread, a snapshot; 0 outside
     * a group that rescues.
     */
    public long rescued() {
        return rescue.moved();
    }

    /**
     * Loop lag, in nanoseconds of this Exec's clock: how long the task running now has held the Exec, so how long
     * new work waits at least before the loop gets to it — as far as the stall guard has seen. 0 when the Exec is
     * between turns (idle, parked, or done) or runs a task the guard has not found yet; otherwise the time since the
     * guard first found that task running (a lower bound of the task's run time, short of it by at most the guard's
     * period: half the stall threshold, 1 to 50 ms). It does not include tasks waiting behind short ones in the
     * ring (see {@link #depth()}). Any thread, a racy snapshot; 0 for an Exec the guard does not watch. The Exec
     * pays nothing for it: the guard reads the stamp it writes per task for stall detection.
     */
    public long loopLagNanos() {
        return loopEnded() ? 0 : stallStats.loopLagNanos(counters);
    }

    @Override
    public String toString() {
        return "Exec{" + name + ", cpu=" + cpu() + ", depth=" + depth() + ", run=" + tasksRun()
            + (isTerminated() ? ", terminated" : isShutdown() ? ", shut down" : "") + '}';
    }


    /** A continuation sent to this Exec: run, never handed back; late if the Exec stopped. */
    private static final class Hop implements ExecEntry {
        private final Runnable work;
        private final OwnerLoop loop;

        Hop(Runnable work, OwnerLoop loop) {
            this.work = work;
            this.loop = loop;
        }

        @Override
        public void run() {
            work.run();
        }

        @Override
        public Runnable onStop() {
            loop.runLate(this);
            return null;
        }
    }

    /**
     * Settings for one Exec. {@link #build()} starts it; an {@link ExecGroup} uses a builder as the template for
     * all of its Execs.
     */
    public static final class Builder {
        String name = "corepin-exec";
        int ringCapacity = 4096;
        int ringBurst = 32;
        int localBudget = 64;
        IdleStrategy idleStrategy = IdleStrategy.park();
        TaskErrorHandler errorHandler = TaskErrorHandler.logging();
        int cpu = AffinityPlan.UNPINNED;
        boolean daemon;
        Supplier<? extends Poller> pollerFactory;
        Levels levels;
        org.agrona.concurrent.NanoClock clock = org.agrona.concurrent.SystemNanoClock.INSTANCE;
        long stallNanos = TimeUnit.MILLISECONDS.toNanos(10);
        long timerSlackNanos;

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
         * The Exec thread's timer slack ({@link io.corepin.affinity.TimerSlack}): how much later than asked the
         * kernel may end the thread's timed parks. Default {@code 0}: the slack the thread inherits, 50 µs on Linux.
         * An Exec whose idle parks run to their timeout — a {@link #poller} with no wake-up, such as an Aeron
         * subscription, or {@link IdleStrategy#backoff}'s timed parks — wakes up to the slack late; with 1 µs a 1 µs
         * park sleeps about 10 µs instead of 55 µs, at the cost of more timer interrupts while idle. Set on the Exec's
         * thread as it starts (for {@link #runHere}, on the calling thread, and it stays). Where it cannot be set
         * (not Linux) the Exec logs one warning and runs with the inherited slack.
         *
         * @throws IllegalArgumentException naming the value if it is negative
         */
        public Builder timerSlack(long slack, TimeUnit unit) {
            if (slack < 0) {
                throw new IllegalArgumentException("timer slack must be >= 0 (0: inherit), got " + slack + " " + unit);
            }
            this.timerSlackNanos = unit.toNanos(slack);
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
         * Schedule by these {@link Levels} of lanes instead of one FIFO local queue (default: none). Each Exec
         * built from this builder gets its own sources. {@code null} removes them.
         */
        public Builder levels(Levels levels) {
            this.levels = levels;
            return this;
        }

        /**
         * The time source of this Exec's timers, stall guard, counters and levels deadlines (default
         * {@link org.agrona.concurrent.SystemNanoClock}, i.e. {@link System#nanoTime()}); for tests and simulation.
         * Every deadline and delay of the Exec ({@link Exec#schedule}, {@link Exec#sleep}, {@link Exec#sleepUntil},
         * {@link Timer#deadlineNanos()}, round-robin slices, the stall threshold, busy time) is measured on it. It must
         * be monotonic (never go back), stay far from the ends of the {@code long} range, and be safe to read from any
         * thread: the Exec's own, threads that schedule timers on it, and the stall guard's. In an {@link ExecGroup}
         * (through {@link ExecGroup.Builder#execSettings}) all Execs share it.
         *
         * <p>An idle Exec parks no longer than its next timer deadline, measured on this clock and slept in real
         * nanoseconds; then it reads the clock again. So with a fake clock a park still ends, and a test drives time
         * without sleeping: move the clock on, then wake the Exec (submit any task, or complete a promise it waits
         * for); its next turn reads the new time and fires what became due. Producers' timeouts
         * ({@link Backpressure}) and {@code awaitTermination} stay in real time.
         */
        public Builder clock(org.agrona.concurrent.NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Starts the Exec and waits until its thread is running (and pinned, if asked). */
        public Exec build() {
            return start(this, name, cpu, WorkBalancing.off());
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
            return Hosting.runHere(this, main);
        }
    }
}
