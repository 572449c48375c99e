package io.corepin;

import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A task that can wait without blocking its core: the owning {@link Exec} calls {@link #poll()}, which either
 * finishes ({@code true}) or arranges to be woken — hands {@code this} (its own {@link Waker}) to a channel, a timer,
 * another task — and returns {@code false}. A subclass is a state machine; written with fields instead of captured
 * variables it runs without allocating.
 *
 * <pre>{@code
 * final class Sum extends AsyncTask {
 *     private final Channel<Integer> in;
 *     private long total;
 *     protected boolean poll() {
 *         for (Integer v; (v = in.recv(this)) != null; ) total += v;
 *         return in.isDrained();          // false: recv registered this task's waker
 *     }
 * }
 * exec.spawn(new Sum(channel));
 * }</pre>
 *
 * <h2>Waking</h2>
 * {@link #wake()} may be called from any thread, any number of times:
 * <ul>
 *   <li>woken N times before it is polled, the task is polled once (wakes are merged);
 *   <li>a wake while it is being polled makes it be polled once more afterwards (nothing is missed);
 *   <li>a wake after it finished is a no-op; a wake after its Exec closed loses nothing — the close already
 *       accounted for the task (ran it to the end, or cancelled it through {@link #onCancel()}).
 * </ul>
 * On the owning Exec's thread a wake is a plain append to the local run queue (no atomic instruction). From another
 * thread it is one atomic swap on this task's wake token and, for the first wake since the last poll only, one ring
 * enqueue (plus an unpark when the Exec sleeps). The poll that follows a cross-thread wake pays one atomic swap to
 * re-arm that token — the owner's half of the handshake, which makes everything the waker wrote before
 * {@code wake()} visible to the poll; tasks woken only on their own Exec never touch it.
 *
 * <p>Only an Exec that accepted the task arms the token, and a waker reads which Exec to enqueue on only after
 * taking it: so a wake racing a spawn that the Exec refuses (the task is left unspawned, and may be spawned
 * elsewhere) never reaches the refusing Exec.
 *
 * <h2>Closing</h2>
 * A graceful {@link Exec#shutdown()} keeps polling suspended tasks until they finish; {@link Exec#shutdownNow()}
 * cancels every unfinished task: its {@link #onCancel()} runs on the Exec's thread and it is never polled again.
 *
 * <p>A task is spawned once ({@link Exec#spawn(AsyncTask)}); spawning it again throws. The spawn returns the task's
 * {@link TaskHandle}: wait for its end, or cancel it from any thread (its {@link #onCancel()} then runs on its Exec).
 */
public abstract class AsyncTask implements Waker {
    private static final VarHandle WAKE_TOKEN =
        VarHandles.field(MethodHandles.lookup(), AsyncTask.class, "wakeToken", int.class);
    private static final VarHandle END =
        VarHandles.field(MethodHandles.lookup(), AsyncTask.class, "end", int.class);
    private static final VarHandle END_PROMISE =
        VarHandles.field(MethodHandles.lookup(), AsyncTask.class, "endPromise", TaskEnd.class);

    /** Values of {@link #end}: not ended; poll returned {@code true}; poll threw; cancelled. */
    static final int RUNNING = 0;
    static final int COMPLETED = 1;
    static final int FAILED = 2;
    static final int CANCELLED = 3;


    /**
     * What the run queues hold for this task: its poll step (allocated once, with the task), or for a
     * {@link StageTask} the {@link StagePromise} it waits for, which runs {@link #runStep()} once its body has run.
     */
    final Runnable step;

    /**
     * Written before the task is published to its Exec (ring release store or owner thread); reset only by a spawn
     * the Exec refused (which never armed {@link #wakeToken}), so final once an Exec accepted the task.
     */
    private Exec exec;
    /**
     * The cross-thread wake token. 1 (armed): an Exec accepted the task and no cross-thread poll is pending; the
     * next cross-thread waker swaps it to 0 and enqueues one poll. 0: not spawned, refused, or a poll is pending
     * (a remote spawn's entry counts as one); wakers swap 0 for 0 and merge with it. Only the owner arms it (release
     * store at a local spawn, swap as a poll begins), so a waker that took it reads the accepting Exec in
     * {@link #exec}.
     */
    private volatile int wakeToken;
    // Owner-thread state: plain fields, read and written only on the owning Exec's thread.
    private boolean queued;
    private boolean done;
    private boolean polling;
    /** Woken on its own Exec during its poll: queued once the poll returns (after the followup rule applied). */
    private boolean wokenWhilePolling;
    /** Links in the owning Exec's {@link LiveTasks} (to cancel them on shutdownNow); written only here. */
    private AsyncTask prevLive;
    private AsyncTask nextLive;
    private boolean live;
    /** With levels: the lane its next poll is queued in (-1: the default). Owner thread after spawn. */
    private int lane = -1;
    /**
     * How the task ended ({@link #RUNNING} until then), for its {@link TaskHandle}. Written once, by the owner, with
     * a release store (a volatile one while the Exec finishes: see {@link #ended}); read plainly by the owner, with
     * an acquire or volatile load elsewhere.
     */
    private int end;
    /** The throwable a poll threw ({@link #FAILED}): plain, written before {@link #end} and read after it. */
    private Throwable endFailure;
    /**
     * The handle's promise, made by the first {@link TaskHandle#done()} (any thread, one CAS), or null: nobody asked.
     * Volatile: the owner reads it before each poll and at the end (a plain mov on x86).
     */
    private volatile TaskEnd endPromise;

    /** For subclasses. */
    protected AsyncTask() {
        step = new Step(this);
    }

    /**
     * For {@link StageTask}: {@code entry} is its run-queue entry, an object that already exists (its promise), so the
     * task costs no {@code Step}. {@code entry.run()} must call {@link #runStep()}, its {@code onStop()}
     * {@link #cancel()}. Such a task has no {@link TaskHandle}: it is spawned with {@code OwnerLoop.spawnTaskLocal}.
     */
    AsyncTask(ExecEntry entry) {
        step = Objects.requireNonNull(entry, "entry");
    }

    /**
     * One step, on the owning Exec's thread.
     *
     * @return {@code true} when the task has finished; {@code false} when it is waiting, after arranging for
     *     {@link #wake()} to be called once it can make progress (or calling it already, to yield). A task that
     *     returns {@code false} without arranging a wake is never polled again (until a graceful shutdown, which
     *     waits for it, is cut short by {@link Exec#shutdownNow()}).
     * @throws RuntimeException counted and passed to the Exec's {@link TaskErrorHandler}; the task is then finished
     */
    protected abstract boolean poll();

    /**
     * Called on the owning Exec's thread, at most once, when {@link Exec#shutdownNow()} finds the task unfinished.
     * It is not polled again. It runs with the thread's interrupt flag cleared (shutdownNow interrupts the thread);
     * the flag is restored afterwards. Default: nothing. Exceptions are logged.
     */
    protected void onCancel() {
    }

    /**
     * Asks for another {@link #poll()}; see the class comment for the guarantees. A wake before the task was
     * spawned is a no-op (spawning polls it anyway).
     */
    @Override
    public final void wake() {
        final Exec e = exec; // plain, maybe stale (a spawn racing): only decides whether this is the owner thread
        if (e != null && e.inEventLoop() && (live || done)) { // plain: owner-only fields; false until its first
            wakeLocal(e);                                       // poll for a task spawned from another thread
        } else if ((int) WAKE_TOKEN.getAndSet(this, 0) == 1) {
            // getAndSet (always a write, so the owner's re-arm reads from it and sees what we wrote before): the
            // first cross-thread wake since the last poll makes one ring enqueue (or goes to the overflow). Read
            // exec only now: the token was armed by the Exec that accepted the task, after it was bound there
            exec.inbound().enqueueWake(step);
        }
    }

    /** Owner thread: plain append, merged with any wake already queued. */
    private void wakeLocal(Exec e) {
        if (done || queued) { // plain: owner-only fields
            return;
        }
        if (polling) {
            wokenWhilePolling = true;
            return;
        }
        queued = true;
        e.loop().queueLocal(step);
    }

    /** The Exec this task was spawned on, or {@code null} before {@link Exec#spawn(AsyncTask)}. */
    public final Exec exec() {
        return exec;
    }

    /** Whether the task finished or was cancelled. Exact on the owning Exec's thread; a hint elsewhere. */
    public final boolean isDone() {
        return done;
    }

    // ------------------------------------------------------------------------------------------- Exec internals

    /** Binds the task to {@code owner}; {@code local} when spawned on the owner's own thread. */
    final void bind(Exec owner, boolean local) {
        if (exec != null) {
            throw new IllegalStateException(this + " was already spawned on " + exec.name());
        }
        exec = owner;
        if (local) {
            queued = true; // plain: owner thread
            WAKE_TOKEN.setRelease(this, 1); // release (a plain mov): the owner arms the token; a taker sees exec
        }
        // remote: the token stays 0 until the owner's first poll re-arms it: the spawn's entry is the pending poll
        // that wakes until then merge with, and a refused spawn leaves no armed token behind
    }

    /** Undoes {@link #bind} after the Exec refused the task (the token was never armed: no waker enqueues on it). */
    final void unbind() {
        exec = null;
        queued = false;
    }

    /** What the run queues call: poll once per batch of wakes. Owner thread. */
    /** The poll step, for an entry given to {@link #AsyncTask(ExecEntry)} (owner thread). */
    final void runStep() {
        step();
    }

    private void step() {
        if (done) {
            return;
        }
        // acquire load first: entries for local wakes and stale entries cost no atomic instruction
        final boolean remote = (int) WAKE_TOKEN.getAcquire(this) == 0
            && (int) WAKE_TOKEN.getAndSet(this, 1) == 0; // RMW: reads from the last waker's write (happens-before
                                                       // poll), and a waker after it takes the token and enqueues
        if (!queued && !remote) {
            return; // a stale entry: the wake it stood for was served by an earlier poll
        }
        queued = false;
        final Exec e = exec;
        final TaskEnd handle = endPromise; // volatile load (a plain mov on x86): null unless a handle was asked for
        if (handle != null && handle.isDone()) {
            cancelByHandle(); // decided from outside before this poll began: the poll does not begin
            return;
        }
        e.loop().linkLive(this);
        boolean finished = true;
        Throwable thrown = null;
        polling = true;
        try {
            finished = poll();
        } catch (Throwable t) {
            thrown = t;
            throw t; // to the error handler (runTask)
        } finally {
            polling = false;
            if (finished) { // also when poll threw: the failure goes to the error handler, the task is over
                done = true;
                wokenWhilePolling = false;
                e.loop().unlinkLive(this);
                ended(thrown == null ? COMPLETED : FAILED, thrown);
            } else {
                e.loop().suspended(this); // with levels: its next poll is queued in the followup lane
                if (wokenWhilePolling && !done) {
                    wokenWhilePolling = false;
                    queued = true;
                    e.loop().queueLocal(step);
                }
            }
        }
    }

    /** shutdownNow: mark finished and tell the subclass. Owner thread. */
    final void cancel() {
        if (done) {
            return;
        }
        done = true;
        // shutdownNow interrupts the Exec's thread, and a task may leave its interrupt set: onCancel runs with the
        // flag cleared (a blocking cleanup would fail at once otherwise), and the status is restored after it
        final boolean interrupted = Thread.interrupted();
        try {
            onCancel();
        } catch (Throwable t) {
            System.getLogger("io.corepin.AsyncTask").log(System.Logger.Level.WARNING,
                "onCancel of " + this + " threw", t);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        ended(CANCELLED, null); // after onCancel: a handle's waiters see the task's cleanup done
    }

    // ----------------------------------------------------------------------------------- the handle (TaskEnd)

    /** The handle {@link Exec#spawn(AsyncTask)} returns: this task's run-queue entry (no allocation). */
    final TaskHandle handle() {
        if (!(step instanceof TaskHandle)) {
            throw new IllegalStateException(this + " has no handle: its entry is " + step);
        }
        return (TaskHandle) step;
    }

    /**
     * Owner thread: the task ended ({@link #done} is set); tell the handle's promise, if anyone asked for one. While
     * the Exec finishes, a late {@link TaskEnd#onStop} may run on another thread at the same time: it installs the
     * promise (CAS) and then reads {@link #end} volatile, the owner stores {@link #end} volatile and then reads the
     * promise — so at least one of the two sees the other (Dekker). While the Exec runs, a promise installed after
     * the load below reaches the owner in the ring and reconciles there, so a release store suffices (a plain mov
     * on x86, and no StoreLoad fence on the owner's path).
     */
    private void ended(int how, Throwable failure) {
        endFailure = failure; // plain: published by the store of end
        if (exec.loop().isFinishing()) {
            END.setVolatile(this, how); // termination only: the Dekker store (a fence)
        } else {
            END.setRelease(this, how);
        }
        final TaskEnd handle = endPromise; // volatile load
        if (handle != null) {
            handle.completeWithEnd();
        }
    }

    /** The handle's promise was decided from outside and the task has not ended: stop it. Owner thread, not mid-poll. */
    final void cancelByHandle() {
        if (done) {
            return;
        }
        exec.loop().unlinkLive(this); // no longer counted: a graceful shutdown does not wait for it
        cancel();
    }

    /** {@link TaskHandle#done()}: the promise, made and installed on the first call (one CAS), sent to the Exec. */
    final Promise<Void> endPromise() {
        final TaskEnd existing = endPromise; // volatile
        if (existing != null) {
            return existing;
        }
        final TaskEnd fresh = new TaskEnd(exec, this); // exec: written before spawn returned the handle
        final TaskEnd witness = (TaskEnd) END_PROMISE.compareAndExchange(this, null, fresh); // CAS: once per task
        if (witness != null) {
            return witness;
        }
        if (exec.isOwnerLoop()) {
            fresh.run(); // the owner: reconcile now (an ended task completes it; else its end reads the field)
        } else {
            fresh.sendToExec(); // the owner reconciles: it may have read the field before the install
        }
        return fresh;
    }

    /** {@link TaskHandle#isDone()}. Any thread. */
    final boolean handleDone() {
        final TaskEnd handle = endPromise; // volatile
        return (int) END.getAcquire(this) != RUNNING || (handle != null && handle.isDone());
    }

    /** The end, by the owner (plain). */
    final int endOnOwner() {
        return (int) END.get(this);
    }

    /** The end, by any thread (volatile: see {@link #ended}). */
    final int endVolatile() {
        return (int) END.getVolatile(this);
    }

    /** What the poll threw; read after seeing {@link #FAILED}. */
    final Throwable endFailure() {
        return endFailure;
    }

    // ------------------------------------------------------------------------- LiveTasks' links (owner thread)

    final boolean isLive() {
        return live;
    }

    /** Links this task in front of {@code head}; returns the new head. */
    final AsyncTask linkBefore(AsyncTask head) {
        live = true;
        prevLive = null;
        nextLive = head;
        if (head != null) {
            head.prevLive = this;
        }
        return this;
    }

    /** Unlinks this task from the list that starts at {@code head}; returns the new head. */
    final AsyncTask unlink(AsyncTask head) {
        live = false;
        final AsyncTask prev = prevLive;
        final AsyncTask next = nextLive;
        if (prev != null) {
            prev.nextLive = next;
        } else {
            head = next;
        }
        if (next != null) {
            next.prevLive = prev;
        }
        prevLive = null;
        nextLive = null;
        return head;
    }

    final AsyncTask nextLive() {
        return nextLive;
    }

    /** With levels: the lane its next poll is queued in, -1 for the default. Owner thread (or before the spawn). */
    final int lane() {
        return lane;
    }

    final void lane(int lane) {
        this.lane = lane;
    }

    /** The task behind a run-queue entry, or {@code null} for a plain Runnable. */
    static AsyncTask of(Runnable entry) {
        if (entry instanceof Step) {
            return ((Step) entry).task;
        }
        return entry instanceof StagePromise ? ((StagePromise<?>) entry).waitingTask() : null;
    }

    @Override
    public String toString() {
        return getClass().getName() + '@' + Integer.toHexString(System.identityHashCode(this));
    }

    /** A run-queue entry standing for "poll this task"; also the task's {@link TaskHandle}. */
    private static final class Step implements ExecEntry, TaskHandle {
        final AsyncTask task;

        Step(AsyncTask task) {
            this.task = task;
        }

        @Override
        public void run() {
            task.step();
        }

        /** An async task cannot run elsewhere: it is cancelled, not handed back. */
        @Override
        public Runnable onStop() {
            task.cancel();
            return null;
        }

        @Override
        public boolean mustComplete() {
            return false;
        }

        @Override
        public Exec exec() {
            return task.exec();
        }

        @Override
        public Promise<Void> done() {
            return task.endPromise();
        }

        @Override
        public boolean cancel() {
            return task.endPromise().cancel(false);
        }

        @Override
        public boolean isDone() {
            return task.handleDone();
        }

        @Override
        public String toString() {
            return "poll " + task;
        }
    }
}
