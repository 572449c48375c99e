package io.corepin.soak;

import io.corepin.AsyncTask;
import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.affinity.AffinityPlan;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Levels: a group whose Execs schedule by {@link Levels} — realtime, responsive (the default), and a level of
 * backlog (not complete-on-close, its suspended tasks follow up in responsive) beside a deadline-first lane.
 * Producer threads put keyed tasks into every lane ({@code execute(lane, key, deadline, task)}, deadlines
 * increasing per producer) and spawn async tasks into the lanes through the balancer; each async task yields
 * twice, then submits a child task locally into realtime. Checked: every accepted unit runs once, or — only when a
 * close may do that: from backlog on a graceful close, from any lane on shutdownNow — is handed back or
 * cancelled once; one producer's tasks of one (key, lane) run in submit order on the key's Exec.
 */
public final class LevelsSoak {
    static final String FEATURE = "levels";
    private static final int KEYS = 16;
    private static final int LANES = 4;

    private final Soak soak;
    private final Soak.End end;
    private final Books books;
    private final ExecGroup group;
    private final Lane[] lanes;
    private final int backlog;
    /** The lane each unit was put in (children: realtime). Written before the unit is submitted. */
    private final int[] laneOf;
    private final long start = System.nanoTime();

    private LevelsSoak(Soak soak, Soak.End end) {
        this.soak = soak;
        this.end = end;
        Lane realtime = Lane.fifo("realtime");
        Lane responsive = Lane.fifo("responsive");
        Lane backlogLane = Lane.fifo("backlog").completeOnClose(false);
        Lane deadlines = Lane.deadlineFirst("deadlines");
        Levels levels = Levels.builder().level(realtime).level(responsive).level(backlogLane, deadlines)
            .highestFirst().followup(backlogLane, responsive).defaultLane(responsive).build();
        this.lanes = new Lane[] {realtime, responsive, backlogLane, deadlines};
        this.backlog = 2;
        // ids 0..units-1 from producers; units..2*units-1 the async tasks' local children
        this.books = new Books(FEATURE, 2 * soak.units, soak.producers, KEYS * LANES);
        this.laneOf = new int[2 * soak.units];
        this.group = ExecGroup.builder().affinity(AffinityPlan.unpinned(soak.execs))
            .backpressure(io.corepin.Backpressure.block(Duration.ofSeconds(Soak.WAIT_SECONDS)))
            .execSettings(Soak.execSettings("soak-levels", books).levels(levels))
            .build();
    }

    /** One round; throws AssertionError naming what broke. */
    public static void run(Soak soak, Soak.End end) throws InterruptedException {
        new LevelsSoak(soak, end).round();
    }

    /** A keyed task in one lane. */
    private final class LevelUnit implements Runnable {
        final Exec owner;
        final int id;
        final int producer;
        final int orderKey;
        final long seq;

        LevelUnit(Exec owner, int id, int producer, int orderKey, long seq) {
            this.owner = owner;
            this.id = id;
            this.producer = producer;
            this.orderKey = orderKey;
            this.seq = seq;
        }

        @Override
        public void run() {
            books.placement(owner, "task in " + lanes[laneOf[id]].name(), id);
            if (orderKey >= 0) {
                books.observe(producer, orderKey, seq);
            }
            books.ran(id);
        }
    }

    /** An async task in a lane: yields twice, then submits a child locally into realtime. */
    private final class Yielder extends AsyncTask {
        final int id;
        int polls; // plain: owner thread

        Yielder(int id) {
            this.id = id;
        }

        @Override
        protected boolean poll() {
            books.placement(exec(), "poll of an async task spawned in " + lanes[laneOf[id]].name(), id);
            if (++polls < 3) {
                wake();
                return false;
            }
            books.ran(id);
            int child = id + soak.units;
            laneOf[child] = 0;
            try {
                exec().execute(lanes[0], new LevelUnit(exec(), child, 0, -1, 0)); // local: straight in
                books.accept(child);
            } catch (RejectedExecutionException closing) {
                // finishing: not accepted
            }
            return true;
        }

        @Override
        protected void onCancel() {
            books.cancelled(id);
        }
    }

    private void produce(int p) {
        int per = soak.perProducer();
        long[] seqOf = new long[KEYS * LANES];
        for (int i = 0; i < per; i++) {
            if ((i & 255) == 0 && soak.pastDeadline()) {
                return;
            }
            int id = p * per + i;
            int c = (i / 5) % LANES;
            laneOf[id] = c;
            boolean accepted;
            if (i % 5 == 4) {
                accepted = Soak.retry(group, () -> group.spawn(lanes[c], new Yielder(id)));
            } else {
                int key = Soak.keyOf(i, KEYS);
                int orderKey = key * LANES + c;
                long seq = seqOf[orderKey];
                long deadline = start + TimeUnit.MICROSECONDS.toNanos(i); // increasing per producer
                Exec owner = group.execFor(key);
                accepted = Soak.retry(group,
                    () -> group.execute(lanes[c], key, deadline, new LevelUnit(owner, id, p, orderKey, seq)));
                if (accepted) {
                    seqOf[orderKey]++;
                }
            }
            if (!accepted) {
                return;
            }
            books.accept(id);
        }
    }

    private void handBack(List<Runnable> back) {
        for (Runnable r : back) {
            if (r instanceof LevelUnit) {
                books.handedBack(((LevelUnit) r).id);
            } else {
                books.handedBackStranger(r);
            }
        }
    }

    private void round() throws InterruptedException {
        try {
            List<Thread> producers = Soak.start("soak-levels-producer", soak.producers, this::produce);
            if (end == Soak.End.NOW_DURING_LOAD) {
                Soak.sleepIntoTheRun(soak.units / 4);
                handBack(Soak.closeNow(FEATURE, group));
                Soak.join(FEATURE, producers);
            } else {
                Soak.join(FEATURE, producers);
                try {
                    handBack(group.closeAsync().get(Soak.WAIT_SECONDS, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("[" + FEATURE + "] closeAsync did not complete within "
                        + Soak.WAIT_SECONDS + " s (a lane that is not complete-on-close keeps the Exec open?)", e);
                }
                if (!group.awaitTermination(Soak.WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("[" + FEATURE + "] the group did not terminate after closeAsync");
                }
                for (int id = 0; id < books.ids(); id++) {
                    if (laneOf[id] != backlog && !books.hasRun(id) && books.hasAccepted(id)) {
                        books.fail("id " + id + " of " + lanes[laneOf[id]].name()
                            + " (complete-on-close) did not run on a graceful close");
                    }
                }
            }
        } finally {
            group.shutdownNow();
        }
        books.verify(end.toString(), true); // graceful: backlog may come back; the rest was checked above
    }
}
