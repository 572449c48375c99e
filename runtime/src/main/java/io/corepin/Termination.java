package io.corepin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An Exec's end: collect what did not run, stop each entry by its own kind ({@link ExecEntry#onStop()}), cancel
 * the async tasks still alive, hand back the user's tasks — and, whatever fails on the way (the heap may be
 * exhausted: what the common case needs is allocated with the Exec), terminate and complete the hand-back,
 * exceptionally if tasks may be missing from it. {@link #finish()} runs on the owner thread; the waiters' side
 * ({@link #handedBack()}, {@link #await}) on any thread.
 */
final class Termination {
    private final OwnerLoop loop;
    private final String name;
    private final Lifecycle lifecycle;
    private final Inbound inbound;
    private final RunQueue runQueue;
    private final ExecTimers timers;
    private final ExecCounters counters;
    private final Poller poller;
    private final LiveTasks live;
    /**
     * Tasks a stop caught in the middle of a turn, then everything {@link #finish()} collects; owner thread only.
     * Made with room for a turn's worth (capped), so that a stop under heap exhaustion need not allocate.
     */
    private final ArrayList<Runnable> unrun;
    private final Consumer<Runnable> keep;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final CompletableFuture<List<Runnable>> handedBack = new CompletableFuture<>();
    /** Set (volatile) by the owner once finish() is done but for completing the hand-back; see {@link #isDone}. */
    private volatile boolean finished;

    Termination(OwnerLoop loop, String name, Lifecycle lifecycle, Inbound inbound, RunQueue runQueue,
                ExecTimers timers, ExecCounters counters, Poller poller, LiveTasks live, int room) {
        this.loop = loop;
        this.name = name;
        this.lifecycle = lifecycle;
        this.inbound = inbound;
        this.runQueue = runQueue;
        this.timers = timers;
        this.counters = counters;
        this.poller = poller;
        this.live = live;
        this.unrun = new ArrayList<>(room);
        this.keep = unrun::add;
    }

    /** owner: a task the stop caught mid-turn, kept for the hand-back in the order it was taken. */
    void keep(Runnable task) {
        unrun.add(task);
    }

    /** The hand-back: completes once the owner terminated. Any thread. */
    CompletableFuture<List<Runnable>> handedBack() {
        return handedBack;
    }

    /**
     * Any thread: whether termination is complete — finish() has done all its work (the poller is closed) and the
     * hand-back is complete. True from the moment the hand-back completes, so a thread that saw it complete sees
     * this true, and one that sees this true sees the hand-back complete; the latch that {@link #await} waits on
     * counts down a little later, after the hand-back's own callbacks ran. Two volatile loads.
     */
    boolean isDone() {
        return finished && handedBack.isDone();
    }

    /**
     * Any thread: waits for termination; true at once when {@link #isDone} (the hand-back's callbacks may still be
     * running, on the owner's thread, before the latch counts down).
     */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return isDone() || terminated.await(timeout, unit);
    }

    /** Any thread: waits for termination, however long; an interrupt is kept for the caller. */
    void awaitUninterruptibly() {
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

    /** The owner's last act (see the class comment). */
    void finish() {
        Throwable failure = null;
        try {
            loop.beginFinishing();
            lifecycle.casStopIfRunning(); // the loop failed while running: treat as shutdownNow
            inbound.drainForStop(unrun, keep); // the ring, then the backlog behind it, in order
            unrun.ensureCapacity(unrun.size() + runQueue.size());
            runQueue.drainForStop(unrun);
            try {
                counters.stop(name); // telemetry: last sample, JFR stop event (allocates), leave the counters file
            } catch (Throwable t) {
                HeapReserve.releaseOn(t); // the heap is full (its JFR event could not be made): room for the report
                loop.logQuietly(System.Logger.Level.WARNING, "telemetry stop failed", t);
            }
            // volatile store, then drain the overflow: a late enqueueWake (offer, then volatile load of the state)
            // either sees TERMINATED and drains the queue itself, or its entry is seen here. Never neither.
            lifecycle.svTerminated();
            inbound.drainOverflowForStop(unrun);
            timers.finish(unrun); // timer messages out, pending one-shot timers' tasks in (see ExecTimers)
            stopEach(unrun);
            for (AsyncTask task; (task = live.first()) != null; ) {
                live.remove(task);
                try {
                    task.cancel();
                } catch (Throwable t) {
                    loop.taskFailed(task.step, t);
                }
            }
        } catch (Throwable t) {
            HeapReserve.releaseOn(t);
            failure = t;
        } finally {
            terminate(failure);
        }
    }

    /**
     * What did not run, in place and in order: each entry stopped by its kind ({@link ExecEntry#stop}: corepin's
     * entries run late or cancel, async tasks and spawn bodies are cancelled, wrappers give back the user's task),
     * the user's tasks kept.
     */
    private void stopEach(ArrayList<Runnable> unrun) {
        final int n = unrun.size();
        int kept = 0;
        for (int i = 0; i < n; i++) {
            final Runnable r = unrun.get(i);
            try {
                final Runnable back = ExecEntry.stop(r);
                if (back != null) {
                    unrun.set(kept++, back);
                }
            } catch (Throwable t) {
                loop.taskFailed(r, t);
            }
        }
        for (int i = n - 1; i >= kept; i--) {
            unrun.remove(i);
        }
    }

    /** The end of {@link #finish()}, whatever failed in it: terminated, the poller closed, the hand-back complete. */
    private void terminate(Throwable failure) {
        try {
            if (lifecycle.lvState() != Lifecycle.TERMINATED) { // finish failed before it got there
                lifecycle.svTerminated(); // from now on late enqueueWakes drain the overflow themselves
                try {
                    inbound.drainLate();
                } catch (Throwable t) {
                    loop.logQuietly(System.Logger.Level.ERROR, "a promise completion failed while terminating", t);
                }
            }
            try {
                poller.close();
            } catch (Throwable t) {
                loop.logQuietly(System.Logger.Level.WARNING, "poller.close threw", t);
            }
            finished = true; // volatile store, before the hand-back completes: isDone() needs both
            if (failure == null) {
                try {
                    handedBack.complete(unrun); // allocates nothing (HeapReserve warmed the JDK's path up)
                } catch (Throwable t) {
                    HeapReserve.releaseOn(t);
                    handBackAfterFailure(t);
                }
            } else {
                handBackAfterFailure(failure);
            }
        } finally {
            terminated.countDown(); // allocates nothing
        }
    }

    /** finish() failed: the hand-back fails, naming the cause, or (if even that cannot allocate) is what was found. */
    private void handBackAfterFailure(Throwable failure) {
        loop.logQuietly(System.Logger.Level.ERROR, "failed while finishing: the hand-back may miss tasks", failure);
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
}
