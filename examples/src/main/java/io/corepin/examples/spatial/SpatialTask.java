package io.corepin.examples.spatial;

import java.util.Objects;

/**
 * A task with a position, for a {@link SpatialSource} lane: {@code exec.execute(lane, SpatialTask.at(x, y, body))}.
 * Immutable; the position is checked here, on the submitting thread, so a bad one never reaches the Exec.
 */
public final class SpatialTask implements Runnable {
    final Focus.Point at;
    private final Runnable body;

    private SpatialTask(Focus.Point at, Runnable body) {
        this.at = at;
        this.body = Objects.requireNonNull(body, "body");
    }

    /**
     * {@code body} at (x, y) (z = 0).
     *
     * @throws IllegalArgumentException naming the coordinate if one is NaN or infinite
     */
    public static SpatialTask at(double x, double y, Runnable body) {
        return new SpatialTask(new Focus.Point(x, y, 0.0), body);
    }

    /**
     * {@code body} at (x, y, z).
     *
     * @throws IllegalArgumentException naming the coordinate if one is NaN or infinite
     */
    public static SpatialTask at(double x, double y, double z, Runnable body) {
        return new SpatialTask(new Focus.Point(x, y, z), body);
    }

    public double x() {
        return at.x;
    }

    public double y() {
        return at.y;
    }

    public double z() {
        return at.z;
    }

    @Override
    public void run() {
        body.run();
    }

    @Override
    public String toString() {
        return body + " at " + at;
    }
}
