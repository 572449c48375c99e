package io.corepin;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.Pinning;
import io.corepin.balance.LoadBalancer;
import io.corepin.balance.Targets;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Several {@link Exec}s, one per CPU of an {@link AffinityPlan}, behind one {@link Executor}.
 *
 * <ul>
 *   <li>{@link #execute(Runnable)}: the {@link LoadBalancer} picks the Exec ({@link LoadBalancer#wakeLocal()} by
 *       default).
 *   <li>{@link #execute(long, Runnable)}: the key picks the Exec, always the same one for the same key
 *       ({@link #indexFor(long)}), so per-key state needs no lock and per-key order is submit order.
 * </ul>
 * When the chosen ring is full (or the balancer answers {@link LoadBalancer#NONE}) the group applies its
 * {@link Backpressure}: reject, block with a timeout, or run on the caller. An Exec's thread is never parked by
 * it: under {@code block} its submissions wait in the target's backlog instead (see {@link Backpressure#block}).
 *
 * <p>Per-key order is the happens-before order of the keyed submits ({@code execute}, {@code spawn} and
 * {@code submit} with a key), whichever threads make them — other threads, the key's own Exec, Execs whose
 * submits wait in the target's backlog.
 *
 * <p>A task follows one path: {@code ExecGroup.execute} → {@code LoadBalancer.select} → {@code Exec.offer} →
 * {@code Inbound.offer} → {@code MpscRing.offer}; on the Exec's thread {@code OwnerLoop.doWork} →
 * {@code RingConsumer.drain} → {@code OwnerLoop.runTask} → {@code Runnable.run}.
 */
public final class ExecGroup implements Executor, AutoCloseable {
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Attempts before a blocked submit waits for room ({@link #block}). */
    private static final int BLOCK_SPINS = 8;
    /** Longest park of a submit waiting for a consumer to make room: then it looks again (a new standby Exec). */
    private static final long ROOM_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** What the balancer sees for a {@link #spawn(Supplier)} or {@link #submit(Callable)}: there is no Runnable. */
    private static final Runnable NO_RUNNABLE = () -> { };

    private final Exec[] execs;
    private final LoadBalancer balancer;
    /** What the balancer sees of {@link #execs}: their number and ring depths, not the Execs or this group. */
    private final Targets targets;
    private final Backpressure backpressure;
    private final AffinityPlan plan;
    /**
     * Un-keyed group submissions are wrapped as movable (one 16-byte object each) when work balancing or the stall
     * rescue may move them.
     */
    private final boolean movable;
    /** Un-keyed work goes around a stalled Exec ({@link Builder#detourStalled}). */
    private final boolean detour;
    /** Unpinned Execs for un-keyed work while every Exec of the group is stalled ({@link Builder#standby}), or null. */
    private final Standby standby;

    private ExecGroup(Exec[] execs, LoadBalancer balancer, Backpressure backpressure, AffinityPlan plan,
                      WorkBalancing balancing, boolean detour, boolean rescue, Standby standby) {
        this.detour = detour;
        this.standby = standby;
        this.execs = execs;
        this.balancer = balancer;
        this.targets = new Rings(execs);
        this.backpressure = backpressure;
        this.plan = plan;
        final boolean rescues = rescue && (execs.length > 1 || standby != null); // somewhere to move work to
        this.movable = balancing.isOn() || rescues;
        for (Exec exec : execs) {
            exec.publishSiblings(execs, rescues, standby);
        }
    }

    /**
     * A builder: one Exec per allowed CPU ({@link AffinityPlan#auto(int)}), {@link LoadBalancer#wakeLocal()}, reject
     * when full.
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------------------ submission

    /**
     * Runs {@code task} on the Exec the balancer picks, applying the group's {@link Backpressure} when it has no
     * room.
     *
     * @throws NullPointerException if task is null
     * @throws RejectedExecutionException if the group is shut down, or there was no room and the policy gave up
     * @throws IllegalStateException if the balancer returned an index outside the group (the task is not enqueued)
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (trySubmit(task)) {
            return;
        }
        switch (backpressure.kind) {
            case CALLER_RUNS:
                task.run();
                return;
            case BLOCK:
                if (!Hosting.mayWaitForRoom()) {
                    joinBacklog(choose(task), movable ? new Donor.Movable(task) : task, task);
                } else {
                    blockUnkeyed(task);
                }
                return;
            default:
                throw noRoom("no Exec had room");
        }
    }

    /**
     * Runs {@code task} on the Exec that owns {@code key} ({@link #indexFor(long)}), never another one, after every
     * keyed submission of that key that happens before this one. A full ring is handled by the group's
     * {@link Backpressure}, except that keyed work never runs on the caller: under {@link Backpressure#callerRuns()}
     * it is rejected. Called on the key's own Exec it takes the ring as well (one CAS; a full ring: that Exec's
     * backlog, never refused for room), not the local queue, which would overtake ring submits of the key.
     *
     * @throws NullPointerException if task is null
     * @throws RejectedExecutionException if the group is shut down, or the ring stayed full
     */
    public void execute(long key, Runnable task) {
        Objects.requireNonNull(task, "task");
        executeKeyed(key, task);
    }

    /**
     * A keyed submission: the ring, or the backlog of the key's Exec behind the entries waiting there (see
     * {@link Backlog}); no room: the backpressure, where an Exec thread joins the backlog instead of parking.
     */
    private void executeKeyed(long key, Runnable entry) {
        final int index = indexFor(key);
        final Exec target = execs[index];
        final boolean blocks = backpressure.kind == Backpressure.Kind.BLOCK;
        final boolean onExec = blocks && !Hosting.mayWaitForRoom(); // an Exec thread never parks: the backlog takes it
        int result = target.offerKeyed(entry, onExec);
        if (result >= 0) {
            return;
        }
        if (result != Exec.CLOSED && blocks && !onExec) {
            block(() -> offerKeyedOrThrowClosed(entry, index)); // a plain thread may park
            return;
        }
        if (result == Exec.CLOSED) {
            throw target.inbound().rejection(result);
        }
        throw noRoom("key " + key + " maps to " + target.name() + ", whose ring is full"
            + (backpressure.kind == Backpressure.Kind.BLOCK ? " and whose backlog holds a ring's worth" : ""));
    }

    private boolean offerKeyedOrThrowClosed(Runnable entry, int index) {
        int result = execs[index].offerKeyed(entry, false);
        if (result == Exec.CLOSED) {
            throw execs[index].inbound().rejection(result);
        }
        return result >= 0;
    }

    /**
     * {@link Backpressure#block} on an Exec thread, which must not park: {@code exec} (the balancer's pick, or when it
     * answered NONE the open Exec with the shortest ring) takes the entry into its backlog, up to a ring's worth.
     */
    private void joinBacklog(Exec exec, Runnable entry, Object what) {
        Exec target = exec != null ? exec : shallowest();
        int result = target.offerKeyed(entry, true);
        if (result == Exec.CLOSED) {
            throw target.inbound().rejection(result);
        }
        if (result < 0) {
            throw noRoom(target.name() + "'s ring is full and its backlog holds a ring's worth for " + what
                + " (an Exec thread does not park)");
        }
    }

    /** The open Exec with the shortest ring; throws the rejection if every Exec is shut down. */
    private Exec shallowest() {
        Exec best = null;
        for (Exec exec : execs) {
            if (!exec.isShutdown() && (best == null || exec.depth() < best.depth())) {
                best = exec;
            }
        }
        if (best == null) {
            throw allShutDown();
        }
        return best;
    }

    /**
     * One attempt, never blocking and never running the task here.
     *
     * @return {@code true} if the task was enqueued, {@code false} if the chosen Exec had no room
     * @throws NullPointerException if task is null
     * @throws RejectedExecutionException if the group is shut down
     * @throws IllegalStateException if the balancer returned an index outside the group
     */
    public boolean trySubmit(Runnable task) {
        Objects.requireNonNull(task, "task");
        Exec exec = choose(task);
        if (exec == null) {
            return false;
        }
        int result = exec.offer(movable ? new Donor.Movable(task) : task); // movable: one small object per submit
        if (result == Exec.CLOSED) {
            if (retired(exec)) {
                return trySubmit(task); // a standby Exec that just retired: pick again (it left the list)
            }
            throw exec.inbound().rejection(result);
        }
        return result >= 0;
    }

    /** A CLOSED from {@code exec} means "a standby Exec that retired meanwhile" (pick again), not "shut down". */
    private boolean retired(Exec exec) {
        return standby != null && standby.isStandby(exec) && !isShutdown();
    }

    /** Retries until enqueued or the timeout passes, asking the balancer each time. Not on an Exec thread. */
    private void blockUnkeyed(Runnable task) {
        block(() -> trySubmit(task));
    }

    /**
     * Retries {@code attempt} until it succeeds or the backpressure timeout passes: a few spins, then, while every
     * ring is at least half full, parked until a consumer has drained half of its ring ({@link RoomWait}: the
     * consumer wakes it; at most {@link #ROOM_SLICE_NANOS} per park), otherwise park backoff (1 µs doubling to 1 ms).
     */
    private void block(BooleanSupplier attempt) {
        final long deadline = System.nanoTime() + backpressure.timeoutNanos;
        long backoff = 1_000;
        for (int spins = 0; ; spins++) {
            if (attempt.getAsBoolean()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw noRoom("no room within " + backpressure);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw noRoom("interrupted while blocked for room");
            }
            if (spins < BLOCK_SPINS) {
                Thread.onSpinWait();
            } else if (!RoomWait.park(execs, Math.min(ROOM_SLICE_NANOS, left))) {
                LockSupport.parkNanos(this, Math.min(backoff, left));
                backoff = Math.min(backoff << 1, MAX_BACKOFF_NANOS);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ async tasks

    /**
     * Starts {@code task} on the Exec the balancer picks (it sees the task's run-queue entry). When there is no room
     * the group's {@link Backpressure} applies, except that an async task never runs on the caller: under
     * {@link Backpressure#callerRuns()} it is rejected.
     *
     * @return the task's handle (see {@link Exec#spawn(AsyncTask)})
     * @throws RejectedExecutionException if the group is shut down or there was no room
     * @throws IllegalStateException if the task was already spawned, or the balancer returned a bad index
     */
    public TaskHandle spawn(AsyncTask task) {
        Objects.requireNonNull(task, "task");
        place(task.step, exec -> exec.spawn(task), task);
        return task.handle();
    }

    /**
     * Starts {@code task} on the Exec that owns {@code key} ({@link #indexFor(long)}), never another one: its first
     * poll comes after every keyed submission of that key that happens before this one (as
     * {@link #execute(long, Runnable)}: through the ring, from the key's own Exec too); later polls follow its
     * wakes. No room: as {@link #execute(long, Runnable)}.
     *
     * @return the task's handle (see {@link Exec#spawn(AsyncTask)})
     * @throws RejectedExecutionException if that Exec is shut down, or there was no room (the task is left unspawned)
     * @throws IllegalStateException if the task was already spawned
     */
    public TaskHandle spawn(long key, AsyncTask task) {
        Objects.requireNonNull(task, "task");
        task.bind(execFor(key), false); // throws if spawned already; the ring entry is the pending first poll
        try {
            executeKeyed(key, task.step);
        } catch (RuntimeException refused) {
            task.unbind(); // never armed: no waker reaches the refusing Exec
            throw refused;
        }
        return task.handle();
    }

    /**
     * Runs {@code body} on the Exec the balancer picks and returns a {@link Promise} of the stage it returns (see
     * {@link Exec#spawn(Supplier)}). The balancer sees a placeholder task (there is no Runnable to route on): to
     * route by key, use {@link #spawn(long, Supplier)}. No room: as {@link #execute(Runnable)}, except that the body
     * never runs on the caller: under {@link Backpressure#callerRuns()} it is rejected.
     */
    public <T> Promise<T> spawn(Supplier<? extends CompletionStage<T>> body) {
        Objects.requireNonNull(body, "body");
        return placeEntry(exec -> new StagePromise<T>(exec, body), body);
    }

    /**
     * Runs {@code work} on an Exec the balancer picks; a {@link Promise} of its result. The balancer sees a
     * placeholder; to route by key, use {@link #submit(long, Callable)}. No room: as {@link #spawn(Supplier)}.
     */
    public <T> Promise<T> submit(Callable<T> work) {
        Objects.requireNonNull(work, "work");
        return placeEntry(exec -> new CallPromise<T>(exec, work), work);
    }

    /**
     * {@link #spawn(Supplier)} on the Exec that owns {@code key} ({@link #indexFor(long)}), never another one, in
     * per-key order with every other keyed submission of that key. No room: as {@link #execute(long, Runnable)}.
     *
     * @throws RejectedExecutionException if that Exec is shut down, or there was no room
     */
    public <T> Promise<T> spawn(long key, Supplier<? extends CompletionStage<T>> body) {
        Objects.requireNonNull(body, "body");
        StagePromise<T> promise = new StagePromise<>(execFor(key), body); // one object: the promise is the task
        executeKeyed(key, promise);
        return promise;
    }

    /**
     * {@link #submit(Callable)} on the Exec that owns {@code key}, in per-key order with every other keyed
     * submission of that key. No room: as {@link #execute(long, Runnable)}.
     *
     * @throws RejectedExecutionException if that Exec is shut down, or there was no room
     */
    public <T> Promise<T> submit(long key, Callable<T> work) {
        Objects.requireNonNull(work, "work");
        CallPromise<T> promise = new CallPromise<>(execFor(key), work); // one object: the promise is the task
        executeKeyed(key, promise);
        return promise;
    }

    /**
     * A promise-task made for the Exec the balancer picks; no room: the backpressure (an Exec thread joins a
     * backlog instead of parking; caller-runs rejects).
     */
    private <P extends Runnable> P placeEntry(Function<Exec, P> entryFor, Object what) {
        Exec exec = choose(NO_RUNNABLE);
        if (exec != null) {
            P entry = entryFor.apply(exec);
            int result = exec.offer(entry);
            if (result >= 0) {
                return entry; // fast path: one object
            }
            if (result == Exec.CLOSED) {
                if (retired(exec)) {
                    return placeEntry(entryFor, what); // a standby Exec that just retired: pick again
                }
                throw exec.inbound().rejection(result);
            }
        }
        if (backpressure.kind != Backpressure.Kind.BLOCK) {
            throw noRoom("no Exec had room for " + what);
        }
        if (!Hosting.mayWaitForRoom()) {
            Exec target = exec != null ? exec : shallowest();
            P entry = entryFor.apply(target);
            joinBacklog(target, entry, what);
            return entry;
        }
        List<P> placed = new ArrayList<>(1);
        block(() -> {
            Exec e = choose(NO_RUNNABLE);
            if (e == null) {
                return false;
            }
            P entry = entryFor.apply(e);
            int result = e.offer(entry);
            if (result == Exec.CLOSED && !retired(e)) {
                throw e.inbound().rejection(result);
            }
            return result >= 0 && placed.add(entry);
        });
        return placed.get(0);
    }

    // --------------------------------------------------------------------------------------------- levels/lanes

    /**
     * Runs {@code task} in {@code lane} of the Exec the balancer picks (the group's Execs share one {@link Levels},
     * set through {@link Builder#execSettings}). No room: the group's backpressure, except caller-runs rejects.
     *
     * @throws IllegalStateException if the Execs have no levels
     * @throws IllegalArgumentException if the lane is not part of them
     */
    public void execute(Lane lane, Runnable task) {
        execute(lane, 0L, task);
    }

    /** {@link #execute(Lane, Runnable)} with a deadline for deadline-ordered lanes. */
    public void execute(Lane lane, long deadlineNanos, Runnable task) {
        Objects.requireNonNull(task, "task");
        if (movable) { // work balancing: un-keyed, so a donation may take it to a sibling, into the same lane
            place(task, exec -> exec.executeMovable(lane, deadlineNanos, task), task);
            return;
        }
        place(task, exec -> exec.execute(lane, deadlineNanos, task), task);
    }

    /**
     * Runs {@code task} in {@code lane} on the Exec that owns {@code key}, never another one, in per-key order
     * with the key's other submissions to that lane (as {@link #execute(long, Runnable)}: through the ring, from
     * the key's own Exec too). No room: as {@link #execute(long, Runnable)}.
     *
     * @throws IllegalStateException if the Execs have no levels
     * @throws IllegalArgumentException if the lane is not part of them
     */
    public void execute(Lane lane, long key, long deadlineNanos, Runnable task) {
        Objects.requireNonNull(task, "task");
        Exec target = execFor(key);
        Levels levels = target.levels();
        if (levels == null) {
            throw new IllegalStateException(target.name() + " was built without Levels: no lanes to submit to");
        }
        executeKeyed(key, new LevelScheduler.Routed(levels.indexOf(lane), deadlineNanos, task));
    }

    /** Starts {@code task} in {@code lane} on the Exec the balancer picks; returns its handle. */
    public TaskHandle spawn(Lane lane, AsyncTask task) {
        Objects.requireNonNull(task, "task");
        place(task.step, exec -> exec.spawn(lane, task), task);
        return task.handle();
    }

    /**
     * {@link Exec#spawn(Lane, Supplier)} on the Exec the balancer picks (it sees a placeholder task). No room: the
     * group's backpressure, except caller-runs rejects.
     *
     * @throws IllegalStateException if the Execs have no levels
     * @throws IllegalArgumentException if the lane is not part of them
     */
    public <T> Promise<T> spawn(Lane lane, Supplier<? extends CompletionStage<T>> body) {
        Objects.requireNonNull(body, "body");
        List<Promise<T>> placed = new ArrayList<>(1);
        place(NO_RUNNABLE, exec -> placed.add(exec.spawn(lane, body)), body);
        return placed.get(0);
    }

    /**
     * {@link Exec#submit(Lane, Callable)} on the Exec the balancer picks. No room: as {@link #spawn(Lane, Supplier)}.
     *
     * @throws IllegalStateException if the Execs have no levels
     * @throws IllegalArgumentException if the lane is not part of them
     */
    public <T> Promise<T> submit(Lane lane, Callable<T> work) {
        Objects.requireNonNull(work, "work");
        List<Promise<T>> placed = new ArrayList<>(1);
        place(NO_RUNNABLE, exec -> placed.add(exec.submit(lane, work)), work);
        return placed.get(0);
    }

    /**
     * Graceful close as a stage (smartpool's close future): every Exec closes as {@link Exec#closeAsync()} does —
     * complete-on-close lanes run to the end, suspended tasks included; the others' queued tasks are handed back
     * (Exec by Exec, in index order) and their suspended tasks cancelled. Submits after this are rejected.
     */
    public CompletableFuture<List<Runnable>> closeAsync() {
        List<CompletableFuture<List<Runnable>>> parts = new ArrayList<>(execs.length);
        for (Exec exec : execs) {
            parts.add(exec.closeAsync());
        }
        return concat(parts);
    }

    /**
     * A handle that submits to this group exactly as the group does (its balancer, backpressure and keys) but cannot
     * stop it: give it to code that should only submit (see {@link Submitter}). A new small object per call.
     */
    public Submitter submitter() {
        return new GroupSubmitter(this);
    }

    /**
     * A structured scope over this group: children spawned through it run on the group's Execs, and closing it
     * waits for all of them (see {@link Scope}).
     */
    public Scope scope() {
        return new Scope(this);
    }

    /**
     * Runs {@code body} with a new {@link Scope} of this group, then waits for every child (smolscale's Nursery). An
     * exception thrown by the body cancels the children (each on its own Exec), waits for them to stop, and is
     * rethrown with their failures suppressed into it; without one, the scope closes as {@link Scope#close()} does.
     *
     * @throws X what the body threw
     * @throws RuntimeException the first child failure, as {@link Scope#close()} throws it
     * @throws BlockingOperationException if called on an Exec's thread (before the body runs): use {@link #scope()}
     *     and {@link Scope#join()} there
     */
    public <X extends Exception> void scope(Scope.Body<X> body) throws X {
        Scope.run(this, body);
    }

    /**
     * Puts work on the Exec the balancer picks for {@code probe}. When there is no room the group's backpressure
     * applies, except that it never runs on the caller (async work must run on an Exec): caller-runs rejects.
     */
    private void place(Runnable probe, Consumer<Exec> onto, Object what) {
        BooleanSupplier attempt = () -> {
            Exec exec = choose(probe);
            if (exec == null) {
                return false;
            }
            try {
                onto.accept(exec);
                return true;
            } catch (RejectedExecutionException full) {
                if (exec.isShutdown() && !retired(exec)) {
                    throw full;
                }
                return false; // ring full (or a standby Exec retired): another pick, or the backpressure policy
            }
        };
        if (!attempt.getAsBoolean()) {
            if (backpressure.kind != Backpressure.Kind.BLOCK) {
                throw noRoom("no Exec had room for " + what);
            }
            if (!Hosting.mayWaitForRoom()) {
                throw noRoom("no Exec had room for " + what + " (an Exec thread does not park)");
            }
            block(attempt);
        }
    }

    /** The balancer's pick, or {@code null} for NONE; throws if the group is shut down or the index is bad. */
    private Exec choose(Runnable probe) {
        // corepin's wrappers (a scheduler's tracked task, a scope child): the balancer sees the user's task
        int index = balancer.select(probe instanceof WrapsTask ? ((WrapsTask) probe).userTask() : probe, targets);
        if (index == LoadBalancer.NONE) {
            for (Exec exec : execs) {
                if (!exec.isShutdown()) {
                    return null; // no room now: the backpressure applies
                }
            }
            throw allShutDown();
        }
        if (index < 0 || index >= execs.length) {
            throw new IllegalStateException("load balancer " + balancer + " returned " + index
                + " for a group of " + execs.length + " Execs (valid: 0.." + (execs.length - 1) + " or NONE)");
        }
        final Exec picked = execs[index];
        return detour && picked.stalledNow() ? detour(index) : picked;
    }

    /**
     * The stall detour: the next Exec after {@code stalled} in index order (wrapping) that is open and not stalled;
     * if there is none, the stalled one (its ring holds the work until the task returns, as without the detour).
     */
    private Exec detour(int stalled) {
        for (int i = 1; i < execs.length; i++) {
            final Exec e = execs[(stalled + i) % execs.length];
            if (e.isOpenAndNotStalled()) {
                return e;
            }
        }
        final Exec spare = standby != null ? standby.pick() : null; // every Exec is stalled: a standby one
        return spare != null ? spare : execs[stalled];
    }

    /**
     * The standby Execs running now ({@link Builder#standby}): started while every Exec of the group was stalled,
     * each ending itself once idle. Empty without standby, or when none is needed. Any thread, a snapshot.
     */
    public List<Exec> standbyExecs() {
        return standby == null ? List.of() : standby.execs();
    }

    private RejectedExecutionException allShutDown() {
        return new RejectedExecutionException("ExecGroup (" + execs.length + " Execs) is shut down: every Exec is");
    }

    private RejectedExecutionException noRoom(String why) {
        return new RejectedExecutionException("ExecGroup (" + execs.length + " Execs, " + balancer + ", "
            + backpressure + "): " + why);
    }

    // ---------------------------------------------------------------------------------------------------- routing

    /**
     * The index of the Exec that owns {@code key}: fixed for the life of the group, the same for equal keys —
     * {@link LoadBalancer#indexFor(long, int) LoadBalancer.indexFor(key, size())}, where a
     * {@link LoadBalancer#keyHash} balancer puts a task with that key.
     */
    public int indexFor(long key) {
        return LoadBalancer.indexFor(key, execs.length);
    }

    /** The Exec that owns {@code key}. */
    public Exec execFor(long key) {
        return execs[indexFor(key)];
    }

    /** Number of Execs. */
    public int size() {
        return execs.length;
    }

    /**
     * The Exec at {@code index}.
     *
     * @throws IndexOutOfBoundsException if index is outside {@code [0, size())}
     */
    public Exec exec(int index) {
        return execs[Objects.checkIndex(index, execs.length)];
    }

    /** Tasks waiting in the ring of the Exec at {@code index} (a snapshot). */
    public int depth(int index) {
        return execs[index].depth();
    }

    /** The view {@link #execute(Runnable)} hands the balancer (for {@link ExecScheduler}'s timer placement). */
    Targets targets() {
        return targets;
    }

    /** The affinity plan the Execs were started with. */
    public AffinityPlan plan() {
        return plan;
    }

    // -------------------------------------------------------------------------------------------------- closing

    /** Shuts every Exec down (see {@link Exec#shutdown()}); returns at once. */
    public void shutdown() {
        for (Exec exec : execs) {
            exec.shutdown();
        }
        for (Exec exec : standbys()) {
            exec.shutdown();
        }
    }

    /** Standby Execs the lifecycle must reach; closes the standby to new ones first. */
    private List<Exec> standbys() {
        if (standby == null) {
            return List.of();
        }
        standby.close(); // no new ones: a start racing this is in the list below (both under its lock)
        return standby.unterminated();
    }

    /**
     * Stops every Exec after its current task. The future completes with every accepted task that did not run, Exec
     * by Exec in index order.
     */
    public CompletableFuture<List<Runnable>> shutdownNow() {
        List<CompletableFuture<List<Runnable>>> parts = new ArrayList<>(execs.length);
        for (Exec exec : execs) {
            parts.add(exec.shutdownNow());
        }
        for (Exec exec : standbys()) {
            parts.add(exec.shutdownNow()); // after the group's own, in start order
        }
        return concat(parts);
    }

    /** The Execs' hand-back lists, in index order, once all have completed. */
    private static CompletableFuture<List<Runnable>> concat(List<CompletableFuture<List<Runnable>>> parts) {
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
            List<Runnable> all = new ArrayList<>();
            for (CompletableFuture<List<Runnable>> part : parts) {
                all.addAll(part.join());
            }
            return all;
        });
    }

    /** Waits up to the timeout for every Exec to exit; {@code true} if all did. A timeout {@code <= 0} does not wait. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + Math.max(0, unit.toNanos(timeout)); // clamp: a negative one wraps
        for (Exec exec : execs) {
            if (!exec.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        for (Exec exec : standby == null ? List.<Exec>of() : standby.unterminated()) {
            if (!exec.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    /** Shuts every Exec down, lets each run everything it accepted, and waits for all of them. */
    @Override
    public void close() {
        shutdown();
        for (Exec exec : execs) {
            exec.close();
        }
        for (Exec exec : standbys()) {
            exec.close();
        }
    }

    /**
     * {@code true} once shutdown or shutdownNow was called on the group or on any of its Execs: from then on not
     * every submission can be accepted (keyed work for a shut-down Exec is refused).
     */
    public boolean isShutdown() {
        for (Exec exec : execs) {
            if (exec.isShutdown()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ExecGroup{").append(balancer).append(", ").append(backpressure);
        for (Exec exec : execs) {
            sb.append(", ").append(exec.name()).append("@cpu").append(exec.cpu());
        }
        return sb.append('}').toString();
    }

    /**
     * The balancer's view of a group: its Execs' number, ring depths, parked flags and which one is pinned to the
     * caller's CPU. A class of its own (not the group itself), so a balancer can neither cast its way to the Execs
     * nor submit to them.
     */
    private static final class Rings implements Targets {
        private final Exec[] execs;
        /** Index of the Exec pinned to each CPU id ({@code -1}: none), up to the highest pinned CPU. */
        private final int[] execOnCpu;

        Rings(Exec[] execs) {
            this.execs = execs;
            int highest = -1;
            for (Exec exec : execs) {
                highest = Math.max(highest, exec.cpu());
            }
            execOnCpu = new int[highest + 1];
            Arrays.fill(execOnCpu, -1);
            for (int i = 0; i < execs.length; i++) {
                if (execs[i].cpu() >= 0) {
                    execOnCpu[execs[i].cpu()] = i;
                }
            }
        }

        @Override
        public int size() {
            return execs.length;
        }

        @Override
        public int depth(int index) {
            return execs[index].depth();
        }

        @Override
        public boolean parked(int index) {
            return execs[index].inbound().isParked();
        }

        @Override
        public int local() {
            if (execOnCpu.length == 0) {
                return -1; // no Exec pinned: no CPU to read
            }
            final int cpu = Pinning.currentCpu();
            return cpu >= 0 && cpu < execOnCpu.length ? execOnCpu[cpu] : -1;
        }

        @Override
        public String toString() {
            return execs.length + " Execs";
        }
    }

    /** Settings for an {@link ExecGroup}. {@link #build()} starts all of its Execs. */
    public static final class Builder {
        private int execs = -1;
        private AffinityPlan plan;
        private LoadBalancer balancer = LoadBalancer.wakeLocal();
        private Backpressure backpressure = Backpressure.reject();
        private Exec.Builder template = Exec.builder().name("corepin");
        private WorkBalancing balancing = WorkBalancing.off();
        private boolean detourStalled = true;
        private boolean rescueStalled = true;
        private int standbyMax;
        private long standbyIdleNanos;

        private Builder() {
        }

        /**
         * Number of Execs, pinned by {@link AffinityPlan#auto(int)} unless {@link #affinity} is also given (then the
         * counts must agree).
         *
         * @throws IllegalArgumentException naming the value if {@code count < 1}
         */
        public Builder execs(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("an ExecGroup needs at least 1 Exec, got " + count);
            }
            this.execs = count;
            return this;
        }

        /** Which CPU each Exec gets; also sets the number of Execs. */
        public Builder affinity(AffinityPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /**
         * Routing of un-keyed submissions (default {@link LoadBalancer#wakeLocal()}: round robin, except that a
         * parked pick gives way to the parked Exec on the submitting thread's CPU).
         */
        public Builder balancer(LoadBalancer balancer) {
            this.balancer = Objects.requireNonNull(balancer, "balancer");
            return this;
        }

        /** What to do when there is no room (default {@link Backpressure#reject()}). */
        public Builder backpressure(Backpressure backpressure) {
            this.backpressure = Objects.requireNonNull(backpressure, "backpressure");
            return this;
        }

        /**
         * Settings every Exec of the group starts with (ring capacity, turn sizes, idle strategy, error handler);
         * its name becomes the prefix of {@code name-0}, {@code name-1}, ...; its CPU is replaced by the plan's.
         */
        public Builder execSettings(Exec.Builder template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /** Whether overloaded Execs push un-keyed work to idle siblings (default {@link WorkBalancing#off()}). */
        public Builder workBalancing(WorkBalancing balancing) {
            this.balancing = Objects.requireNonNull(balancing, "balancing");
            return this;
        }

        /**
         * Whether un-keyed submissions go around a stalled Exec (default {@code true}). An Exec is stalled from the
         * moment the stall guard reports its running task ({@link Exec.Builder#stallThreshold}: after the threshold
         * plus up to half of it) until that task returns. Meanwhile, when the balancer picks it for un-keyed work
         * ({@link #execute(Runnable)}, {@link #trySubmit}, {@code spawn} and {@code submit} without a key, lane
         * submits without a key), the group takes the next Exec in index order that is open and not stalled; if
         * every Exec is stalled, the balancer's pick. Keyed work always goes to its key's Exec and waits behind the
         * stalled task, in order; so does work that was already in the stalled Exec's ring (nothing is taken back
         * out of a ring: the stall report says how much waits). Execs without a stall guard (threshold 0) are never
         * stalled. {@code false}: the balancer's pick always, as before. Costs one load per un-keyed submit.
         */
        public Builder detourStalled(boolean detour) {
            this.detourStalled = detour;
            return this;
        }

        /**
         * Whether un-keyed work already queued behind a stalled task moves to siblings (default {@code true}; with
         * {@link #detourStalled} — which sends new work around — no un-keyed task waits for a stalled one long).
         * While the stall guard has the task reported (see {@link #detourStalled}), it takes, once at the report
         * and again every guard period while the task runs, the un-keyed group submissions ({@link
         * #execute(Runnable)}, {@link #trySubmit}, lane submits without a key) waiting in the stalled Exec's ring
         * out of it and pushes them to the open, not stalled siblings with the most room — each task runs exactly
         * once, wherever it ends up ({@link Exec#rescued()} counts them). What stays, in order: keyed work, work
         * submitted to the Exec itself, async tasks and promise steps bound to it, and the rest of the stalled
         * task's own drain (up to {@link Exec.Builder#ringBurst} − 1 entries); with levels, what the Exec had
         * already taken into its lanes. The owner loop pays an opaque store and a plain load per drain, no fence
         * and no atomic: the guard's side of the hand-over is a {@code membarrier(2)} system call (see
         * {@link io.corepin.affinity.Membarrier}), so it needs Linux 4.14 or later; elsewhere nothing is moved. A
         * group with rescue on wraps each un-keyed submission (16 bytes), as work balancing does; {@code false}
         * submits it as is. A group of one Exec rescues only to standby Execs ({@link #standby}).
         */
        public Builder rescueStalled(boolean rescue) {
            this.rescueStalled = rescue;
            return this;
        }

        /**
         * Standby Execs (default none; {@link Corepin#global()} has them): while every Exec of the group is stalled
         * (see {@link #detourStalled}), un-keyed work goes to a standby Exec — an unpinned Exec of the group's
         * settings, named {@code <name>-standby-<n>}, started on demand, up to {@code max} at a time — and the stall
         * rescue moves queued work there when no sibling has room. Each ends itself (a graceful shutdown) once it has
         * not been picked for {@code idle} and its ring is empty, checked every quarter of that (at least 10 ms). The
         * group's own Execs stay pinned and keep their keys: keyed work never goes to a standby Exec. The group's
         * shutdown, shutdownNow (their unrun tasks after the group's own), awaitTermination and close reach them;
         * {@link ExecGroup#standbyExecs()} lists the running ones. Needs the detour (on by default) to be used.
         *
         * @throws IllegalArgumentException naming the value if {@code max < 0} or {@code idle} is not positive
         */
        public Builder standby(int max, Duration idle) {
            if (max < 0) {
                throw new IllegalArgumentException("standby max must be >= 0, got " + max);
            }
            Objects.requireNonNull(idle, "idle");
            if (idle.isNegative() || idle.isZero()) {
                throw new IllegalArgumentException("standby idle time must be positive, got " + idle);
            }
            this.standbyMax = max;
            this.standbyIdleNanos = idle.toNanos();
            return this;
        }

        /**
         * Starts every Exec; if one fails to start, the ones already started are closed and the failure is thrown.
         *
         * @throws IllegalArgumentException if both {@link #execs} and {@link #affinity} were given and disagree
         */
        public ExecGroup build() {
            AffinityPlan p = plan;
            if (p == null) {
                p = AffinityPlan.auto(execs > 0 ? execs : Runtime.getRuntime().availableProcessors());
            } else if (execs > 0 && execs != p.execCount()) {
                throw new IllegalArgumentException(
                    "execs(" + execs + ") disagrees with the affinity plan's " + p.execCount() + " Execs");
            }
            Exec[] started = new Exec[p.execCount()];
            String prefix = template.name();
            try {
                for (int i = 0; i < started.length; i++) {
                    started[i] = Exec.start(template, prefix + "-" + i, p.cpuFor(i), balancing);
                }
            } catch (RuntimeException | Error e) {
                for (Exec exec : started) {
                    if (exec != null) {
                        exec.shutdownNow();
                    }
                }
                throw e;
            }
            return new ExecGroup(started, balancer, backpressure, p, balancing, detourStalled, rescueStalled,
                standbyMax > 0 ? new Standby(template, standbyMax, standbyIdleNanos) : null);
        }
    }
}
