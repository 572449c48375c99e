package io.corepin.soak;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.WorkBalancing;
import io.corepin.affinity.AffinityPlan;
import java.time.Duration;
import java.util.List;

/**
 * Work balancing: a group with {@link WorkBalancing#donateAbove} whose balancer sends every un-keyed task to Exec 0
 * (the worst skew, so that Exec 0's backlog passes the threshold and it donates chunks to its siblings). Producer
 * threads mix un-keyed {@code execute(task)} with keyed {@code execute(key, task)}. Checked: every accepted task
 * runs once (after shutdownNow: ran + handed back = accepted), keyed tasks run on their key's Exec (they never
 * migrate) in submit order per (producer, key).
 */
public final class WorkBalancingSoak {
    static final String FEATURE = "work balancing";
    private static final int KEYS = 64;

    private final Soak soak;
    private final Soak.End end;
    private final Books books;
    private final ExecGroup group;

    private WorkBalancingSoak(Soak soak, Soak.End end) {
        this.soak = soak;
        this.end = end;
        this.books = new Books(FEATURE, soak.units, soak.producers, KEYS);
        this.group = ExecGroup.builder().affinity(AffinityPlan.unpinned(soak.execs))
            .balancer((task, g) -> 0)
            .workBalancing(WorkBalancing.donateAbove(32, 64))
            .backpressure(io.corepin.Backpressure.block(Duration.ofSeconds(Soak.WAIT_SECONDS)))
            .execSettings(Soak.execSettings("soak-wb", books)).build();
    }

    /** One round; throws AssertionError naming what broke. */
    public static void run(Soak soak, Soak.End end) throws InterruptedException {
        new WorkBalancingSoak(soak, end).round();
    }

    private final class Unit implements Runnable {
        final int id;
        final int producer;
        final int key; // -1: un-keyed
        final long seq;
        final Exec owner; // keyed: the key's Exec

        Unit(int id, int producer, int key, long seq) {
            this.id = id;
            this.producer = producer;
            this.key = key;
            this.seq = seq;
            this.owner = key < 0 ? null : group.execFor(key);
        }

        @Override
        public void run() {
            if (key >= 0) {
                books.placement(owner, "keyed task (keyed work never migrates)", id);
                books.observe(producer, key, seq);
            } else if (Exec.current() == null) {
                books.fail("id " + id + " ran off the group's Execs, on " + Thread.currentThread().getName());
            }
            long h = id;
            for (int r = 0; r < 50; r++) { // a little work, so that a backlog builds
                h = h * 31 + r;
            }
            if (h == 42) {
                books.fail("unreachable");
            }
            books.ran(id);
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
            boolean keyed = i % 3 == 0;
            int key = keyed ? Soak.keyOf(i, KEYS) : -1;
            Unit u = new Unit(id, p, key, keyed ? seqOfKey[key] : 0);
            boolean accepted = Soak.retry(group, () -> {
                if (keyed) {
                    group.execute(key, u);
                } else {
                    group.execute(u);
                }
            });
            if (!accepted) {
                return;
            }
            if (keyed) {
                seqOfKey[key]++;
            }
            books.accept(id);
        }
    }

    private void round() throws InterruptedException {
        try {
            List<Thread> producers = Soak.start("soak-wb-producer", soak.producers, this::produce);
            if (end == Soak.End.NOW_DURING_LOAD) {
                Soak.sleepIntoTheRun(soak.units / 4);
                for (Runnable r : Soak.closeNow(FEATURE, group)) {
                    if (r instanceof Unit) {
                        books.handedBack(((Unit) r).id);
                    } else {
                        books.handedBackStranger(r);
                    }
                }
                Soak.join(FEATURE, producers);
            } else {
                Soak.join(FEATURE, producers);
                Soak.closeGracefully(FEATURE, group);
            }
        } finally {
            group.shutdownNow();
        }
        long donated = 0;
        for (int i = 0; i < group.size(); i++) {
            donated += group.exec(i).tasksDonated();
        }
        System.out.println("[soak] " + FEATURE + " " + end + ": " + donated + " tasks donated");
        books.verify(end.toString(), end == Soak.End.NOW_DURING_LOAD);
    }
}
