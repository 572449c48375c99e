package io.corepin.examples.spatial;

import io.corepin.Exec;
import io.corepin.levels.Lane;
import io.corepin.levels.Levels;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A spatial lane on one Exec: a 32 × 32 grid of "chunk loads" queued at once while a player walks the diagonal on
 * another thread (a step per 128 chunks loaded); the Exec loads the chunks nearest to the player first, and the
 * printed trace follows the walk.
 * Then the source's cost: offer and poll of 10^5 tasks against a linear scan.
 *
 * <pre>{@code bash examples/spatial.sh}</pre>
 */
public final class SpatialDemo {
    private SpatialDemo() {
    }

    public static void main(String[] args) throws Exception {
        final int side = 32;
        final Focus player = Focus.at(0, 0);
        final Lane chunks = Lane.of("chunks", () -> new SpatialSource(player));
        final Levels levels = Levels.builder().level(chunks).build();
        try (Exec exec = Exec.builder().name("loader").levels(levels).build()) {
            final int total = side * side;
            final CountDownLatch loaded = new CountDownLatch(total);
            final int[] chunkAt = new int[total]; // what the n-th load was, and where the player stood: the Exec
            final Focus.Point[] playerAt = new Focus.Point[total]; // writes, main reads after the latch
            final int[] count = {0}; // the Exec's thread only
            exec.execute(() -> { // the world generator, on the Exec: local submits go straight into the lane
                for (int x = 0; x < side; x++) {
                    for (int y = 0; y < side; y++) {
                        final int chunk = x * side + y;
                        exec.execute(chunks, SpatialTask.at(x, y, () -> {
                            spin(50_000); // "loading" a chunk: 50 µs of work
                            chunkAt[count[0]] = chunk;
                            playerAt[count[0]++] = player.point();
                            loaded.countDown();
                        }));
                    }
                }
            });
            // this thread is the player: a step along the diagonal every 128 chunks loaded
            for (int step = 1; step < 8; step++) {
                final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (loaded.getCount() > total - step * 128L) {
                    if (System.nanoTime() - end > 0) {
                        throw new IllegalStateException("chunks not loaded within 30 s");
                    }
                    Thread.sleep(1);
                }
                player.moveTo(step * (side - 1) / 7.0, step * (side - 1) / 7.0); // any thread: the next poll sees it
            }
            if (!loaded.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("chunks not loaded within 30 s");
            }
            for (int n = 63; n < total; n += 64) {
                final int x = chunkAt[n] / side;
                final int y = chunkAt[n] % side;
                final Focus.Point p = playerAt[n];
                System.out.printf("load %4d: chunk (%2d, %2d), player at (%5.2f, %5.2f), %5.2f away%n",
                    n + 1, x, y, p.x, p.y, Math.hypot(x - p.x, y - p.y));
            }
        }
        cost(100_000);
    }

    /** offer + poll of n tasks through the k-d tree, against a linear scan of an array for each poll (n ≤ 10^4). */
    private static void cost(int n) {
        final java.util.Random random = new java.util.Random(1);
        final SpatialTask[] tasks = new SpatialTask[n];
        for (int i = 0; i < n; i++) {
            tasks[i] = SpatialTask.at(random.nextDouble() * 1000, random.nextDouble() * 1000, () -> { });
        }
        final Focus focus = Focus.at(500, 500);
        for (int round = 0; round < 3; round++) { // the last round is reported (JIT warmed up)
            SpatialSource s = new SpatialSource(focus);
            long t0 = System.nanoTime();
            for (SpatialTask t : tasks) {
                s.offer(t, 0L);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (i % 100 == 0) {
                    focus.moveTo(random.nextDouble() * 1000, random.nextDouble() * 1000);
                }
                s.poll();
            }
            long t2 = System.nanoTime();
            int scanN = Math.min(n, 10_000);
            long scan = scanCost(tasks, scanN, focus);
            if (round == 2) {
                System.out.printf("spatial source, %d tasks: offer %.0f ns, poll %.0f ns (focus moved every 100 polls);"
                        + " a linear scan of %d: %.0f ns per poll%n",
                    n, (t1 - t0) / (double) n, (t2 - t1) / (double) n, scanN, scan / (double) scanN);
            }
        }
    }

    private static long scanCost(SpatialTask[] all, int n, Focus focus) {
        final SpatialTask[] left = java.util.Arrays.copyOf(all, n);
        int size = n;
        final long t0 = System.nanoTime();
        while (size > 0) {
            final Focus.Point f = focus.point();
            int best = 0;
            double bestD = Double.POSITIVE_INFINITY;
            for (int i = 0; i < size; i++) {
                double dx = f.x - left[i].at.x;
                double dy = f.y - left[i].at.y;
                double d = dx * dx + dy * dy;
                if (d < bestD) {
                    bestD = d;
                    best = i;
                }
            }
            left[best] = left[--size];
        }
        return System.nanoTime() - t0;
    }

    private static void spin(long nanos) {
        final long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}
