package io.corepin;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.agrona.concurrent.NanoClock;

/**
 * The stall guard: one daemon thread for the whole JVM ({@code corepin-stall-guard}) that notices when a task holds an
 * Exec longer than that Exec's threshold ({@link Exec.Builder#stallThreshold}, default 10 ms), and reports it once
 * per stall — through {@link System.Logger} ({@code io.corepin.StallGuard}, WARNING) and a JFR {@link StallEvent} —
 * with the Exec's name, the task's code location and the Exec thread's stack.
 *
 * <h2>What the Exec pays</h2>
 * One opaque store per task (a plain {@code mov} on x86): the task's sequence number, into the Exec's padded
 * owner-written block ({@link ExecCounters}); and one more per turn that ran tasks: the sequence number at the end
 * of the turn. No clock read per task and no reference store (a reference store into an old-generation object
 * costs a StoreLoad fence in G1's post-write barrier, which the hot loop must not have; see bench/asm-audit.sh).
 *
 * <h2>What the guard does</h2>
 * Every {@code threshold / 2} (at least 1 ms, at most 50 ms; the smallest threshold of all guarded Execs) it reads
 * each Exec's two numbers. Different: the Exec is inside a task. The same task number seen for at least the
 * threshold by that Exec's clock means that task has run at least that long (it started before the guard first
 * saw it), so a report is never a false alarm; a task running longer than threshold + period is always caught. The
 * guard then takes the Exec thread's stack ({@link Thread#getStackTrace()}, a brief handshake, only on a stall),
 * checks that it still is the same task and that the stack is inside {@code OwnerLoop.runTask}, and reports. Because the
 * Exec stores a number rather than the task, the task is named by the first frame of the user's code past
 * {@code OwnerLoop.runTask}: corepin's own wrappers (a submit's promise, an async task's step, a timer's fire, a hop),
 * the JDK's continuation plumbing and lambdas' generated classes are skipped by their classes' origin
 * ({@link #taskFrame}): {@code class.method(file:line)}. The guard survives its own failures (an exhausted heap).
 *
 * <h2>The detour</h2>
 * Before reporting, the guard publishes the stalled task's number in the Exec's {@link StallStats}; until that task
 * returns, {@link StallStats#stalledNow} says so, and an {@link ExecGroup} sends un-keyed submissions to a sibling
 * ({@link ExecGroup.Builder#detourStalled}). In a group that rescues ({@link ExecGroup.Builder#rescueStalled}) the
 * guard then moves the un-keyed work waiting in the stalled Exec's ring to siblings ({@link Rescue}) — at the report
 * and at every later look while the task runs; the report says how many tasks it moved and how many still wait in
 * the ring (keyed and direct work, the rest of the stalled task's drain).
 *
 * <p>Time: how long a task has held its Exec is measured on that Exec's clock ({@link Exec.Builder#clock},
 * {@code System.nanoTime()} by default), read by the guard for that Exec; only the guard's own period is real time.
 * With a fake clock a task is reported once the clock has moved on by the threshold while the same task runs (the
 * guard must have seen the task once before that move), and a clock that stands still reports nothing.
 *
 * <p>The guard holds Execs weakly and forgets terminated ones. With no guarded Exec it parks until one is created.
 *
 * <h2>Dozing</h2>
 * Looking every half threshold costs an idle process 200 wake-ups a second (the default 10 ms threshold; ~30 µs of
 * CPU each on this project's VM). Once every guarded Exec has been seen between tasks with no task run since, for
 * {@link #QUIET_LOOKS_BEFORE_DOZING} looks in a row, the guard dozes: it parks with no time limit, and the first
 * guarded Exec to end a park wakes it ({@link #ownerAwake()}, an unpark only then). Every task starts on an Exec
 * that is awake, and an Exec that was parked when the guard decided to doze wakes the guard when its park ends —
 * whatever ended it: a producer's wake, a timer's deadline, its poller — so a task that stalls after a doze is
 * seen as soon as it would have been without one, and the bound above holds. Why no park's end is missed, an
 * asymmetric Dekker on two volatile fields (sequentially consistent with each other): the guard stores
 * {@code dozing = 1}, then loads each Exec's parked flag, and dozes only if all are 1; an owner stores its parked
 * flag 0 when a park ends, then loads {@code dozing}. Either the guard sees the 0 (and does not doze), or the owner
 * sees the 1 (and wakes the guard). An Exec whose idle strategy never parks keeps the guard awake.
 */
final class StallGuard {
    private static final System.Logger LOG = System.getLogger("io.corepin.StallGuard");
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int MAX_FRAMES = 64;

    /** Execs registered since the guard last looked; the guard moves them into its own list. */
    private static final ConcurrentLinkedQueue<Watch> ADDED = new ConcurrentLinkedQueue<>();
    /** For tests and embedders in this package: called on the guard's thread with every report. */
    static final List<Consumer<Report>> LISTENERS = new CopyOnWriteArrayList<>();

    private StallGuard() {
    }

    /** One report: what the log line and the JFR event say. */
    static final class Report {
        final String exec;
        final String task;
        final long heldNanos;
        final long thresholdNanos;
        /**
         * The Exec's ring depth when the stall was reported (a snapshot): the tasks queued behind the stalled one,
         * plus those of the burst it is part of that already ran, itself included, when it came from the ring (the
         * owner hands a burst's slots back at its end), less what the stall rescue moved out before the report. Work
         * in the Exec's local run queue is not counted.
         */
        final int queued;
        /** Un-keyed tasks the stall rescue moved out of the ring to siblings before this report. */
        final int moved;
        final String stack;

        Report(String exec, String task, long heldNanos, long thresholdNanos, int queued, int moved, String stack) {
            this.moved = moved;
            this.exec = exec;
            this.task = task;
            this.heldNanos = heldNanos;
            this.thresholdNanos = thresholdNanos;
            this.queued = queued;
            this.stack = stack;
        }

        @Override
        public String toString() {
            return exec + ": a task has held the Exec for " + TimeUnit.NANOSECONDS.toMillis(heldNanos)
                + " ms (stall threshold " + TimeUnit.NANOSECONDS.toMillis(thresholdNanos)
                + " ms) and is still running: "
                + task + "; " + queued + (queued == 1 ? " task" : " tasks") + " in its ring wait behind it"
                + " (the count includes its burst, itself too if it came from the ring; keyed and direct work"
                + " waits, new un-keyed ExecGroup work goes to siblings until it returns)"
                + (moved > 0 ? "; " + moved + " queued un-keyed " + (moved == 1 ? "task" : "tasks")
                    + " moved to siblings" : "")
                + " — move blocking work off the Exec (Exec.blocking) or split it up\n" + stack;
        }
    }

    /**
     * Starts guarding {@code exec}, whose tasks run on {@code thread} and whose time is {@code clock}; what the guard
     * sees (stalls, the running task) goes into {@code stats}. Any thread.
     */
    static void watch(Exec exec, Thread thread, ExecCounters counters, StallStats stats, Rescue rescue,
                      long thresholdNanos, NanoClock clock) {
        ADDED.add(new Watch(exec, thread, counters, stats, rescue, thresholdNanos, clock));
        LockSupport.unpark(Holder.THREAD); // the guard may be parked with nothing to watch
    }

    /** The guard's thread, started on first use. */
    private static final class Holder {
        static final Thread THREAD = start();

        private static Thread start() {
            Thread t = new Thread(StallGuard::run, "corepin-stall-guard");
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    /** Consecutive looks at an Exec between tasks, with no task run since the last look, before the guard dozes. */
    static final int QUIET_LOOKS_BEFORE_DOZING = 20;

    /** Rounds the guard has run (for tests: how often it wakes). Written by the guard's thread only. */
    private static volatile long looks;
    /** 1 while the guard dozes or is about to (the guard's store and the owners' load: see "Dozing" above). */
    private static volatile int dozing;
    /** Whether every watched Exec was quiet at the last round (the guard's thread only). */
    private static boolean allQuiet;

    /**
     * An owner whose park just ended, after storing its parked flag 0 (a volatile store): wakes the guard if it
     * dozes. One volatile load; an unpark only after a doze (the guard clears the flag once awake, so at most the
     * owners that end a park in that moment unpark it).
     */
    static void ownerAwake() {
        if (dozing == 1) {
            LockSupport.unpark(Holder.THREAD);
        }
    }

    /**
     * Dozes if every watched Exec is parked after {@code dozing = 1} (the guard's half of the Dekker argument):
     * returns once woken, or at once with false if one is not parked.
     */
    private static boolean doze(List<Watch> watches) {
        dozing = 1; // volatile store, then volatile loads of the parked flags: not reordered
        for (Watch w : watches) {
            final Exec e = w.exec.get();
            if (e != null && !e.loopEnded() && !e.inbound().isParked()) {
                dozing = 0;
                return false; // awake (spinning, or a park just ended): look again a period later
            }
        }
        LockSupport.park(StallGuard.class); // until an owner ends a park (or watch() adds an Exec)
        dozing = 0;
        return true;
    }

    /** How many rounds the guard has run so far (any thread; a snapshot). */
    static long looks() {
        return looks;
    }

    private static void run() {
        final List<Watch> watches = new ArrayList<>();
        while (true) {
            long period;
            try {
                looks = looks + 1; // single writer: the guard's thread
                period = checkAll(watches);
            } catch (Throwable t) {
                // the guard must outlive anything (an exhausted heap, say): try again a period later
                period = MAX_PERIOD_NANOS;
                try {
                    LOG.log(System.Logger.Level.WARNING, "stall guard: a check failed", t);
                } catch (Throwable logFailed) {
                    // nothing left to report with
                }
            }
            if (watches.isEmpty()) {
                LockSupport.park(StallGuard.class); // until watch() adds one
            } else if (!allQuiet || !doze(watches)) {
                LockSupport.parkNanos(StallGuard.class, period);
            }
        }
    }

    /** One round: takes in new Execs, checks each; returns how long to wait before the next round. */
    private static long checkAll(List<Watch> watches) {
        for (Watch w; (w = ADDED.peek()) != null; ) {
            watches.add(w); // before the poll: a failed add leaves it queued
            ADDED.poll();
        }
        long period = MAX_PERIOD_NANOS;
        boolean quiet = true;
        for (int i = watches.size() - 1; i >= 0; i--) {
            final Watch w = watches.get(i);
            try {
                if (!w.check()) {
                    watches.remove(i);
                    continue;
                }
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "stall guard: checking " + w.name + " failed", t);
            }
            quiet &= w.quietLooks >= QUIET_LOOKS_BEFORE_DOZING;
            period = Math.min(period, Math.max(MIN_PERIOD_NANOS, w.thresholdNanos / 2));
        }
        allQuiet = quiet;
        return period;
    }

    /** One guarded Exec; its fields are the guard thread's own, apart from the Exec's two numbers. */
    private static final class Watch {
        final WeakReference<Exec> exec;
        final WeakReference<Thread> thread;
        final ExecCounters counters;
        /** Published for readers on other threads: stalls, the running task (the guard is their only writer). */
        final StallStats stats;
        /** Moves un-keyed work out of the stalled Exec's ring, when its group asked for that. */
        final Rescue rescue;
        final long thresholdNanos;
        /** The Exec's clock: its tasks' time is measured on it. */
        final NanoClock clock;
        final String name;
        long seenSeq = -1;
        long seenSince;
        long doneSeq = -1; // reported (or found not to be in a task): not looked at again
        long stalledSeq = -1; // what stats.stalled() was told last; -1: no stall published
        int quietLooks; // consecutive looks between tasks with no task run since the look before

        Watch(Exec exec, Thread thread, ExecCounters counters, StallStats stats, Rescue rescue,
              long thresholdNanos, NanoClock clock) {
            this.exec = new WeakReference<>(exec);
            this.rescue = rescue;
            this.thread = new WeakReference<>(thread);
            this.counters = counters;
            this.stats = stats;
            this.thresholdNanos = thresholdNanos;
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            this.name = exec.name();
        }

        /** The stall rescue of {@code e}, if its group wants one: the un-keyed work in its ring to siblings. */
        private int rescueQueued(Exec e) {
            return rescue.enabled() ? rescue.moveQueued(e, e.inbound().ring()) : 0; // this thread only
        }

        /** @return false once the Exec is gone */
        boolean check() {
            final Exec e = exec.get();
            final Thread t = thread.get();
            if (e == null || t == null || e.loopEnded()) {
                return false;
            }
            final long now = clock.nanoTime(); // the Exec's time, not the guard's
            final long seq = counters.taskSeq(); // opaque loads of the owner's stamps
            final long ended = counters.turnEndSeq();
            if (stalledSeq >= 0 && (seq != stalledSeq || seq == ended)) {
                stalledSeq = -1; // the stalled task has returned (readers saw that by the numbers already)
                stats.stallEnded();
            }
            if (seq == ended) {
                quietLooks = seq == seenSeq ? Math.min(quietLooks + 1, QUIET_LOOKS_BEFORE_DOZING) : 0;
                seenSeq = seq; // between tasks' turns: idle or parked
                seenSince = now;
                return true;
            }
            quietLooks = 0;
            if (seq != seenSeq) {
                seenSeq = seq; // a new task since we last looked
                seenSince = now;
                stats.sawTask(seq, now); // for Exec.loopLagNanos(), on any thread
                return true;
            }
            if (seq == doneSeq) {
                if (seq == stalledSeq) {
                    rescueQueued(e); // the stall goes on: move what has queued up behind it since the last look
                }
                return true;
            }
            if (now - seenSince < thresholdNanos) {
                return true;
            }
            doneSeq = seq; // once per stall
            final StackTraceElement[] stack = t.getStackTrace(); // handshake with the Exec thread: stalls only
            final int runTask = indexOfRunTask(stack);
            if (runTask < 0 || counters.taskSeq() != seq) {
                return true; // not inside a task after all (a turn's poller, say), or it just finished
            }
            stalledSeq = seq;
            stats.stalled(seq); // before the count: ExecGroup detours un-keyed work while this task runs
            final int moved = rescueQueued(e); // before the report: it says what still waits
            // what waited when the stall was seen and was not moved: the moved tasks' slots hold tombstones until the
            // owner drains them, which the ring's depth still counts
            final int queued = Math.max(0, e.depth() - moved);
            stats.stallReported(); // before the report: its listeners see the count
            report(new Report(name, taskFrame(stack, runTask), clock.nanoTime() - seenSince, thresholdNanos,
                queued, moved, format(stack)));
            return true;
        }
    }

    private static void report(Report r) {
        LOG.log(System.Logger.Level.WARNING, r.toString());
        StallEvent event = new StallEvent();
        if (event.shouldCommit()) {
            event.exec = r.exec;
            event.task = r.task;
            event.durationMillis = TimeUnit.NANOSECONDS.toMillis(r.heldNanos);
            event.thresholdMillis = TimeUnit.NANOSECONDS.toMillis(r.thresholdNanos);
            event.queued = r.queued;
            event.stack = r.stack;
            event.commit();
        }
        for (Consumer<Report> l : LISTENERS) {
            try {
                l.accept(r);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "stall listener threw", t);
            }
        }
    }

    /** The innermost {@code OwnerLoop.runTask} frame, or -1. */
    static int indexOfRunTask(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            if ("runTask".equals(stack[i].getMethodName())
                && OwnerLoop.class.getName().equals(stack[i].getClassName())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The user's code the task is running, {@code class.method(file:line)}: walking out from the frame
     * {@code OwnerLoop.runTask} called into, the first frame that is not corepin's runtime (a class of this package from
     * corepin's own code source: the wrappers of a submit, a spawn, an async task, a timer, a continuation), not the
     * JDK's (CompletableFuture's continuation plumbing, say) and not a lambda's generated class (a hidden class: its
     * body is the next frame). Decided by the frames' classes, not by their names. A task that is JDK code itself
     * ({@code latch::await}) is named by its first JDK frame.
     */
    static String taskFrame(StackTraceElement[] stack, int runTask) {
        int firstJdk = -1;
        for (int i = runTask - 1; i >= 0; i--) {
            final int origin = origin(stack[i].getClassName());
            if (origin == USER) {
                return where(stack[i]);
            }
            if (origin == JDK && firstJdk < 0) {
                firstJdk = i;
            }
        }
        return firstJdk >= 0 ? where(stack[firstJdk]) : runTask > 0 ? where(stack[runTask - 1]) : "?";
    }

    private static final int USER = 0;
    private static final int COREPIN = 1;
    private static final int JDK = 2;
    private static final int GENERATED = 3;

    /** Whose a frame's class is. Only on a stall: loads nothing new (the class is on the stack, or not ours). */
    private static int origin(String className) {
        if (className.indexOf('/') >= 0) {
            return GENERATED; // a hidden class (a lambda's): the JVM names them "<name>/<suffix>"
        }
        final Class<?> c;
        try {
            c = Class.forName(className, false, StallGuard.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError notVisible) {
            return USER; // not visible to corepin's loader, so not corepin's nor the JDK's
        }
        final ClassLoader loader = c.getClassLoader();
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            return JDK;
        }
        return c.getPackageName().equals(StallGuard.class.getPackageName()) && sameCodeSource(c) ? COREPIN : USER;
    }

    /** Whether {@code c} comes from where corepin's runtime classes come from (its jar, or classes directory). */
    private static boolean sameCodeSource(Class<?> c) {
        try {
            final java.security.CodeSource mine = StallGuard.class.getProtectionDomain().getCodeSource();
            final java.security.CodeSource its = c.getProtectionDomain().getCodeSource();
            return mine != null && its != null && java.util.Objects.equals(mine.getLocation(), its.getLocation());
        } catch (SecurityException denied) {
            return c.getClassLoader() == StallGuard.class.getClassLoader();
        }
    }

    private static String where(StackTraceElement e) {
        final String file = e.getFileName();
        return e.getClassName() + '.' + e.getMethodName() + '('
            + (file == null ? "Unknown Source" : e.getLineNumber() >= 0 ? file + ':' + e.getLineNumber() : file) + ')';
    }

    private static String format(StackTraceElement[] stack) {
        final StringBuilder sb = new StringBuilder();
        final int n = Math.min(stack.length, MAX_FRAMES);
        for (int i = 0; i < n; i++) {
            sb.append("\tat ").append(stack[i]).append('\n');
        }
        if (stack.length > n) {
            sb.append("\t... ").append(stack.length - n).append(" more\n");
        }
        return sb.toString();
    }
}
