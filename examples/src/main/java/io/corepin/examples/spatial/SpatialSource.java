package io.corepin.examples.spatial;

import io.corepin.levels.TaskSource;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A lane's source that serves the task nearest to a movable {@link Focus} first (smartpool-spatial): chunks to load
 * around a player, tiles to render around a camera. Submit {@link SpatialTask}s:
 *
 * <pre>{@code
 * Focus player = Focus.at(0, 0);
 * Lane nearby = Lane.of("nearby", () -> new SpatialSource(player));    // one source per Exec, one shared focus
 * Exec exec = Exec.builder().levels(Levels.builder().level(nearby).build()).build();
 * exec.execute(nearby, SpatialTask.at(12, -3, () -> load(12, -3)));
 * player.moveTo(40, 8);                                                // any thread: later polls follow it
 * }</pre>
 *
 * <h2>Order</h2>
 * {@link #poll()} returns the held task at the smallest Euclidean distance from the focus as it is at that poll;
 * tasks at equal distances (the same point included) come in arrival order. Entries that are not
 * {@code SpatialTask}s — corepin's own (an async task's steps, promise continuations, yields queued here because
 * this is their lane or followup lane) or plain {@code Runnable}s — have no position: they are served first, FIFO,
 * so that work already started finishes before new work starts.
 *
 * <h2>Structure and cost</h2>
 * A k-d tree with a FIFO queue per distinct point. A node's split axis is the widest of its subtree's points when
 * the subtree is (re)built, the next axis for a leaf inserted under it. Every node counts the tasks held in its
 * subtree, so the nearest-neighbour search skips subtrees emptied by earlier polls (which cluster round the focus).
 * Insertions keep the tree weight-balanced as a scapegoat tree does: a leaf deeper than
 * log<sub>4/3</sub>(nodes) + 1 rebuilds, by medians, the lowest ancestor whose child holds more than 3/4 of its
 * nodes. Nodes left empty stay as routing nodes until they are half the tree, then the tree is rebuilt from the
 * held tasks. So {@code offer} costs O(log n) amortised (O(log² n) counting rebuilds) and {@code poll} the
 * nearest-neighbour search, O(log n) for points spread in the plane (O(√n) in the worst case) — against O(n) for a
 * scan; {@code SpatialSourceTest} checks it against a scan, and {@link SpatialDemo} times both.
 *
 * <p><b>Threading.</b> As every {@link TaskSource}: one instance per Exec, used on that Exec's thread only (plain
 * fields). The {@link Focus} is the one thing other threads touch: read once per poll.
 */
public final class SpatialSource implements TaskSource {
    private static final double ALPHA = 0.75;
    private static final double LOG_INV_ALPHA = Math.log(1 / ALPHA);

    /** One task held, with its arrival number (the tie-break). */
    private static final class Entry {
        final Runnable task;
        final long seq;

        Entry(Runnable task, long seq) {
            this.task = task;
            this.seq = seq;
        }
    }

    /** A distinct point and the tasks at it. Left subtree: coordinate(axis) below ours; right: at or above. */
    private static final class Node {
        final Focus.Point at;
        final ArrayDeque<Entry> here = new ArrayDeque<>(1);
        int axis;
        Node left;
        Node right;
        Node parent;
        /** Nodes in this subtree, this one included (empty ones too). */
        int nodes;
        /** Tasks held in this subtree. */
        int held;

        Node(Focus.Point at, int axis, Node parent) {
            this.at = at;
            this.axis = axis;
            this.parent = parent;
        }
    }

    private final Focus focus;
    private final int dims;
    private final ArrayDeque<Runnable> unplaced = new ArrayDeque<>();
    private Node root;
    private int nodeCount;
    private int emptyNodes;
    private int held;
    private long seq;
    // the search's state (owner thread only)
    private Node best;
    private double bestDistance;
    private long bestSeq;

    /** A source ordered by distance to {@code focus} (shared by all the sources of a lane, if it likes). */
    public SpatialSource(Focus focus) {
        this.focus = java.util.Objects.requireNonNull(focus, "focus");
        this.dims = focus.dimensions();
    }

    @Override
    public void offer(Runnable task, long deadlineNanos) {
        if (!(task instanceof SpatialTask)) {
            unplaced.addLast(task);
            return;
        }
        final Focus.Point p = ((SpatialTask) task).at;
        final Entry e = new Entry(task, seq++);
        held++;
        if (root == null) {
            root = new Node(p, 0, null);
            root.here.add(e);
            root.nodes = 1;
            root.held = 1;
            nodeCount = 1;
            return;
        }
        Node n = root;
        int depth = 0;
        while (true) {
            if (n.at.x == p.x && n.at.y == p.y && n.at.z == p.z) { // a point seen before: behind its tasks
                if (n.here.isEmpty()) {
                    emptyNodes--;
                }
                n.here.addLast(e);
                for (Node a = n; a != null; a = a.parent) {
                    a.held++;
                }
                return;
            }
            final Node next = p.coordinate(n.axis) < n.at.coordinate(n.axis) ? n.left : n.right;
            if (next == null) {
                break;
            }
            n = next;
            depth++;
        }
        final Node leaf = new Node(p, n.axis + 1 == dims ? 0 : n.axis + 1, n);
        leaf.here.add(e);
        if (p.coordinate(n.axis) < n.at.coordinate(n.axis)) {
            n.left = leaf;
        } else {
            n.right = leaf;
        }
        nodeCount++;
        leaf.nodes = 1;
        leaf.held = 1;
        for (Node a = n; a != null; a = a.parent) {
            a.nodes++;
            a.held++;
        }
        if (depth + 1 > (int) (Math.log(nodeCount) / LOG_INV_ALPHA) + 1) {
            rebalanceAbove(leaf);
        }
    }

    @Override
    public Runnable poll() {
        final Runnable first = unplaced.pollFirst();
        if (first != null) {
            return first;
        }
        if (held == 0) {
            return null;
        }
        final Focus.Point f = focus.point(); // one volatile load per poll
        best = null;
        bestDistance = Double.POSITIVE_INFINITY;
        bestSeq = Long.MAX_VALUE;
        nearest(root, f);
        final Node n = best;
        best = null;
        final Entry e = n.here.pollFirst();
        for (Node a = n; a != null; a = a.parent) {
            a.held--;
        }
        held--;
        if (n.here.isEmpty() && ++emptyNodes > 32 && 2 * emptyNodes > nodeCount) {
            rebuildAll();
        }
        return e.task;
    }

    @Override
    public int size() {
        return held + unplaced.size();
    }

    /** The nearest held point to {@code f}; ties by arrival. Prunes a side that cannot hold one as near. */
    private void nearest(Node n, Focus.Point f) {
        if (n == null || n.held == 0) {
            return;
        }
        final Entry head = n.here.peekFirst();
        if (head != null) {
            final double dx = f.x - n.at.x;
            final double dy = f.y - n.at.y;
            final double dz = f.z - n.at.z;
            final double d = dx * dx + dy * dy + dz * dz;
            if (d < bestDistance || (d == bestDistance && head.seq < bestSeq)) {
                best = n;
                bestDistance = d;
                bestSeq = head.seq;
            }
        }
        final double diff = f.coordinate(n.axis) - n.at.coordinate(n.axis);
        final Node near = diff < 0 ? n.left : n.right;
        final Node far = diff < 0 ? n.right : n.left;
        nearest(near, f);
        // every point across the split is at least |diff| away on this axis (exactly so in floating point too:
        // subtraction and squaring round monotonically); equal may still win a tie by arrival, so only > prunes
        if (diff * diff <= bestDistance) {
            nearest(far, f);
        }
    }

    /** After a deep insertion: rebuilds the lowest ancestor of {@code leaf} whose one child outweighs it. */
    private void rebalanceAbove(Node leaf) {
        Node child = leaf;
        for (Node a = leaf.parent; a != null; child = a, a = a.parent) {
            if (child.nodes > ALPHA * a.nodes) {
                rebuild(a);
                return;
            }
        }
    }

    private void rebuildAll() {
        if (root != null) {
            rebuild(root);
        }
    }

    /** Rebuilds the subtree at {@code top} by medians, dropping its empty nodes. */
    private void rebuild(Node top) {
        final Node parent = top.parent;
        final Node[] keep = new Node[top.nodes];
        final int kept = collect(top, keep, 0);
        final int dropped = top.nodes - kept;
        final Node built = build(keep, 0, kept, parent);
        if (parent == null) {
            root = built;
        } else if (parent.left == top) {
            parent.left = built;
        } else {
            parent.right = built;
        }
        for (Node a = parent; a != null; a = a.parent) {
            a.nodes -= dropped;
        }
        nodeCount -= dropped;
        emptyNodes -= dropped;
    }

    private static int collect(Node n, Node[] into, int at) {
        if (n == null) {
            return at;
        }
        if (!n.here.isEmpty()) {
            into[at++] = n;
        }
        at = collect(n.left, into, at);
        return collect(n.right, into, at);
    }

    /** A balanced subtree of {@code a[lo, hi)}: split on its widest axis, at the median's run of equal values. */
    private Node build(Node[] a, int lo, int hi, Node parent) {
        if (lo >= hi) {
            return null;
        }
        final int axis = widestAxis(a, lo, hi);
        Arrays.sort(a, lo, hi, Comparator.comparingDouble(n -> n.at.coordinate(axis)));
        final int mid = (lo + hi) >>> 1;
        final double median = a[mid].at.coordinate(axis);
        int start = mid; // first of the median's run: everything before it is strictly below
        while (start > lo && a[start - 1].at.coordinate(axis) == median) {
            start--;
        }
        int above = mid + 1; // first strictly above the median
        while (above < hi && a[above].at.coordinate(axis) == median) {
            above++;
        }
        final int m = above < hi && above - mid < mid - start ? above : start;
        final Node n = a[m];
        n.axis = axis;
        n.parent = parent;
        n.left = build(a, lo, m, n);
        n.right = build(a, m + 1, hi, n);
        n.nodes = hi - lo;
        n.held = n.here.size() + (n.left == null ? 0 : n.left.held) + (n.right == null ? 0 : n.right.held);
        return n;
    }

    private int widestAxis(Node[] a, int lo, int hi) {
        int widest = 0;
        double widestSpread = -1;
        for (int axis = 0; axis < dims; axis++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = lo; i < hi; i++) {
                final double c = a[i].at.coordinate(axis);
                min = Math.min(min, c);
                max = Math.max(max, c);
            }
            if (max - min > widestSpread) {
                widestSpread = max - min;
                widest = axis;
            }
        }
        return widest;
    }

    /** Depth of the tree (for tests of the balance). */
    int depth() {
        return depth(root);
    }

    private static int depth(Node n) {
        return n == null ? 0 : 1 + Math.max(depth(n.left), depth(n.right));
    }

    @Override
    public String toString() {
        return "spatial(" + focus + ", " + size() + " held)";
    }
}
