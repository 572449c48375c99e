package io.corepin.examples.spatial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.Exec;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SpatialSource}: nearest to the focus first, moves of the focus, ties by arrival, bad positions refused. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpatialSourceTest {

    private static SpatialTask named(String name, double x, double y) {
        return SpatialTask.at(x, y, new Runnable() {
            @Override
            public void run() {
            }

            @Override
            public String toString() {
                return name;
            }
        });
    }

    private static String name(Runnable r) {
        return r instanceof SpatialTask ? r.toString().substring(0, r.toString().indexOf(" at ")) : r.toString();
    }

    private static List<String> drain(SpatialSource s) {
        List<String> out = new ArrayList<>();
        for (Runnable r; (r = s.poll()) != null; ) {
            out.add(name(r));
        }
        return out;
    }

    @Test
    void pollsTheNearestTaskToTheFocusFirst() {
        SpatialSource s = new SpatialSource(Focus.at(0, 0));
        s.offer(named("far", 10, 10), 0L);
        s.offer(named("near", 1, 0), 0L);
        s.offer(named("mid", -3, 4), 0L); // distance 5
        s.offer(named("closest", 0, -0.5), 0L);
        s.offer(named("farther", -20, 0), 0L);
        assertEquals(5, s.size());
        assertEquals(List.of("closest", "near", "mid", "far", "farther"), drain(s));
        assertEquals(0, s.size());
        assertNull(s.poll());
    }

    @Test
    void movingTheFocusChangesWhatComesNext() {
        Focus focus = Focus.at(0, 0);
        SpatialSource s = new SpatialSource(focus);
        for (int x = 0; x < 10; x++) {
            s.offer(named("x" + x, x, 0), 0L);
        }
        assertEquals("x0", name(s.poll()));
        assertEquals("x1", name(s.poll()));
        focus.moveTo(9, 0);
        assertEquals("x9", name(s.poll()), "the next poll measures from the moved focus");
        assertEquals("x8", name(s.poll()));
        focus.moveTo(4.4, 100);
        assertEquals(List.of("x4", "x5", "x3", "x6", "x2", "x7"), drain(s));
    }

    @Test
    void equalDistancesComeInArrivalOrderTheSamePointIncluded() {
        SpatialSource s = new SpatialSource(Focus.at(0, 0));
        s.offer(named("east", 2, 0), 0L);
        s.offer(named("north", 0, 2), 0L);
        s.offer(named("here1", 0, 0), 0L);
        s.offer(named("west", -2, 0), 0L);
        s.offer(named("here2", -0.0, 0), 0L); // -0.0 is the same point as 0.0
        s.offer(named("south", 0, -2), 0L);
        s.offer(named("here3", 0, 0), 0L);
        assertEquals(List.of("here1", "here2", "here3", "east", "north", "west", "south"), drain(s));
        // arrival order is kept across polls too: a tie offered later comes after one offered earlier
        s.offer(named("b", 1, 1), 0L);
        s.offer(named("a", -1, -1), 0L);
        assertEquals("b", name(s.poll()));
        s.offer(named("c", 1, -1), 0L);
        assertEquals(List.of("a", "c"), drain(s));
    }

    @Test
    void aTieAcrossASplitStillGoesToTheEarlierArrival() {
        Focus focus = Focus.at(1, 0);
        SpatialSource s = new SpatialSource(focus);
        s.offer(named("root", 3, 7), 0L);   // splits on x at 3
        s.offer(named("right", 3, 0), 0L);  // x = 3: the right side, exactly as far from the focus as the split
        s.offer(named("left", -1, 0), 0L);  // the focus's own side, the same distance, arrived later
        assertEquals(List.of("right", "left", "root"), drain(s));
    }

    @Test
    void entriesWithoutAPositionAreServedFirstInArrivalOrder() {
        SpatialSource s = new SpatialSource(Focus.at(0, 0));
        Runnable step1 = () -> { };
        Runnable step2 = () -> { };
        s.offer(named("near", 0, 0), 0L);
        s.offer(step1, 0L);
        s.offer(step2, 0L);
        assertEquals(3, s.size());
        assertSame(step1, s.poll(), "work already started (an async task's step, a continuation) first");
        assertSame(step2, s.poll());
        assertEquals("near", name(s.poll()));
    }

    @Test
    void aNaNOrInfinitePositionIsRefusedNamingTheCoordinateAndValue() {
        IllegalArgumentException nanX = assertThrows(IllegalArgumentException.class,
            () -> SpatialTask.at(Double.NaN, 1, () -> { }));
        assertTrue(nanX.getMessage().contains("x") && nanX.getMessage().contains("NaN"), nanX.getMessage());
        IllegalArgumentException infZ = assertThrows(IllegalArgumentException.class,
            () -> SpatialTask.at(1, 2, Double.NEGATIVE_INFINITY, () -> { }));
        assertTrue(infZ.getMessage().contains("z") && infZ.getMessage().contains("-Infinity"), infZ.getMessage());
        IllegalArgumentException badFocus = assertThrows(IllegalArgumentException.class,
            () -> Focus.at(0, Double.NaN));
        assertTrue(badFocus.getMessage().contains("y") && badFocus.getMessage().contains("NaN"),
            badFocus.getMessage());

        Focus focus = Focus.at(0, 0);
        SpatialSource s = new SpatialSource(focus);
        s.offer(named("origin", 0, 0), 0L);
        s.offer(named("far", 50, 50), 0L);
        IllegalArgumentException badMove = assertThrows(IllegalArgumentException.class,
            () -> focus.moveTo(Double.POSITIVE_INFINITY, 0));
        assertTrue(badMove.getMessage().contains("x") && badMove.getMessage().contains("Infinity"),
            badMove.getMessage());
        assertEquals("origin", name(s.poll()), "a refused move leaves the focus where it was");
        assertThrows(NullPointerException.class, () -> SpatialTask.at(0, 0, null));
        assertThrows(NullPointerException.class, () -> new SpatialSource(null));
    }

    /** The k-d tree against a scan: random offers (many on a coarse grid: equal points), polls and focus moves. */
    @Test
    void agreesWithALinearScanThroughRandomOffersPollsAndMoves() {
        for (int dims = 2; dims <= 3; dims++) {
            Random random = new Random(16 + dims);
            Focus focus = dims == 2 ? Focus.at(0, 0) : Focus.at(0, 0, 0);
            SpatialSource s = new SpatialSource(focus);
            List<double[]> held = new ArrayList<>(); // x, y, z, seq
            List<SpatialTask> tasks = new ArrayList<>();
            double fx = 0;
            double fy = 0;
            double fz = 0;
            long seq = 0;
            for (int step = 0; step < 30_000; step++) {
                int op = random.nextInt(10);
                if (op < 5 || held.isEmpty()) {
                    boolean grid = random.nextBoolean();
                    double x = grid ? random.nextInt(8) : random.nextGaussian() * 100;
                    double y = grid ? random.nextInt(8) : random.nextGaussian() * 100;
                    double z = dims == 3 ? (grid ? random.nextInt(3) : random.nextDouble()) : 0;
                    if (step % 1000 < 100) { // runs of sorted insertions
                        x = step;
                        y = step % 7;
                    }
                    SpatialTask t = SpatialTask.at(x, y, z, () -> { });
                    s.offer(t, 0L);
                    held.add(new double[] {x, y, z, seq++});
                    tasks.add(t);
                } else if (op < 9) {
                    int bestAt = -1;
                    double bestD = Double.POSITIVE_INFINITY;
                    for (int i = 0; i < held.size(); i++) { // the scan: smallest distance, then earliest arrival
                        double[] p = held.get(i);
                        double d = (fx - p[0]) * (fx - p[0]) + (fy - p[1]) * (fy - p[1]) + (fz - p[2]) * (fz - p[2]);
                        if (d < bestD || (d == bestD && p[3] < held.get(bestAt)[3])) {
                            bestD = d;
                            bestAt = i;
                        }
                    }
                    assertSame(tasks.get(bestAt), s.poll(), "step " + step);
                    held.remove(bestAt);
                    tasks.remove(bestAt);
                } else {
                    boolean grid = random.nextBoolean(); // on the grid: many ties in distance
                    fx = grid ? random.nextInt(8) : random.nextGaussian() * 100;
                    fy = grid ? random.nextInt(8) : random.nextGaussian() * 100;
                    fz = dims == 3 ? (grid ? random.nextInt(3) : random.nextDouble()) : 0;
                    if (dims == 2) {
                        focus.moveTo(fx, fy);
                    } else {
                        focus.moveTo(fx, fy, fz);
                    }
                }
                assertEquals(held.size(), s.size(), "step " + step);
            }
        }
    }

    @Test
    void sortedInsertionsKeepTheTreeShallow() {
        SpatialSource s = new SpatialSource(Focus.at(0, 0));
        final int n = 100_000;
        for (int i = 0; i < n; i++) {
            s.offer(SpatialTask.at(i / 300, i % 300, () -> { }), 0L); // a grid, row by row: sorted on both axes
        }
        int log2 = 32 - Integer.numberOfLeadingZeros(n);
        assertTrue(s.depth() <= 3 * log2, "depth " + s.depth() + " for " + n + " points");
        for (int i = 0; i < n / 2; i++) {
            s.poll();
        }
        assertEquals(n / 2, s.size());
        assertTrue(s.depth() <= 3 * log2, "depth " + s.depth() + " after half the tasks were polled");
    }

    @Test
    void asALaneOfAnExecItRunsQueuedTasksNearestFirst() throws Exception {
        Focus focus = Focus.at(5, 5);
        Lane nearby = Lane.of("nearby", () -> new SpatialSource(focus));
        Lane control = Lane.fifo("control");
        Levels levels = Levels.builder().level(control).level(nearby).build();
        Exec exec = Exec.builder().name("spatial").levels(levels).daemon(true).build();
        try {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch open = new CountDownLatch(1);
            exec.execute(control, () -> { // holds the Exec while the test queues from its own thread
                entered.countDown();
                try {
                    open.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch ran = new CountDownLatch(9);
            for (int x = 0; x <= 10; x += 5) {
                for (int y = 0; y <= 10; y += 5) {
                    String cell = x + "," + y;
                    exec.execute(nearby, SpatialTask.at(x, y, () -> {
                        order.add(cell);
                        ran.countDown();
                        if (cell.equals("5,5")) {
                            focus.moveTo(10, 10); // from the Exec's thread here; any thread may
                        }
                    }));
                }
            }
            open.countDown();
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            assertEquals("5,5", order.get(0));
            assertEquals("10,10", order.get(1), "the move made by the first task steers the next poll");
            assertEquals(List.of("5,10", "10,5"), order.subList(2, 4), "equal distances: arrival order");
            assertEquals("0,0", order.get(8));
        } finally {
            exec.shutdownNow().get(10, TimeUnit.SECONDS);
        }
    }
}
