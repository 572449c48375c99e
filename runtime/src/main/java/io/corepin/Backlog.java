package io.corepin;

import io.corepin.ring.MpscRing;
import io.corepin.ring.Ring;
import io.corepin.ring.internal.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.Consumer;

/**
 * The entries an Exec accepted behind its ring: what a submitter that must not park (an Exec thread under
 * {@link Backpressure#block}) hands over when the ring is full, and every keyed submission while earlier ones wait
 * here. A linked MPSC queue, one per Exec (the target's, not the sender's: then every submitter meets the same
 * queue, which is what keeps per-key order across senders); each caller says how much room it may use (a ring's
 * capacity for other threads, unbounded for the owner, whose local queue this replaces for keyed work).
 *
 * <h2>Order (per key: the happens-before order of the submits)</h2>
 * A keyed submission ({@link #offer}) goes into the ring only while this backlog is empty; otherwise, and when the
 * ring is full and the caller may not wait, it is appended here with a <em>barrier</em>: the ring's producer count
 * read before the append. The owner takes an entry only once its ring's consumer index has reached the entry's
 * barrier, and it publishes "taken" before running it. So, for two submits of one key where {@code a} happens before
 * {@code b}:
 * <ul>
 *   <li>both in the ring: ring order is claim order;
 *   <li>{@code a} in the ring, {@code b} here: {@code b}'s barrier counts {@code a}'s claim, so {@code b} is taken
 *       after {@code a} was consumed;
 *   <li>{@code a} here, {@code b} after it: {@code b} sees this backlog non-empty (it reads the tail after
 *       {@code a}'s append) and is appended behind {@code a} — unless the owner already took {@code a}, which then
 *       runs (or is dispatched, with levels) before the owner consumes anything newer from its ring.
 * </ul>
 * Submits that are not ordered by happens-before may run in either order, as with the ring alone.
 *
 * <p>Why the key's own Exec submits through the ring (one CAS) rather than its local queue: a local entry overtakes
 * ring entries of the key still waiting beyond the turn's burst; and even a local entry that waited until the
 * consumer index passed the producer index it saw would let a <em>later</em> ring submit of the key (one made by a
 * thread that the owner's task signalled) run first, because a turn drains its whole ring burst before it looks at
 * anything else. The ring is the one queue whose order is the order of the submits. Why the target's backlog and
 * not an outbox per sender: two senders' outboxes drain independently, so a submit parked in one could be overtaken
 * by a later submit of the same key from another sender that found room, or from the other outbox.
 *
 * <h2>Acceptance and closing</h2>
 * Appending is a CAS on the tail, and {@link #close()} swaps the tail for a {@link Closed} marker with the same CAS,
 * so every append either precedes the close (the entry is run by a graceful close, handed back by
 * {@code shutdownNow}: it belongs to the Exec like a ring entry) or fails with {@link MpscRing#CLOSED} (the submitter
 * gets the rejection). The owner's empty check per turn is one plain load of its head and one opaque load of the
 * head's link (plain movs); taking an entry is an acquire load, plain stores and one release store: the owner
 * never executes an atomic read-modify-write here.
 */
final class Backlog {
    /** Room for the owner's own submissions, which used to join its unbounded local queue. */
    static final long UNBOUNDED = Long.MAX_VALUE;

    private static final VarHandle TAIL =
        VarHandles.field(MethodHandles.lookup(), Backlog.class, "tail", Node.class);
    private static final VarHandle TAKEN =
        VarHandles.field(MethodHandles.lookup(), Backlog.class, "taken", long.class);
    private static final VarHandle NEXT =
        VarHandles.field(MethodHandles.lookup(), Node.class, "next", Node.class);

    /** One accepted entry. {@code seq} is written before the CAS that publishes the node. */
    static class Node {
        Runnable task;       // plain: published by the append CAS; cleared by the owner when taken
        final long barrier;  // the ring's producer count when the entry was appended
        long seq;            // plain: published by the append CAS
        volatile Node next;  // release store by the appender, acquire/opaque loads by the owner

        Node(Runnable task, long barrier) {
            this.task = task;
            this.barrier = barrier;
        }
    }

    /** The tail once closed: remembers the last accepted node. */
    private static final class Closed extends Node {
        /** Plain: written before the CAS that publishes the marker, never after (see {@link #closeByOwner}). */
        Node last;

        Closed(Node last) {
            super(null, 0);
            this.last = last;
            this.seq = last.seq;
        }

        /** The owner's marker, filled in when it closes. */
        Closed() {
            super(null, 0);
        }
    }

    /** Made with the backlog so that the owner can close it with the heap full (finish() after an OOM). */
    private final Closed ownersMarker = new Closed();

    /** The last appended node, or a {@link Closed} marker. Producers CAS it. */
    private volatile Node tail;
    /** The last node the owner took (a stub at first). Owner thread only. */
    private Node head;
    /** {@code seq} of the last node the owner took: release stores by the owner, volatile loads by producers. */
    private volatile long taken;

    Backlog() {
        Node stub = new Node(null, 0);
        head = stub;
        TAIL.setRelease(this, stub); // release: published with the Exec (final field of it)
    }

    // ------------------------------------------------------------------------------------------------ producers

    /**
     * A keyed (order-keeping) submission to the Exec that owns {@code ring}: into the ring while nothing waits here,
     * else behind what waits here; and here too when the ring is full, if {@code joinWhenFull}.
     *
     * @param room how many entries this caller may leave waiting here (counting the others')
     * @return {@code >= 0} accepted (ring or backlog), {@link Ring#FULL}, or {@link MpscRing#CLOSED}
     */
    int offer(MpscRing<Runnable> ring, Runnable entry, long room, boolean joinWhenFull) {
        if (isEmpty()) {
            int result = ring.offer(entry); // CAS claim + release publish
            if (result != Ring.FULL || !joinWhenFull) {
                return result;
            }
        }
        // volatile: counts every claim that happens before this append (the entry's barrier)
        return append(entry, ring.enqueuedCount(), room);
    }

    /** @return 0, {@link Ring#FULL} (more than {@code room} waiting), or {@link MpscRing#CLOSED} */
    private int append(Runnable task, long barrier, long room) {
        Node node = new Node(task, barrier);
        while (true) {
            Node t = (Node) TAIL.getVolatile(this); // volatile: the current tail, or the closed marker
            if (t instanceof Closed) {
                return MpscRing.CLOSED;
            }
            if (t.seq - (long) TAKEN.getVolatile(this) >= room) { // volatile: the owner's progress
                return Ring.FULL;
            }
            node.seq = t.seq + 1; // plain: published by the CAS
            if (TAIL.compareAndSet(this, t, node)) { // CAS: the append, ordered with close() and other appends
                NEXT.setRelease(t, node);              // release: link it for the owner
                return 0;
            }
        }
    }

    /** Nothing appended that the owner has not taken (a snapshot from any thread; volatile loads). */
    boolean isEmpty() {
        return ((Node) TAIL.getVolatile(this)).seq == (long) TAKEN.getVolatile(this);
    }

    /** Stops accepting: later appends return CLOSED. Idempotent; any thread. */
    void close() {
        while (true) {
            Node t = (Node) TAIL.getVolatile(this); // volatile: the current tail
            if (t instanceof Closed || TAIL.compareAndSet(this, t, new Closed(t))) { // CAS: ordered with appends
                return;
            }
        }
    }

    // --------------------------------------------------------------------------------------------- owner thread

    /** Owner: whether an entry is linked after the last one taken. Plain loads (the per-turn check). */
    boolean hasNext() {
        return NEXT.getOpaque(head) != null; // plain: head is owner-only; opaque: the appender's link
    }

    /**
     * Owner: hands to {@code sink}, in order, up to {@code limit} entries whose barrier the ring's consumer index
     * {@code consumed} has reached. Plain stores and one release store per entry, no atomic read-modify-write.
     *
     * @return how many were handed over
     */
    int run(Consumer<Runnable> sink, long consumed, int limit) {
        int n = 0;
        for (Node h = head, next; n < limit && (next = (Node) NEXT.getAcquire(h)) != null; n++, h = next) {
            if (next.barrier > consumed) {
                break; // the ring still holds entries submitted before this one
            }
            Runnable task = next.task;
            next.task = null;                 // plain: do not retain it from the new stub
            head = next;                      // plain: owner only
            TAKEN.setRelease(this, next.seq); // release: taken before it runs (see the class comment)
            sink.accept(task);
        }
        return n;
    }

    /** Owner, once shut down: closed and every accepted entry taken. */
    boolean isDrained() {
        Node t = (Node) TAIL.getVolatile(this); // volatile: the closed marker
        return t instanceof Closed && ((Closed) t).last == head;
    }

    /**
     * Owner: {@link #close()} without allocating — with the marker made with the backlog. Its fields are written
     * before each CAS attempt; only the owner writes them, and once a CAS published it, the owner returns.
     */
    void closeByOwner() {
        while (true) {
            Node t = (Node) TAIL.getVolatile(this); // volatile: the current tail
            if (t instanceof Closed) {
                return;
            }
            ownersMarker.last = t; // plain: published by the CAS below (release), unpublished if it fails
            ownersMarker.seq = t.seq;
            if (TAIL.compareAndSet(this, t, ownersMarker)) { // CAS: ordered with appends
                return;
            }
        }
    }

    /** Owner, finishing: close, then take every accepted entry into {@code into}, in order (barriers ignored). */
    void drainAll(List<Runnable> into) {
        closeByOwner();
        Node last = ((Closed) TAIL.getVolatile(this)).last; // volatile: the closed marker
        Node h = head;
        while (h != last) {
            Node next = (Node) NEXT.getAcquire(h); // acquire: the appender's link
            if (next == null) {
                Thread.onSpinWait(); // an appender between its CAS and its link
                continue;
            }
            into.add(next.task);
            next.task = null;
            h = next;
        }
        head = h;
        TAKEN.setRelease(this, h.seq); // release: producers' view of the room
    }
}
