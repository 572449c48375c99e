package io.corepin.soak;

import io.corepin.AsyncTask;
import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.affinity.AffinityPlan;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Async tasks: producer threads spawn keyed tasks cross-thread on their key's Exec ({@code execFor(key).spawn}) and
 * un-keyed ones through the group; each task takes {@link #STEPS} steps, each step granted by a wake from somewhere
 * else — a plain waker thread, another Exec, or itself (a yield) — sometimes woken twice for one step; a finished
 * keyed task spawns a child locally on its own Exec; some un-keyed tasks are woken by a plain thread while their
 * spawn is under way. Checked: every accepted task finishes once (or, after
 * shutdownNow, is cancelled once), never polled concurrently or after it finished, every poll on its Exec, and the
 * first polls of one producer's tasks of one key in spawn order.
 */
public final class AsyncTaskSoak {
    static final String FEATURE = "async tasks";
    private static final int KEYS = 64;
    private static final int STEPS = 4;

    private final Soak soak;
    private final Soak.End end;
    private final Books books;
    private final ExecGroup group;
    private final LinkedBlockingQueue<Step> wakeQueue = new LinkedBlockingQueue<>();
    private final AtomicBoolean stopWakers = new AtomicBoolean();

    private AsyncTaskSoak(Soak soak, Soak.End end) {
        this.soak = soak;
        this.end = end;
        // ids 0..units-1: spawned by producers; units..2*units-1: their children, spawned locally
        this.books = new Books(FEATURE, 2 * soak.units, soak.producers, KEYS);
        this.group = ExecGroup.builder().affinity(AffinityPlan.unpinned(soak.execs))
            .backpressure(io.corepin.Backpressure.block(Duration.ofSeconds(Soak.WAIT_SECONDS)))
            .execSettings(Soak.execSettings("soak-async", books)).build();
    }

    /** One round; throws AssertionError naming what broke. */
    public static void run(Soak soak, Soak.End end) throws InterruptedException {
        new AsyncTaskSoak(soak, end).round();
    }

    /** A wake to deliver from a plain thread: {@code times} wakes for one granted step. */
    private record Step(Unit unit, int times) { }

    private final class Unit extends AsyncTask {
        final int id;
        final int producer;
        final int key; // -1: un-keyed or a child
        final long seq;
        final AtomicInteger granted = new AtomicInteger(); // steps granted by wakers (release by the increment)
        final AtomicBoolean inPoll = new AtomicBoolean();
        volatile boolean finished;
        int steps; // plain: owner thread
        boolean firstPoll = true; // plain: owner thread

        Unit(int id, int producer, int key, long seq) {
            this.id = id;
            this.producer = producer;
            this.key = key;
            this.seq = seq;
        }

        @Override
        protected boolean poll() {
            if (!inPoll.compareAndSet(false, true)) {
                books.fail("id " + id + " polled while another poll of it was running");
            }
            try {
                books.placement(exec(), "poll", id);
                if (finished) {
                    books.fail("id " + id + " polled after it finished");
                    return true;
                }
                if (firstPoll) {
                    firstPoll = false;
                    if (key >= 0) {
                        books.observe(producer, key, seq);
                    }
                }
                steps += granted.getAndSet(0);
                if (steps >= STEPS) {
                    finished = true;
                    books.ran(id);
                    if (key >= 0) {
                        spawnChild();
                    }
                    return true;
                }
                askForWake();
                return false;
            } finally {
                inPoll.set(false);
            }
        }

        private void spawnChild() {
            Unit child = new Unit(id + soak.units, producer, -1, 0);
            try {
                Exec.current().spawn(child); // local: the owner's queue
                books.accept(child.id);
            } catch (RejectedExecutionException closing) {
                // the Exec is finishing: the child was not accepted
            }
        }

        /** Grants the next step from elsewhere. */
        private void askForWake() {
            int how = (id + steps) % 4;
            if (how == 0) { // yield: a wake on its own Exec
                granted.incrementAndGet();
                wake();
                return;
            }
            if (how == 1) { // another Exec wakes it
                Exec other = group.exec((group.indexFor(id) + 1) % group.size());
                if (other != exec()) {
                    try {
                        other.execute(new RemoteWake(this));
                        return;
                    } catch (RejectedExecutionException closedOrFull) {
                        // fall through to a plain waker thread
                    }
                }
            }
            wakeQueue.add(new Step(this, how == 3 ? 2 : 1)); // a plain thread wakes it (twice: merged wakes)
        }

        @Override
        protected void onCancel() {
            if (finished) {
                books.fail("id " + id + " cancelled after it finished");
            }
            books.cancelled(id);
        }
    }

    /** A wake delivered by another Exec (a shutdownNow may hand it back: the task it woke is cancelled). */
    private static final class RemoteWake implements Runnable {
        final Unit unit;

        RemoteWake(Unit unit) {
            this.unit = unit;
        }

        @Override
        public void run() {
            unit.granted.incrementAndGet();
            unit.wake();
        }
    }

    private void waker(int w) {
        try {
            while (!stopWakers.get()) {
                Step s = wakeQueue.poll(10, TimeUnit.MILLISECONDS);
                if (s != null) {
                    s.unit.granted.incrementAndGet();
                    for (int i = 0; i < s.times; i++) {
                        s.unit.wake();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void produce(int p) {
        int per = soak.perProducer();
        long[] seqOfKey = new long[KEYS];
        for (int i = 0; i < per; i++) {
            if ((i & 255) == 0 && soak.pastDeadline()) {
                return;
            }
            int id = p * per + i;
            boolean keyed = (i & 1) == 0;
            int key = keyed ? Soak.keyOf(i, KEYS) : -1;
            long seq = keyed ? seqOfKey[key]++ : 0;
            Unit u = new Unit(id, p, key, seq);
            if (!keyed && (i & 2) == 0) {
                // woken from another thread while it is being spawned, perhaps refused by a full ring and spawned
                // again elsewhere: a wake before spawn is a no-op, and a wake racing a refused spawn must not
                // disturb any Exec (it is granted a step that it may take early)
                wakeQueue.add(new Step(u, 1));
            }
            boolean accepted = keyed
                ? Soak.retry(group, () -> group.execFor(key).spawn(u))
                : Soak.retry(group, () -> group.spawn(u));
            if (!accepted) {
                return; // shut down under us: this one and the rest were never accepted
            }
            books.accept(id);
        }
    }

    private void round() throws InterruptedException {
        List<Thread> wakers = Soak.start("soak-async-waker", 2, this::waker);
        try {
            List<Thread> producers = Soak.start("soak-async-producer", soak.producers, this::produce);
            if (end == Soak.End.NOW_DURING_LOAD) {
                Soak.sleepIntoTheRun(soak.units / 4);
                for (Runnable r : Soak.closeNow(FEATURE, group)) {
                    if (!(r instanceof RemoteWake)) {
                        books.handedBackStranger(r);
                    }
                }
                Soak.join(FEATURE, producers);
            } else {
                Soak.join(FEATURE, producers);
                Soak.closeGracefully(FEATURE, group);
            }
        } finally {
            stopWakers.set(true);
            Soak.join(FEATURE, wakers);
            group.shutdownNow();
        }
        books.verify(end.toString(), end == Soak.End.NOW_DURING_LOAD);
    }
}
