package io.corepin;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.Pinning;
import io.corepin.affinity.TimerSlack;
import io.corepin.ring.MpscRing;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The owner side of an {@link Exec}: the loop its thread runs, the turn, the owner's queues and state. <b>Not
 * thread-safe</b>: every method runs on the owner thread (the Exec's thread, or the caller's while it hosts the
 * Exec), unless its comment says otherwise; fields are plain.
 *
 * <h2>The loop</h2>
 * As Agrona's {@code AgentRunner}: {@code final int workCount = doWork(); idler.idle(workCount);} — the loop knows
 * nothing about idling, the {@link Idler} nothing about the turn. The state word is read once per turn (a plain
 * load on x86); only when it is no longer RUNNING does a turn take the shutdown path.
 *
 * <h2>The turn</h2>
 * A flat list of duties, each returning its work count (Aeron's {@code DriverConductor.doWork}):
 * <ol>
 *   <li>{@link #drainInbound()}: up to {@code ringBurst} entries from the ring (or, with work balancing and a deep
 *       ring — with levels: ring plus lanes — a donation to a sibling: {@link Donor}), then keyed entries whose
 *       turn came in the backlog, then the overflow — each given to the run queue's inbound sink: run at once (FIFO), or queued in its lane (levels);
 *   <li>{@link RunQueue#runLocal}: up to {@code localBudget} local entries (FIFO: those queued before the turn);
 *   <li>{@link ExecTimers#poll()}: due timers (reads the clock only when timers are pending);
 *   <li>{@link #pollEvents()}: the {@link Poller} (a {@link ThreadParker}, which polls nothing, without one).
 * </ol>
 * Plain loads and stores, acquire loads and one release store per ring burst: no atomic read-modify-write and no
 * fence; {@code bench/asm-audit.sh} proves it on the JIT's output (CI runs it).
 */
final class OwnerLoop implements Idler.Parker {
    private final Exec exec;
    private final String name;
    private final Thread thread;
    private final Lifecycle lifecycle;
    private final Inbound inbound;
    /** The inbound ring, for the turn's burst ({@link #runRingBurst}). */
    private final MpscRing<Runnable> ring;
    private final RunQueue runQueue;
    /** The run queue is the levels' scheduler (for the levels API), or null. */
    private final LevelScheduler levels;
    private final boolean runsInbound;
    private final Poller poller;
    private final ExecTimers timers;
    private final ExecCounters counters;
    private final TaskErrorHandler errorHandler;
    /** Work balancing of an ExecGroup; null when off (FIFO run queues only). */
    private final Donor donor;
    private final int ringBurst;
    private final int localBudget;
    private final int requestedCpu;
    /** The thread's timer slack to set as it starts, or 0: keep the inherited one. */
    private final long timerSlackNanos;
    /**
     * Whether ending a park must wake a dozing stall guard: this Exec has a stall threshold. (A blockOn or driven
     * Exec has one but is not watched: it may wake the guard needlessly, which then looks once and dozes again.)
     */
    private final boolean wakesGuard;
    /** Whether busy-spin idling may spin on the ring between turns: no poller of the user's to poll every turn. */
    private final boolean spinsOnRing;
    private final Idler idler;
    private final Consumer<Runnable> runner = this::runTask;
    /** Where the turn puts inbound entries: {@link #runner} (FIFO) or {@link #dispatchFromRing} (levels). */
    private final Consumer<Runnable> inboundSink;
    private final LiveTasks live = new LiveTasks();
    /** Fires promises without growing the stack. Owner thread (then the late runner). */
    private final PromiseChain promiseChain = new PromiseChain();
    /** Runs promise completions and continuations, one at a time, once this Exec has begun finishing. */
    private final LateRunner late;
    private final Termination termination;
    /** What the error handler is given when the poller's poll or park throws. */
    private final PollerCall pollCall;
    private final PollerCall parkCall;
    private final CountDownLatch started = new CountDownLatch(1);

    /** Set when the owner starts handing back and cancelling; local submits are refused from then on. */
    private boolean finishing;
    /** Hosted Execs only: whether the caller's thread is inside runHere/blockOn now. */
    private boolean hostActive;
    /** blockOn's Execs: an interrupt of the host thread ends the call, so parking must not clear it. */
    private boolean interruptAborts;
    /** Tasks pushed to siblings by this turn's donation (counts as work: the loop must not idle). */
    private int donatedThisTurn;
    /** The CPU the thread actually got; written once before {@code started} opens. */
    private volatile int cpu = AffinityPlan.UNPINNED;

    OwnerLoop(Exec exec, Thread thread, Lifecycle lifecycle, Inbound inbound, RunQueue runQueue, Poller poller,
              ExecTimers timers, ExecCounters counters, Donor donor, Exec.Builder settings, int cpu) {
        this.exec = exec;
        this.name = exec.name();
        this.thread = thread;
        this.lifecycle = lifecycle;
        this.inbound = inbound;
        this.ring = inbound.ring();
        this.runQueue = runQueue;
        this.levels = runQueue instanceof LevelScheduler ? (LevelScheduler) runQueue : null;
        this.runsInbound = runQueue.runsInbound();
        this.inboundSink = runsInbound ? this::runFromRing : this::dispatchFromRing;
        this.poller = poller;
        this.timers = timers;
        this.counters = counters;
        this.errorHandler = settings.errorHandler;
        this.donor = donor;
        this.ringBurst = settings.ringBurst;
        this.localBudget = settings.localBudget;
        this.requestedCpu = cpu;
        this.timerSlackNanos = settings.timerSlackNanos;
        this.wakesGuard = settings.stallNanos > 0;
        this.spinsOnRing = poller instanceof ThreadParker;
        this.idler = settings.idleStrategy.newIdler(this);
        this.late = new LateRunner(name);
        this.pollCall = new PollerCall(poller, false);
        this.parkCall = new PollerCall(poller, true);
        this.termination = new Termination(this, name, lifecycle, inbound, runQueue, timers, counters, poller,
            live, Math.min(2 * settings.ringBurst + settings.localBudget + 64, 4096));
    }

    // ------------------------------------------------------------------------------------------------ the loop

    /** The Exec thread's body: pin, set its timer slack, announce, loop until stopped or drained, finish. */
    void run() {
        cpu = Pinning.pinCurrentThread(requestedCpu); // volatile store, before started opens
        if (timerSlackNanos > 0) {
            TimerSlack.trySet(timerSlackNanos); // logs where it cannot; the Exec runs on with the inherited slack
        }
        counters.start(name, cpu, inbound.ring()); // telemetry: counters file registration, JFR start event
        started.countDown();
        runLoop();
    }

    /** The loop on the current thread (an Exec's, or a host's: {@link Hosting}), then the finish. */
    void runLoop() {
        try {
            while (cycle()) {
                // one turn and its idle, or its shutdown duties, per cycle
            }
        } catch (Throwable t) {
            // doWork catches task failures; reaching here means the loop itself broke. Hand back what is left.
            HeapReserve.releaseOn(t);
            lifecycle.svStop();
            logQuietly(System.Logger.Level.ERROR, "loop failed", t);
        } finally {
            termination.finish();
        }
    }

    /**
     * One turn, then idling — or, once the Exec is no longer RUNNING, the shutdown duties.
     *
     * @return {@code false} when the loop is over (stopped, or shut down with nothing left)
     */
    boolean cycle() {
        final int workCount = doWork();
        if (lifecycle.lvState() == Lifecycle.RUNNING) { // volatile: a plain load on x86, once per turn
            idler.idle(workCount);
            return true;
        }
        return shuttingDown(workCount);
    }

    /** Not running: STOP ends the loop; SHUTDOWN closes lanes and backlog and runs until nothing is left. */
    private boolean shuttingDown(int workCount) {
        final int s = lifecycle.lvState(); // volatile
        if (s == Lifecycle.STOP) {
            return false;
        }
        runQueue.beginClose(live); // idempotent: levels drop what does not complete on close
        inbound.closeBacklogByOwner(); // idempotent: a close shutdown() had no heap for
        if (quiescent()) {
            return false;
        }
        if (workCount == 0 && inbound.isPublishing()) {
            Thread.onSpinWait(); // an accepted task may still be publishing into the ring: do not park on it
        } else {
            idler.idle(workCount);
        }
        return true;
    }

    /** One turn: the duties in order (see the class comment). No atomic read-modify-write, no fence. */
    int doWork() {
        final int taken = drainInbound();
        final int ran = (runsInbound ? taken : 0)
            + runQueue.runLocal(runner, localBudget)
            + timers.poll()
            + pollEvents();
        if (ran != 0) {
            counters.addTasksRun(ran); // opaque store: a plain mov, no RMW
        } else {
            counters.emptyTurn(); // plain: closes the busy stretch after 16 empty turns
        }
        return ran + donatedThisTurn + (runsInbound ? 0 : taken);
    }

    /**
     * The inbound side's part of a turn: the ring's burst (or a donation to a sibling when balancing and the ring
     * is deep), then the backlog, then the overflow, each into {@link #inboundSink}.
     */
    private int drainInbound() {
        int taken = -1;
        if (donor != null) {
            donatedThisTurn = 0; // plain: only balancing Execs ever set it
            final int depth = inbound.ringSize(); // acquire loads of the ring's own indices
            if (levels != null) { // load = ring + lanes; the ring into the lanes, then the highest levels' movables
                taken = donor.donateLevels(inbound, inboundSink, runner, levels, depth);
                donatedThisTurn = donor.lastDonated();
            } else if (depth > donor.threshold()) {
                taken = donor.donate(inbound, runner, depth); // push side: one burst CAS on the sibling's ring
                donatedThisTurn = donor.lastDonated();
            }
        }
        if (taken < 0) {
            taken = runsInbound ? runRingBurst() // FIFO: the burst's loop is the turn's own
                : inbound.drainRing(inboundSink, ringBurst); // levels: into the lanes
        }
        taken += inbound.drainBacklog(inboundSink, ringBurst); // plain loads; rare path: keyed work behind the ring
        taken += inbound.drainOverflow(inboundSink, ringBurst); // one volatile load; rare path
        return taken;
    }

    /**
     * The ring's burst with a FIFO run queue: up to {@code ringBurst} entries, each run at once. The loop is written
     * here rather than taken from {@code ring.drain(consumer)} so that C2 compiles it into the turn whatever it
     * compiled first (a drain compiled on its own first, as a big method, is then called, not inlined), with a direct
     * call per entry instead of a {@link Consumer} that every drain of the process shares, and with the fields it
     * needs loaded once per burst. Per entry {@link #runTask} (the frame the stall guard finds the task under), then
     * the stall rescue's check before the next slot ({@link Rescue}). Acquire loads, plain stores, one release store
     * per burst: no atomic read-modify-write.
     */
    private int runRingBurst() {
        final Inbound in = inbound;
        final MpscRing<Runnable> ring = this.ring;
        final int limit = ringBurst;
        in.ownerCheck(); // acquire load: waits while the stall rescue holds the ring
        final long start = ring.burstStart(); // plain: the owner is the consumer index's only writer
        long next = start;
        try {
            for (Runnable task; next - start < limit && (task = ring.takeAt(next)) != null; ) { // acquire, plain null
                next++;
                runTask(task); // the stall guard looks for runTask on the stack: the task's own frame
                in.ownerCheck(); // acquire load: a plain mov on x86 (Rescue)
            }
        } finally {
            ring.handBack(start, next); // release: one store hands the burst back
        }
        return (int) (next - start);
    }

    /** The poller's part of a turn; a poll that throws is a failed task and counts as an idle poll. */
    private int pollEvents() {
        try {
            return poller.poll();
        } catch (Throwable t) {
            taskFailed(pollCall, t);
            return 0;
        }
    }

    /** Shutting down and nothing left: queues empty and drained, no unfinished async task, no pending timer. */
    private boolean quiescent() {
        return inbound.isDrained() && runQueue.isEmpty() && live.isEmpty() && timers.isEmpty();
    }

    /** An entry from the inbound side with levels: into its lane (a stop caught mid-burst keeps it). */
    private void dispatchFromRing(Runnable entry) {
        if (lifecycle.loState() == Lifecycle.STOP) { // opaque: plain load
            termination.keep(entry);
        } else {
            runQueue.add(entry);
        }
        inbound.ownerCheck(); // acquire load: before the next slot, the stall rescue's check (Rescue)
    }

    /** An entry from the inbound side, FIFO: run it, then the stall rescue's check before the next slot. */
    private void runFromRing(Runnable entry) {
        runTask(entry);
        inbound.ownerCheck(); // acquire load: a plain mov on x86 (Rescue)
    }

    /** Runs one entry: the stop check, the stall guard's stamp, failures to the error handler. */
    void runTask(Runnable task) {
        if (lifecycle.loState() == Lifecycle.STOP) { // opaque: a plain load; a stop is seen within a task or two
            termination.keep(task);                  // never taken while running, so C2 leaves it out of line
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
    void taskFailed(Runnable task, Throwable error) {
        HeapReserve.releaseOn(error); // an OutOfMemoryError: room for the bookkeeping and the handler's report
        counters.addTaskError();
        try {
            errorHandler.onError(exec, task, error);
        } catch (Throwable handlerError) {
            counters.addTaskError();
            HeapReserve.releaseOn(handlerError);
            logQuietly(System.Logger.Level.ERROR, "error handler threw while handling ", error, handlerError);
        }
    }

    /** Logs, unless even that fails (the heap is exhausted, say): for failure paths that must go on. */
    void logQuietly(System.Logger.Level level, String what, Throwable t) {
        logQuietly(level, what, "", t);
    }

    /**
     * Logs {@code what + detail}: the message is built inside the guard, because with the heap exhausted building it
     * (a concatenation, {@code detail.toString()}) may itself throw an OutOfMemoryError — which must not escape a
     * failure path (it would end the loop).
     */
    void logQuietly(System.Logger.Level level, String what, Object detail, Throwable t) {
        try {
            System.getLogger("io.corepin.Exec").log(level, name + ": " + what + detail, t);
        } catch (Throwable logFailed) {
            // nothing left to report with
        }
    }

    /**
     * Parks until a producer enqueues (or {@code nanos} pass, when positive): announce, re-check, park — the owner's
     * half of the Dekker argument written in {@link Inbound}.
     */
    @Override
    public void parkUntilWoken(long nanos) {
        nanos = timers.parkBound(nanos); // never sleep past the next timer deadline
        inbound.svParked(); // volatile store + StoreLoad fence: the idle path's one fence
        final int s = lifecycle.lvState(); // volatile loads after the fence
        if (inbound.isEmpty() && runQueue.isEmpty()
            && (s == Lifecycle.RUNNING || (s == Lifecycle.SHUTDOWN && !quiescent()))) {
            // SHUTDOWN: waiting for suspended tasks' wakes; shutdown()/shutdownNow() wake after changing state
            if (!interruptAborts) {
                Thread.interrupted(); // a task's stray interrupt would make park return at once, forever
            }
            HeapReserve.restore(); // a static volatile load; allocates only after an OutOfMemoryError released it
            counters.addPark();
            try {
                poller.park(nanos);
            } catch (Throwable t) {
                taskFailed(parkCall, t); // as a failed poll; the park returned at once
            }
        }
        if (wakesGuard) {
            // The guard may have decided to doze while this Exec was parked: the Dekker argument in StallGuard#doze
            inbound.svUnparked(); // volatile store + StoreLoad fence: the idle path's second fence
            StallGuard.ownerAwake(); // a volatile load; an unpark of the guard only if it dozes
        } else {
            inbound.soUnparked(); // opaque: a stale 1 only costs a producer one failed CAS
        }
    }

    /**
     * A busy-spin idle period between two turns: spins on the ring's next slot — where work for an idle busy-spin
     * Exec comes from — and returns as soon as it is published, or after {@code spins} spins, when the turn looks at
     * the rest (backlog, overflow, timers, lanes, the state): those wait at most that long. An Exec with a poller of
     * its own spins once per turn, so that every turn polls it. Plain and acquire loads.
     */
    @Override
    public void spinUntilWork(int spins) {
        if (!spinsOnRing) {
            Thread.onSpinWait();
            return;
        }
        final MpscRing<Runnable> r = ring;
        int i = 0;
        do {
            Thread.onSpinWait();
        } while (++i < spins && !r.nextPublished()); // plain load of the consumer index, acquire load of its slot
    }

    // ------------------------------------------------------------------------------- owner-side operations

    /** A local spawn: the run queue (no atomics), or CLOSED once finishing. */
    int spawnLocal(Runnable task) {
        if (finishing) {
            return Exec.CLOSED; // finish() has taken the run queue already
        }
        runQueue.add(task); // plain: owner-thread queue
        counters.addLocalEnqueue(); // plain load + release store: owner only
        return Integer.MAX_VALUE;
    }

    /** A local spawn of an async task: linked as live, its first poll queued. */
    void spawnTaskLocal(AsyncTask task) {
        if (finishing) {
            throw inbound.rejection(Exec.CLOSED);
        }
        task.bind(exec, true);
        live.add(task);
        runQueue.add(task.step); // plain: owner-thread queue
    }

    /** A local submission to a lane of the levels. */
    void executeLocal(int lane, long deadlineNanos, Runnable task) {
        if (finishing) {
            throw inbound.rejection(Exec.CLOSED);
        }
        levels.offer(lane, task, deadlineNanos);
    }

    /** Queues one of corepin's entries or a local wake (plain stores); late once finishing. */
    void runOnOwner(Runnable entry) {
        if (finishing) {
            late.run(entry);
        } else {
            runQueue.add(entry); // plain: owner-thread queue
        }
    }

    /** A plain append to the run queue: an async task's local wake, runHere's main. Plain stores. */
    void queueLocal(Runnable step) {
        runQueue.add(step); // plain: owner-thread queue
    }

    /** Runs {@code entry} on the late runner: after this Exec began finishing, one entry at a time. Any thread. */
    void runLate(Runnable entry) {
        late.run(entry);
    }

    /** {@link Exec#yieldNow()}: a yield entry behind the work queued now, or cancelled when finishing. */
    Promise<Void> yieldNow() {
        final Promise<Void> promise = new Promise<>(exec);
        if (finishing) {
            Yield.cancel(promise); // the Exec is stopping: nothing gets another turn
        } else {
            runQueue.add(new Yield(promise)); // plain: owner-thread queue
        }
        return promise;
    }

    /** {@link Exec#yieldNow(io.corepin.levels.Lane)}: a yield entry in {@code lane}, or cancelled when finishing. */
    Promise<Void> yieldNow(int lane) {
        final Promise<Void> promise = new Promise<>(exec);
        if (finishing) {
            Yield.cancel(promise); // the Exec is stopping: nothing gets another turn
        } else {
            levels.offer(lane, new Yield(promise), 0L); // plain: owner-thread sources
        }
        return promise;
    }

    /** An async task started its poll: remember it as unfinished. */
    void linkLive(AsyncTask task) {
        live.add(task);
    }

    /** An async task finished. */
    void unlinkLive(AsyncTask task) {
        live.remove(task);
    }

    /** An async task's poll returned "not done". */
    void suspended(AsyncTask task) {
        runQueue.suspended(task, live);
    }

    PromiseChain promiseChain() {
        return promiseChain;
    }

    LevelScheduler levels() {
        return levels;
    }

    /** Whether the owner loop still runs tasks (not finishing): where owner-only promise state may be touched. */
    boolean isFinishing() {
        return finishing;
    }

    /** Termination: from here on local submits are refused and corepin's entries run late. */
    void beginFinishing() {
        finishing = true;
    }

    // ----------------------------------------------------------------------------------------------- hosting

    boolean isHostActive() {
        return hostActive;
    }

    void hostActive(boolean active) {
        hostActive = active;
    }

    void interruptAborts() {
        interruptAborts = true;
    }

    // ---------------------------------------------------------------------------------------- any thread

    /** The CPU the thread got ({@link AffinityPlan#UNPINNED} if none). Any thread. */
    int cpu() {
        return cpu; // volatile
    }

    /** Waits for the thread to start (and pin). Any thread. */
    boolean awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
        return started.await(timeout, unit);
    }

    /** A hosted or driven Exec is started by its caller. */
    void markStarted() {
        started.countDown();
    }

    Termination termination() {
        return termination;
    }

    RejectedExecutionException rejection(int offerResult) {
        return inbound.rejection(offerResult);
    }
}
