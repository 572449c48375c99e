package io.corepin.soak;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.Timer;
import io.corepin.affinity.AffinityPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Timers with small delays: producer threads, and one producer running on an Exec (in batches, so that it schedules
 * locally on its own Exec and through the ring on the other), {@code schedule} one-shot tasks and {@code sleep}
 * promises on the key's Exec, with a delay fixed per key (0 to 0.9 ms). Checked: every accepted timer runs once
 * (after shutdownNow: ran + handed back, or the sleep cancelled, = accepted), on its Exec; one producer's timers of
 * one key (same delay, so non-decreasing deadlines) run in scheduling order; a sleep's continuation runs on the
 * sleep's Exec. A plain thread cancels some one-shot timers as they come due: {@code cancel()} true means the task
 * never runs, false that it runs (or comes back). Periodic timers (fixed rate, fixed delay) run meanwhile: on their
 * Exec, one execution at a time, none starting after {@code cancel()} returned true but the one in progress.
 */
public final class TimerSoak {
    static final String FEATURE = "timers";
    private static final int KEYS = 32;

    private final Soak soak;
    private final Soak.End end;
    private final Books books;
    private final ExecGroup group;
    private final CountDownLatch execProducerDone = new CountDownLatch(1);

    private TimerSoak(Soak soak, Soak.End end) {
        this.soak = soak;
        this.end = end;
        this.books = new Books(FEATURE, soak.units, soak.producers, KEYS);
        this.group = ExecGroup.builder().affinity(AffinityPlan.unpinned(soak.execs))
            .backpressure(io.corepin.Backpressure.block(Duration.ofSeconds(Soak.WAIT_SECONDS)))
            .execSettings(Soak.execSettings("soak-timer", books)).build();
    }

    /** One round; throws AssertionError naming what broke. */
    public static void run(Soak soak, Soak.End end) throws InterruptedException {
        new TimerSoak(soak, end).round();
    }

    private static long delayNanos(int key) {
        return (key % 4) * 300_000L;
    }

    /** A one-shot timer's task. */
    private final class TimerUnit implements Runnable {
        final Exec owner;
        final int id;
        final int producer;
        final int key;
        final long seq;

        TimerUnit(Exec owner, int id, int producer, int key, long seq) {
            this.owner = owner;
            this.id = id;
            this.producer = producer;
            this.key = key;
            this.seq = seq;
        }

        @Override
        public void run() {
            books.placement(owner, "timer task", id);
            books.observe(producer, key, seq);
            books.ran(id);
        }
    }

    /** Schedules unit {@code i} of producer {@code p}; {@code false} if the group shut down. */
    private boolean schedule(int p, int i, long[] seqOfKey) {
        int id = p * soak.perProducer() + i;
        int key = Soak.keyOf(i, KEYS);
        Exec x = group.execFor(key);
        boolean accepted;
        if ((i & 1) == 0) {
            long seq = seqOfKey[key];
            Timer[] timer = new Timer[1];
            accepted = Soak.retry(group, () -> timer[0] =
                x.schedule(new TimerUnit(x, id, p, key, seq), delayNanos(key), TimeUnit.NANOSECONDS));
            if (accepted) {
                seqOfKey[key]++;
                if (i % 8 == 6) {
                    toCancel.add(new Cancel(timer[0], id)); // raced by a plain thread's cancel()
                }
            }
        } else {
            accepted = Soak.retry(group, () -> x.sleep(Duration.ofNanos(delayNanos(key))).whenComplete((v, e) -> {
                if (e == null) {
                    if (end == Soak.End.GRACEFUL || !x.isShutdown()) { // after shutdownNow: may run anywhere
                        books.placement(x, "continuation of a sleep", id);
                    }
                    books.ran(id);
                    return;
                }
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (end == Soak.End.NOW_DURING_LOAD && cause instanceof CancellationException) {
                    books.cancelled(id);
                } else {
                    books.fail("id " + id + ": the sleep failed: " + e);
                }
            }));
        }
        if (accepted) {
            books.accept(id);
        }
        return accepted;
    }

    private record Cancel(Timer timer, int id) { }

    /** Cancels timers from a plain thread, racing their deadlines: true means it never runs, false that it does. */
    private void canceller(int ignored) {
        try {
            while (!stopCancelling.get() || !toCancel.isEmpty()) {
                Cancel c = toCancel.poll(5, TimeUnit.MILLISECONDS);
                if (c != null && c.timer.cancel()) {
                    books.withdrawn(c.id);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Periodic timers (fixed rate and fixed delay, 1 ms) on each Exec, cancelled from a plain thread after a few
     * runs: each execution on its Exec, never two at once, and at most one (the one in progress) starting after
     * {@code cancel()} returned true.
     */
    private final class Periodic implements Runnable {
        final Exec owner;
        final String name;
        final AtomicBoolean running = new AtomicBoolean();
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger runsAfterCancel = new AtomicInteger();
        volatile boolean cancelReturned;
        Timer timer;

        Periodic(Exec owner, String name) {
            this.owner = owner;
            this.name = name;
        }

        @Override
        public void run() {
            books.placement(owner, name, -1);
            if (!running.compareAndSet(false, true)) {
                books.fail(name + " on " + owner.name() + ": two executions at once");
            }
            if (cancelReturned && runsAfterCancel.incrementAndGet() > 1) {
                books.fail(name + " on " + owner.name() + ": " + runsAfterCancel.get()
                    + " executions started after cancel() returned true (at most the one in progress may)");
            }
            runs.incrementAndGet();
            running.set(false);
        }
    }

    private final LinkedBlockingQueue<Cancel> toCancel =
        new LinkedBlockingQueue<>();
    private final AtomicBoolean stopCancelling =
        new AtomicBoolean();

    private List<Periodic> startPeriodic() {
        List<Periodic> all = new ArrayList<>();
        for (int e = 0; e < group.size(); e++) {
            Exec x = group.exec(e);
            for (int n = 0; n < 2; n++) {
                Periodic rate = new Periodic(x, "fixed-rate timer " + n);
                rate.timer = x.scheduleAtFixedRate(rate, 0, 1, TimeUnit.MILLISECONDS);
                Periodic delay = new Periodic(x, "fixed-delay timer " + n);
                delay.timer = x.scheduleWithFixedDelay(delay, 0, 1, TimeUnit.MILLISECONDS);
                all.add(rate);
                all.add(delay);
            }
        }
        return all;
    }

    private void cancelPeriodic(List<Periodic> all) {
        for (Periodic t : all) {
            if (t.timer.cancel()) {
                t.cancelReturned = true;
            } else if (!group.isShutdown()) {
                books.fail(t.name + " on " + t.owner.name() + ": cancel() returned false while it was running");
            }
        }
    }

    private void produce(int p) {
        long[] seqOfKey = new long[KEYS];
        for (int i = 0; i < soak.perProducer(); i++) {
            if ((i & 255) == 0 && soak.pastDeadline() || !schedule(p, i, seqOfKey)) {
                return;
            }
        }
    }

    /** The producer that runs on Exec 0, 64 units per turn. */
    private final class ExecProducer implements Runnable {
        final int p = soak.producers - 1;
        final long[] seqOfKey = new long[KEYS];
        int next;

        @Override
        public void run() {
            try {
                for (int n = 0; n < 64 && next < soak.perProducer(); n++, next++) {
                    if (soak.pastDeadline() || !schedule(p, next, seqOfKey)) {
                        next = soak.perProducer();
                    }
                }
                if (next < soak.perProducer()) {
                    Exec.current().execute(this); // local: behind the timers that came due
                    return;
                }
            } catch (RuntimeException e) {
                books.fail("the Exec producer failed: " + e);
            }
            execProducerDone.countDown();
        }
    }

    private void round() throws InterruptedException {
        try {
            List<Periodic> periodic = startPeriodic();
            group.exec(0).execute(new ExecProducer());
            List<Thread> cancellers = Soak.start("soak-timer-canceller", 1, this::canceller);
            List<Thread> producers = Soak.start("soak-timer-producer", soak.producers - 1, this::produce);
            if (end == Soak.End.NOW_DURING_LOAD) {
                Soak.sleepIntoTheRun(soak.units / 2);
                for (Runnable r : Soak.closeNow(FEATURE, group)) {
                    if (r instanceof TimerUnit) {
                        books.handedBack(((TimerUnit) r).id);
                    } else if (!(r instanceof ExecProducer)) {
                        books.handedBackStranger(r);
                    }
                }
                Soak.join(FEATURE, producers);
                stopCancelling.set(true);
                Soak.join(FEATURE, cancellers);
            } else {
                Soak.join(FEATURE, producers);
                if (!execProducerDone.await(Soak.WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("[" + FEATURE + "] the producer on " + group.exec(0).name()
                        + " did not finish within " + Soak.WAIT_SECONDS + " s");
                }
                stopCancelling.set(true);
                Soak.join(FEATURE, cancellers);
                cancelPeriodic(periodic);
                for (Periodic t : periodic) {
                    if (t.runs.get() == 0 && !soak.pastDeadline()) { // initial delay 0: its first run is due at once
                        books.fail(t.name + " on " + t.owner.name() + " never ran while the producers ran");
                    }
                }
                Soak.closeGracefully(FEATURE, group); // pending one-shot timers and sleeps still fire
            }
        } finally {
            stopCancelling.set(true);
            group.shutdownNow();
        }
        books.verify(end.toString(), end == Soak.End.NOW_DURING_LOAD);
    }
}
