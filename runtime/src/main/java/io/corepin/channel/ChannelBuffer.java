package io.corepin.channel;

import io.corepin.AsyncTask;
import io.corepin.Exec;
import io.corepin.Waker;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * The state of a channel — elements and the wakers of tasks waiting to receive or to send — with no
 * synchronization of its own: {@link LocalChannel} confines it to one thread, {@link SharedChannel} guards it with a
 * lock. Every method below runs under that discipline, so the state changes below are totally ordered; the only
 * accesses from outside it are {@link AsyncTask#isDone()} (a hint, see {@link #stale}) and {@link Hold#settled}.
 *
 * <h2>Wake-one, and why no wake-up is lost</h2>
 * An arriving element wakes <em>one</em> waiting receiver, freed room <em>one</em> waiting sender (the first
 * registered: FIFO). A registered waker may be stale — its task was cancelled, finished, already took what it
 * wanted, or moved on to wait somewhere else — so the wake it gets may be wasted. The channel keeps one invariant
 * after every operation, and makes every wake that matters either be used or come back:
 * <ul>
 *   <li><b>R</b>: no element in {@link #items} while a receiver is registered in {@link #receivers};
 *   <li><b>S</b>: no free slot (capacity minus elements) beyond the reserved ones while a sender is registered in
 *       {@link #senders}.
 * </ul>
 * {@link #serveReceivers()} and {@link #serveSenders()} restore them after each change (they pop registered waiters
 * until the invariant holds or the list is empty). A popped waiter is woken in one of two ways:
 * <ul>
 *   <li><b>Handed</b> (tracked): a receiver is handed the head element itself ({@link #handed}: the element leaves
 *       {@link #items}, so it no longer occupies capacity — the sender does not wait for the receiver to run, as in
 *       a direct hand-off), a sender a reserved slot ({@link #reserved}). The hold ends in exactly one of these
 *       ways: the waiter comes back — its next {@code recv(waker)} returns the handed element, its next
 *       {@code send(e, waker)} drops the reservation — or leaves ({@link #forget}: a cancelled
 *       {@code recv()}/{@code send()} promise); or, when it does not come back, its <em>check</em> returns the
 *       element to the head of {@link #items} (or frees the slot) and the invariant is restored, which wakes the
 *       next waiter: the wake is passed on.
 *   <li><b>Plain</b> (untracked): woken and forgotten; the element stays in {@link #items}. Used when nothing can be
 *       starved — the popped waiter was the only one registered (a receiver registering later would take the
 *       element instead: a receiver registers only when it finds nothing for it) — and for wakers that cannot be
 *       tracked (not an {@link AsyncTask}, not spawned, or the check could not be spawned); since a plain wake
 *       does not count, the loop goes on to the next waiter (for a list of plain lambdas: wake-all, as before).
 * </ul>
 * The check of a hold: {@link ChannelTasks}' waits always come back or leave (their poll calls the channel or
 * {@link ChannelWaiters#forget}, and so does their {@code onCancel}), so they need none. Any other
 * {@link AsyncTask} gets a {@link Hold}: a short task spawned on the waiter's Exec (the channel's, for a local
 * channel) <em>instead of</em> waking the waiter directly — one ring entry, as the wake would have been. Its first
 * poll wakes the waiter there (a local append, no atomic) and queues itself again, behind the poll that wake causes
 * (one thread's local queue is FIFO); its second poll is the check. If the waiter's poll did not come back, the
 * hold is stale and the check expires it ({@link #expire}); if the check happens to run first (levels put the two
 * in different lanes, the waiter was mid-poll, or lives on another Exec than a local channel's), the expiry is early
 * — a spurious wake of another waiter, never a loss.
 * The check runs for sure: polled, or, if its Exec stops with {@code shutdownNow}, cancelled — its
 * {@code onCancel} expires the hold as well. A waiter that is already done ({@link #stale}) is skipped.
 *
 * <p>So every element is in exactly one place — {@link #items} or one holder's entry of {@link #handed} — and moves
 * only under the discipline; a handed element reaches its receiver or comes back to {@link #items}, where R hands it
 * to the next registered receiver. Hence: if an element is available and a receiver waits, a receiver gets it.
 *
 * <p>{@link #close()} wakes every registered receiver and sender (plain) and drops the reservations. Handed elements
 * stay their receivers'; the stream ends ({@link #isDrained()}) only when no element is buffered <em>or
 * handed</em>: a receiver that polls in between registers again, and the last hand-over settling wakes them all.
 *
 * <p>{@link Waker#wake()} never runs a task inline, so waking (and spawning a check) under a lock is safe. A list
 * that reached {@link #pruneAt} is swept of abandoned waiters before it grows (amortized O(1) per registration).
 */
final class ChannelBuffer<E> {
    /** A sender's reservation that needs no check (one of {@link ChannelTasks}' waits). */
    private static final Object RESERVED = new Object();
    private static final int PRUNE_MIN = 16;

    final int capacity; // Integer.MAX_VALUE: unbounded
    final String name;
    /** The channel whose discipline a {@link Hold}'s check goes through. */
    private final ChannelWaiters<E> channel;
    /** A local channel's Exec: its checks run there. {@code null} (shared): on the waiter's own Exec. */
    private final Exec home;
    private final ArrayDeque<E> items = new ArrayDeque<>();
    private final ArrayDeque<Waker> receivers = new ArrayDeque<>();
    private final ArrayDeque<Waker> senders = new ArrayDeque<>();
    /** Receiver → its handed element, or the {@link Hold} carrying it. Identity: wakers do not override equals. */
    private IdentityHashMap<Waker, Object> handed;
    /** Sender → {@link #RESERVED} or its {@link Hold}: one free slot each. */
    private IdentityHashMap<Waker, Object> reserved;
    private boolean closed;
    /** A registration into a list this long sweeps abandoned waiters out first; then twice the survivors. */
    private int pruneAt = PRUNE_MIN;

    ChannelBuffer(int capacity, String name, ChannelWaiters<E> channel, Exec home) {
        this.capacity = capacity;
        this.name = name;
        this.channel = channel;
        this.home = home;
    }

    boolean offer(E e) {
        if (closed) {
            throw new ChannelClosedException(name + " is closed");
        }
        if (items.size() >= capacity) {
            return false;
        }
        items.addLast(e);
        serveReceivers();
        return true;
    }

    boolean offer(E e, Waker waker) {
        unreserve(waker); // it came back: its reservation (if any) is used up by this attempt
        try {
            if (offer(e)) {
                return true;
            }
            register(senders, waker);
            return false;
        } finally {
            serveSenders(); // a dropped reservation (or barging) may leave room another sender must be told of
        }
    }

    E poll() {
        E e = items.pollFirst();
        if (e != null) {
            serveSenders();
        }
        return e;
    }

    E poll(Waker waker) {
        E e = claim(waker); // it came back: its handed element first (it left the head before anything buffered)
        if (e == null) {
            e = items.pollFirst();
            if (e != null) {
                serveSenders();
            } else if (!isDrained()) {
                register(receivers, waker);
            }
        }
        settleEnd();
        return e;
    }

    /** Its receive lost the promise to a cancel after taking {@code e}: {@code e} goes back where it was. */
    void giveBack(E e) {
        items.addFirst(e);
        serveReceivers();
    }

    /** {@code waker} stops waiting here: out of the lists, and what it holds is passed on. */
    void forget(Waker waker) {
        receivers.removeFirstOccurrence(waker); // identity: wakers do not override equals (AsyncTask cannot)
        senders.removeFirstOccurrence(waker);
        Object h = handed == null ? null : handed.remove(waker);
        if (h != null) {
            items.addFirst(release(h));
            serveReceivers();
        }
        if (reserved != null && reserved.remove(waker) != null) {
            serveSenders();
        }
        settleEnd();
    }

    /** {@code hold}'s check: if {@code waker} still holds it (never came back), take it back and pass it on. */
    void expire(Waker waker, Hold hold) {
        if (handed != null && handed.get(waker) == hold) {
            handed.remove(waker);
            items.addFirst(release(hold));
            serveReceivers();
            settleEnd();
        } else if (reserved != null && reserved.get(waker) == hold) {
            reserved.remove(waker);
            hold.settled = true;
            serveSenders();
        }
    }

    void close() {
        if (!closed) {
            closed = true;
            wakeAll(receivers);
            wakeAll(senders);
            if (reserved != null) {
                reserved.values().forEach(ChannelBuffer::release);
                reserved.clear(); // sends fail from now on: nothing to reserve room for
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Closed, nothing buffered and nothing handed to a receiver that has not come back yet. */
    boolean isDrained() {
        return closed && items.isEmpty() && (handed == null || handed.isEmpty());
    }

    /** Elements buffered now (handed elements, on their way to a woken receiver, are not). */
    int size() {
        return items.size();
    }

    int waiters() {
        return receivers.size() + senders.size();
    }

    // ------------------------------------------------------------------------------------------ wake-one

    /** Restores invariant R: hands head elements to registered receivers until either runs out. */
    private void serveReceivers() {
        while (!items.isEmpty() && !receivers.isEmpty()) {
            final Waker w = receivers.pollFirst();
            if (stale(w) || (handed != null && handed.containsKey(w))) {
                continue; // finished, or a duplicate registration of one already woken: pass on
            }
            final boolean alone = receivers.isEmpty() && !(w instanceof ChannelTasks.Wait);
            final Hold check = alone ? null : newHold(w, true);
            if (alone || (check == null && !(w instanceof ChannelTasks.Wait))) {
                w.wake(); // plain: the element stays; the loop goes on while others wait
                continue;
            }
            final E e = items.pollFirst();
            if (check == null) {
                handed().put(w, e); // a ChannelTasks wait: it comes back or leaves
                w.wake();
            } else {
                check.element = e;
                handed().put(w, check);
                if (!spawn(check)) { // refused: untracked after all; the element goes back and on
                    handed.remove(w);
                    items.addFirst(e);
                    w.wake();
                } // else the check wakes w, on w's Exec: one ring entry for both

            }
        }
    }

    /** Restores invariant S: wakes registered senders while there is unreserved room. */
    private void serveSenders() {
        while (!senders.isEmpty() && capacity - items.size() > (reserved == null ? 0 : reserved.size())) {
            final Waker w = senders.pollFirst();
            if (stale(w) || (reserved != null && reserved.containsKey(w))) {
                continue;
            }
            final boolean alone = senders.isEmpty() && !(w instanceof ChannelTasks.Wait);
            final Hold check = alone ? null : newHold(w, false);
            if (alone || (check == null && !(w instanceof ChannelTasks.Wait))) {
                w.wake(); // plain: counts for nothing; the loop goes on while others wait
                continue;
            }
            reserved().put(w, check == null ? RESERVED : check);
            if (check == null) {
                w.wake();
            } else if (!spawn(check)) {
                reserved.remove(w);
                w.wake();
            } // else the check wakes w, on w's Exec: one ring entry for both
        }
    }

    /** A receiver came back: its handed element, or {@code null}. */
    private E claim(Waker w) {
        if (handed == null || handed.isEmpty()) {
            return null;
        }
        final Object h = handed.remove(w);
        return h == null ? null : release(h);
    }

    /** A sender came back: its reservation is used up. */
    private void unreserve(Waker w) {
        if (reserved != null && !reserved.isEmpty()) {
            final Object h = reserved.remove(w);
            if (h != null) {
                release(h);
            }
        }
    }

    /** The last hand-over after close settled: the receivers that registered meanwhile see the end. */
    private void settleEnd() {
        if (isDrained() && !receivers.isEmpty()) {
            wakeAll(receivers);
        }
    }

    /** A hold is over: its check, if any, becomes a no-op (without the lock). Returns the element it carried. */
    @SuppressWarnings("unchecked")
    private static <E> E release(Object h) {
        if (h instanceof Hold) {
            final Hold hold = (Hold) h;
            hold.settled = true; // volatile: a check that reads it true skips the lock
            return (E) hold.element;
        }
        return h == RESERVED ? null : (E) h;
    }

    /** A check for {@code w}, or {@code null} if it cannot have one (then it is woken plainly). */
    private Hold newHold(Waker w, boolean receiver) {
        if (w instanceof ChannelTasks.Wait || !(w instanceof AsyncTask)) {
            return null;
        }
        final Exec at = home != null ? home : ((AsyncTask) w).exec();
        return at == null ? null : new Hold(channel, w, at);
    }

    private static boolean spawn(Hold check) {
        try {
            check.at.spawn(check); // never runs inline: on its thread a local queue append, else a ring enqueue
            return true;
        } catch (RejectedExecutionException refused) { // full ring or closed Exec: no check, no hold
            return false;
        }
    }

    /**
     * Whether a registered waker is done: its task finished ({@link AsyncTask#isDone()}: exact on its Exec, a hint
     * elsewhere that only ever turns true — a stale {@code false} just lets the hold's check find it out).
     */
    private static boolean stale(Waker w) {
        return w instanceof AsyncTask && ((AsyncTask) w).isDone();
    }

    private IdentityHashMap<Waker, Object> handed() {
        if (handed == null) {
            handed = new IdentityHashMap<>();
        }
        return handed;
    }

    private IdentityHashMap<Waker, Object> reserved() {
        if (reserved == null) {
            reserved = new IdentityHashMap<>();
        }
        return reserved;
    }

    private void register(ArrayDeque<Waker> waiters, Waker waker) {
        if (waiters.peekLast() == waker) { // a task re-polled without being woken registers once
            return;
        }
        if (waiters.size() >= pruneAt) {
            waiters.removeIf(ChannelBuffer::abandonedWoken);
            pruneAt = Math.max(PRUNE_MIN, 2 * waiters.size());
        }
        waiters.addLast(waker);
    }

    /**
     * Whether a registered waker no longer waits here — its task finished, or it is one of ChannelTasks' waits whose
     * promise is complete — after waking it (so that such a wait, never polled otherwise, sees its promise and ends).
     */
    private static boolean abandonedWoken(Waker w) {
        if (stale(w)) {
            return true;
        }
        if (ChannelTasks.isAbandoned(w)) {
            w.wake();
            return true;
        }
        return false;
    }

    private static void wakeAll(ArrayDeque<Waker> waiters) {
        for (Waker w; (w = waiters.pollFirst()) != null; ) {
            w.wake();
        }
    }

    /**
     * The wake and the check of one hold: a two-poll task on the holder's Exec — the first poll wakes the holder and
     * queues this task behind it, the second is the check. Polled (or cancelled by {@code shutdownNow}), the check
     * expires the hold unless the holder came back first
     * ({@link #settled}, written under the channel's discipline, read here without it: {@code true} is final, and a
     * {@code false} only costs taking the lock to find out).
     */
    static final class Hold extends AsyncTask {
        private final ChannelWaiters<?> channel;
        private final Waker holder;
        final Exec at;
        /** The handed element (a receiver's hold), {@code null} for a reservation. Under the discipline. */
        Object element;
        volatile boolean settled;
        private boolean wokeHolder; // owner thread of this check

        Hold(ChannelWaiters<?> channel, Waker holder, Exec at) {
            this.channel = channel;
            this.holder = holder;
            this.at = at;
        }

        @Override
        protected boolean poll() {
            if (!wokeHolder) { // first poll, on the holder's Exec: wake it (a local append, no atomic), then queue
                wokeHolder = true; // this check again behind the poll that wake causes
                holder.wake();
                wake();
                return false;
            }
            check();
            return true;
        }

        @Override
        protected void onCancel() {
            check(); // its Exec stops: the holder will not poll either; pass the hold on
        }

        private void check() {
            if (!settled) {
                channel.expire(holder, this);
            }
        }

        @Override
        public String toString() {
            return "hold of " + holder + " on " + channel;
        }
    }
}
