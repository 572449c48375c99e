package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.AffinityPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Standby Execs ({@link ExecGroup.Builder#standby}): while every Exec of a group is stalled, un-keyed work — new, and
 * what waited behind the stalled tasks — runs on unpinned standby Execs started for it; they end themselves once
 * idle. Keyed work stays with its key's Exec.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StandbyTest {
    private final ManualClock clock = new ManualClock();

    private ExecGroup group(String name, int standby) {
        ExecGroup.Builder b = ExecGroup.builder().affinity(AffinityPlan.unpinned(2))
            .execSettings(Exec.builder().name(name).clock(clock).daemon(true)); // 10 ms stall threshold
        return (standby > 0 ? b.standby(standby, Duration.ofMillis(200)) : b).build();
    }

    /** Holds both Execs and moves the clock on until the guard has reported both. */
    private void stallBoth(ExecGroup g, StallGuardTest.Holder h0, StallGuardTest.Holder h1) throws Exception {
        assertTrue(h0.hold.entered.await(10, TimeUnit.SECONDS) && h1.hold.entered.await(10, TimeUnit.SECONDS));
        Stalls.awaitStalled(clock, g.exec(0), g.exec(1));
    }

    private static boolean isStandby(String execName) {
        return execName.contains("-standby-");
    }

    @Test
    void whileEveryExecIsStalledUnkeyedWorkRunsOnAStandbyExecThatEndsItselfOnceIdle() throws Exception {
        try (ExecGroup g = group("standby", 4)) {
            final StallGuardTest.Holder h0 = new StallGuardTest.Holder();
            final StallGuardTest.Holder h1 = new StallGuardTest.Holder();
            g.exec(0).execute(h0);
            g.exec(1).execute(h1);
            final List<String> ranOn = Collections.synchronizedList(new ArrayList<>());
            final CountDownLatch queued = new CountDownLatch(10);
            final CountDownLatch fresh = new CountDownLatch(10);
            final CountDownLatch keyed = new CountDownLatch(1);
            final List<Exec> standbys;
            try {
                assertTrue(h0.hold.entered.await(10, TimeUnit.SECONDS) && h1.hold.entered.await(10, TimeUnit.SECONDS));
                for (int i = 0; i < 10; i++) { // queued behind the held tasks, 5 on each Exec (round robin)
                    g.execute(() -> {
                        ranOn.add(Exec.current().name());
                        queued.countDown();
                    });
                }
                g.execute(0, () -> {
                    ranOn.add("keyed@" + Exec.current().name());
                    keyed.countDown();
                });
                assertTrue(g.standbyExecs().isEmpty(), "a standby Exec before any stall: " + g.standbyExecs());
                stallBoth(g, h0, h1);
                for (int i = 0; i < 10; i++) { // submitted during the stalls
                    g.execute(() -> {
                        ranOn.add(Exec.current().name());
                        fresh.countDown();
                    });
                }
                assertTrue(fresh.await(5, TimeUnit.SECONDS), "new un-keyed work did not run: " + ranOn);
                // all but the entry right behind each held task (the owner may hold it): 5 queued per Exec, 1 stays
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (queued.getCount() > 2 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertEquals(2, queued.getCount(),
                    "queued un-keyed work was not moved to a standby Exec: " + queued.getCount() + " left, " + ranOn);
                standbys = g.standbyExecs();
                assertEquals(1, standbys.size(), "one standby Exec is enough: " + standbys);
                assertEquals(AffinityPlan.UNPINNED, standbys.get(0).cpu());
                synchronized (ranOn) {
                    for (String name : ranOn) {
                        assertTrue(isStandby(name), "ran on " + name + " while both Execs were held: " + ranOn);
                    }
                }
                assertEquals(1, keyed.getCount(), "keyed work left its key's Exec: " + ranOn);
            } finally {
                h0.hold.release();
                h1.hold.release();
            }
            assertTrue(keyed.await(5, TimeUnit.SECONDS));
            assertTrue(ranOn.contains("keyed@" + g.exec(0).name()), ranOn.toString());
            assertTrue(queued.await(5, TimeUnit.SECONDS), "the entries right behind the held tasks after them");
            // idle for 200 ms of the group's clock: the standby Exec ends itself (checked every 50 ms, shut down a
            // check later)
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!standbys.get(0).isTerminated()) {
                assertTrue(System.nanoTime() < deadline, "the standby Exec did not end: " + standbys.get(0));
                clock.advance(20, TimeUnit.MILLISECONDS);
                Thread.sleep(2);
            }
            assertTrue(g.standbyExecs().isEmpty(), "still listed: " + g.standbyExecs());
            // the group works on: its own Execs take un-keyed work again
            assertEquals(g.exec(0).name().replace("-0", ""), g.submit(() -> Exec.current().name())
                .get(5, TimeUnit.SECONDS).replaceAll("-[01]$", ""));
        }
    }

    /** A group of one Exec has no sibling: its queued un-keyed work is rescued to a standby Exec. */
    @Test
    void aGroupOfOneRescuesItsQueuedWorkToAStandbyExec() throws Exception {
        try (ExecGroup g = ExecGroup.builder().affinity(AffinityPlan.unpinned(1)).detourStalled(true)
            .standby(2, Duration.ofMillis(200))
            .execSettings(Exec.builder().name("standby-one").clock(clock).daemon(true)).build()) {
            final StallGuardTest.Holder holder = new StallGuardTest.Holder();
            g.exec(0).execute(holder);
            final List<String> ranOn = Collections.synchronizedList(new ArrayList<>());
            final CountDownLatch done = new CountDownLatch(10);
            try {
                assertTrue(holder.hold.entered.await(10, TimeUnit.SECONDS));
                for (int i = 0; i < 10; i++) {
                    g.execute(() -> {
                        ranOn.add(Exec.current().name());
                        done.countDown();
                    });
                }
                Stalls.awaitReported(clock, g.exec(0), holder);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (done.getCount() > 1 && System.nanoTime() < deadline) { // all but the one behind the holder
                    Thread.sleep(1);
                }
                assertEquals(1, done.getCount(), "queued work was not rescued: " + ranOn);
                synchronized (ranOn) {
                    for (String name : ranOn) {
                        assertTrue(isStandby(name), "ran on " + name + " while the Exec was held: " + ranOn);
                    }
                }
                assertEquals(9, g.exec(0).rescued());
            } finally {
                holder.hold.release();
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void withoutStandbyWorkWaitsForTheStalledExecs() throws Exception {
        try (ExecGroup g = group("no-standby", 0)) {
            final StallGuardTest.Holder h0 = new StallGuardTest.Holder();
            final StallGuardTest.Holder h1 = new StallGuardTest.Holder();
            g.exec(0).execute(h0);
            g.exec(1).execute(h1);
            final CountDownLatch done = new CountDownLatch(4);
            try {
                stallBoth(g, h0, h1);
                for (int i = 0; i < 4; i++) {
                    g.execute(done::countDown);
                }
                assertFalse(done.await(300, TimeUnit.MILLISECONDS), "work ran with every Exec held");
                assertTrue(g.standbyExecs().isEmpty());
            } finally {
                h0.hold.release();
                h1.hold.release();
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ExecGroup.builder().standby(-1, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ExecGroup.builder().standby(2, Duration.ZERO));
        assertTrue(e.getMessage().contains("PT0S"), e.getMessage());
    }

    /** The global group scales: with all of its Execs held, spawns still run, on standby Execs. */
    @Test
    void theGlobalGroupHasStandbyExecs() throws Exception {
        final ExecGroup g = Corepin.startGlobal(hook -> { });
        try {
            final List<StallGuardTest.Holder> holders = new ArrayList<>();
            for (int i = 0; i < g.size(); i++) {
                StallGuardTest.Holder h = new StallGuardTest.Holder();
                holders.add(h);
                g.exec(i).execute(h);
            }
            try {
                final Exec[] all = new Exec[g.size()];
                for (int i = 0; i < all.length; i++) {
                    all[i] = g.exec(i);
                }
                Stalls.awaitStalled(null, all); // real time: 10 ms threshold, 5 ms guard period
                final String where = g.submit(() -> Exec.current().name()).get(5, TimeUnit.SECONDS);
                assertTrue(isStandby(where), "ran on " + where);
                assertTrue(where.startsWith("corepin-global-standby-"), where);
            } finally {
                for (StallGuardTest.Holder h : holders) {
                    h.hold.release();
                }
            }
        } finally {
            g.close();
        }
    }
}
