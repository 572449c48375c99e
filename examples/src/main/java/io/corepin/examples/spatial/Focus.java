package io.corepin.examples.spatial;

/**
 * The point a {@link SpatialSource} serves tasks nearest to — a player, a camera, a cursor — movable from any
 * thread. One {@code Focus} may be shared by the sources of every Exec of a group (each Exec has its own source).
 *
 * <p><b>Threading.</b> {@link #moveTo} may be called from any thread: it publishes a new immutable point with one
 * volatile store. A source reads the focus once per {@link SpatialSource#poll() poll} (one volatile load), so a poll
 * sees either the old point or the new one, never a mix of their coordinates; a move is seen by the first poll that
 * starts after it (tasks already polled are not re-ordered).
 */
public final class Focus {
    /** An immutable point; three coordinates, z = 0 in the plane. */
    static final class Point {
        final double x;
        final double y;
        final double z;

        Point(double x, double y, double z) {
            this.x = finite("x", x) + 0.0; // + 0.0: -0.0 becomes 0.0, so equal points compare equal everywhere
            this.y = finite("y", y) + 0.0;
            this.z = finite("z", z) + 0.0;
        }

        double coordinate(int axis) {
            return axis == 0 ? x : axis == 1 ? y : z;
        }

        @Override
        public String toString() {
            return "(" + x + ", " + y + (z != 0.0 ? ", " + z : "") + ")";
        }
    }

    /** The current point: written by any thread, read once per poll (volatile). */
    private volatile Point point;
    private final int dimensions;

    private Focus(Point point, int dimensions) {
        this.point = point;
        this.dimensions = dimensions;
    }

    /**
     * A focus in the plane, at (x, y): its sources split on x and y only (a task's z still counts in distances).
     *
     * @throws IllegalArgumentException naming the coordinate if one is NaN or infinite
     */
    public static Focus at(double x, double y) {
        return new Focus(new Point(x, y, 0.0), 2);
    }

    /**
     * A focus in space, at (x, y, z).
     *
     * @throws IllegalArgumentException naming the coordinate if one is NaN or infinite
     */
    public static Focus at(double x, double y, double z) {
        return new Focus(new Point(x, y, z), 3);
    }

    /**
     * Moves the focus to (x, y) (z = 0). Any thread.
     *
     * @throws IllegalArgumentException naming the coordinate if one is NaN or infinite (the focus stays put)
     */
    public void moveTo(double x, double y) {
        moveTo(x, y, 0.0);
    }

    /**
     * Moves the focus to (x, y, z). Any thread.
     *
     * @throws IllegalArgumentException naming the coordinate if one is NaN or infinite (the focus stays put)
     */
    public void moveTo(double x, double y, double z) {
        point = new Point(x, y, z); // volatile store: the whole point at once
    }

    /** The current point (one volatile load): what a poll measures distances from. */
    Point point() {
        return point;
    }

    /** 2 (the plane) or 3 (space): the axes a source splits on. */
    int dimensions() {
        return dimensions;
    }

    @Override
    public String toString() {
        return "focus " + point;
    }

    static double finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite coordinate, got " + value);
        }
        return value;
    }
}
