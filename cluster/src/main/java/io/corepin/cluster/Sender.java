package io.corepin.cluster;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.corepin.Poller;
import io.corepin.balance.LoadBalancer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One Exec's sending side: owned by that Exec's thread (its only caller), which makes each of its
 * {@link ExclusivePublication}s single-writer. Frames that fit one Aeron fragment are written in place with
 * {@code tryClaim}; longer ones are laid into a scratch buffer and {@code offer}ed (Aeron fragments them, the
 * receiver's {@code FragmentAssembler} joins them). With replay on, each sent frame is also kept in the
 * {@link ReplayBuffer} of its (host, Exec) until that receiver acks it; when a host leaves the membership, its
 * unacknowledged frames are sent again, oldest first, to the keys' new owners before any later send.
 *
 * <p>Sequences run per (this Exec, receiving (host, Exec)) without gaps, so a receiver sees a lost frame as a gap (it
 * delivers in sequence only). They start after the process's base ({@link Frame#sequenceBase}), with replay on
 * behind a skip of the base itself (count 0) as the first frame to each (host, Exec): a host restarted in place
 * never reuses a sequence its predecessor sent, and a receiver that knew the predecessor takes the skip past the
 * predecessor's sequences. A receiver restarted in place asks for frames its predecessor acked (a resend request
 * below the highest ack): it is sent a skip of that ack first ({@link #onResend}).
 *
 * <p>A (host, Exec)'s unacknowledged frames are sent again as they are (original sequence: the receiver drops those it
 * has) when that receiver asks ({@link #onResend}: it saw a gap, or a new image of this Exec's publication, or it
 * answers a probe: see {@link #probeStalled}) and when its publication is connected again after a send found it not
 * connected; sends to it wait ({@code BACK_PRESSURED}) until the resend is out, so they stay behind it. A (host,
 * Exec) that left the route and comes back gets a skip frame first ({@link #skipOnReturn}): the sequences it missed
 * went to other owners and will not come. Allocates nothing per message.
 */
final class Sender {
    private static final int ADMIN_RETRIES = 3;
    static final int REPLAYED = 0;
    static final int REPLAY_FAILED = 1;
    static final int ACKS_SENT = 2;
    static final int ACKS_RECEIVED = 3;
    static final int RESENT = 4;
    static final int PROBES = 5;
    static final int SKIPS = 6;
    /** A (host, Exec) whose oldest unacked frame stayed unacked this long is sent a probe. */
    static final long STALL_PROBE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** {@link #continueResends} looks at the clock once per this many calls (polls). */
    private static final int POLLS_PER_LOOK = 1024;

    private final int hostId;
    private final int execIndex;
    private final int maxPayload;
    private final long replayTimeoutNanos;
    /** The process's sequence base (see {@link Frame#sequenceBase}); 0: sequences from 1 and no first skip (tests). */
    private final long sequenceBase;
    private final BufferClaim claim = new BufferClaim();
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer replayPayload = new UnsafeBuffer(0, 0);
    /** Polls this Exec's own subscription: run while a replay waits, so a replay to this very Exec drains. */
    private Poller ownPoller;
    private Route route; // Exec-owned: set by a task on this Exec (install), read by send on this Exec
    /** (host id << 16 | Exec) -> its replay buffer in the current route. Exec-owned. */
    private final Long2ObjectHashMap<ReplayBuffer> unackedById = new Long2ObjectHashMap<>();
    /** [host index][Exec] of the current route -> the next sequence to it. Exec-owned. */
    private long[][] nextSequence;
    /** (host id << 16 | Exec) -> the next sequence to it, for (host, Exec)s the route left (0: none yet). Exec-owned. */
    private final Long2LongHashMap savedSequences = new Long2LongHashMap(0L);
    /** Some replay buffer of the route has a resend in progress: {@link #continueResends} works on it. Exec-owned. */
    private boolean resendPending;
    private ExclusivePublication resendTo; // the publication resendFrame writes to; Exec-owned
    private long resendPosition; // resendFrame's last result; Exec-owned
    private final ReplayBuffer.FrameOut resendOut = this::resendFrame;
    private int pollsSinceLook; // Exec-owned
    private long nextStallLook; // nanoTime of the next look for stalled replay buffers; Exec-owned
    /** Results by {@link SendResult} ordinal; written by this Exec only (lazySet of get + 1), read by any thread. */
    private final AtomicLongArray results = new AtomicLongArray(SendResult.values().length);
    /** REPLAYED, REPLAY_FAILED, ACKS_SENT, ACKS_RECEIVED, RESENT, PROBES, SKIPS: as {@link #results}. */
    private final AtomicLongArray replay = new AtomicLongArray(7);

    /** A sender whose sequences start at 1, with no first skip (tests of other parts). */
    Sender(int hostId, int execIndex, int maxPayload, long replayTimeoutNanos) {
        this(hostId, execIndex, maxPayload, replayTimeoutNanos, 0);
    }

    Sender(int hostId, int execIndex, int maxPayload, long replayTimeoutNanos, long sequenceBase) {
        if (sequenceBase < 0) {
            throw new IllegalArgumentException("sequence base must be >= 0, got " + sequenceBase);
        }
        this.sequenceBase = sequenceBase;
        this.hostId = hostId;
        this.execIndex = execIndex;
        this.maxPayload = maxPayload;
        this.replayTimeoutNanos = replayTimeoutNanos;
        this.scratch = new UnsafeBuffer(new byte[Frame.HEADER_LENGTH + maxPayload]);
    }

    /**
     * Takes a new route (on this Exec); then sends again, through it, every unacknowledged frame to a (host, Exec) the
     * new route no longer has (its host left, or came back with fewer Execs or another endpoint), oldest first per
     * (host, Exec). Retries each for up to the replay timeout, polling this Exec's own subscription meanwhile (the new
     * owner may be this Exec; the Exec runs nothing else: this is the failure path); a frame still not sent then is
     * counted as failed and dropped. A (host, Exec) that was in an earlier route, left it, and is in this one again
     * gets a skip frame first (see {@link #skipOnReturn}).
     */
    void route(Route next) {
        Route old = this.route;
        java.util.Set<ReplayBuffer> before = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (old != null) {
            for (int h = 0; h < old.membership.size(); h++) {
                Host host = old.membership.host(h);
                for (int e = 0; e < host.execs(); e++) {
                    savedSequences.put(id(host.id(), e), nextSequence[h][e]);
                    if (old.unacked != null) {
                        before.add(old.unacked[h][e]);
                    }
                }
            }
        }
        java.util.Set<ReplayBuffer> after = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long[][] sequences = new long[next.membership.size()][];
        for (int h = 0; h < sequences.length; h++) {
            Host host = next.membership.host(h);
            sequences[h] = new long[host.execs()];
            for (int e = 0; e < host.execs(); e++) {
                long saved = savedSequences.get(id(host.id(), e));
                sequences[h][e] = saved == 0 ? sequenceBase + 1 : saved;
                if (next.unacked != null) {
                    after.add(next.unacked[h][e]);
                }
            }
        }
        this.nextSequence = sequences;
        this.route = next;
        resendPending = next.unacked != null;  // a buffer kept from the old route may be mid-resend
        unackedById.clear();
        if (next.unacked != null) {
            for (int h = 0; h < next.membership.size(); h++) {
                Host host = next.membership.host(h);
                for (int e = 0; e < host.execs(); e++) {
                    unackedById.put(id(host.id(), e), next.unacked[h][e]);
                }
            }
        }
        if (old != null && old.unacked != null) {
            for (ReplayBuffer[] perHost : old.unacked) {
                for (ReplayBuffer lost : perHost) {
                    if (!after.contains(lost)) {
                        lost.drainTo(this::replay);
                    }
                }
            }
        }
        if (next.unacked != null) {
            for (int h = 0; h < next.membership.size(); h++) {
                for (int e = 0; e < next.unacked[h].length; e++) {
                    if (!before.contains(next.unacked[h][e])) {
                        skipOnReturn(next, h, e); // also the first skip of a (host, Exec) never sent to
                    }
                }
            }
        }
    }

    /**
     * A (host, Exec) new in this route. If no data was sent to it yet — never in a route before, or it left before
     * any — it gets the first skip ({@link #skipToBase}; again if it had one: that may not have reached it before it
     * left). Else it was in an earlier route and left, and the frames it had not acked then were given to the keys'
     * new owners (or failed, see {@link #route}), so their sequences will never reach it: its first frame now is a
     * skip of the next sequence, kept in its replay buffer like a data frame (resent with the unacked frames, acked by
     * the receiver) and sent before any later frame: the receiver takes it past the gap, and goes on from there.
     */
    private void skipOnReturn(Route r, int h, int e) {
        long sequence = nextSequence[h][e];
        ReplayBuffer b = r.unacked[h][e];
        if (sequence <= sequenceBase + 1) {
            skipToBase(r, h, e); // no data sent to it yet; the first skip may not have reached it: send that again
            return;
        }
        if (!b.hasRoomFor(Frame.HEADER_LENGTH)) {
            return; // cannot happen: its frames were drained when it left
        }
        Frame.encodeSkip(scratch, 0, hostId, execIndex, r.membership.epoch(), sequence);
        b.append(scratch, 0, Frame.HEADER_LENGTH);
        nextSequence[h][e] = sequence + 1;
        b.resendAll(); // goes out through the resend path, first, once the publication takes it
        resendPending = true;
        bump(replay, SKIPS);
    }

    /**
     * A (host, Exec) this process never sent to: its first frame is a skip of the base, counting nothing. A receiver
     * that had frames from this host's predecessor (restarted in place: same host id, same endpoint) takes it past
     * the predecessor's sequences, which are all below the base; one that had none takes it past nothing. Kept in
     * the replay buffer and sent through the resend path, like a skip on return.
     */
    private void skipToBase(Route r, int h, int e) {
        if (sequenceBase == 0) {
            return; // sequences from 1: nothing to skip
        }
        ReplayBuffer b = r.unacked[h][e];
        if (!b.hasRoomFor(Frame.HEADER_LENGTH)) {
            return; // cannot happen: a new buffer, or one drained when its host left
        }
        Frame.encodeSkip(scratch, 0, hostId, execIndex, r.membership.epoch(), sequenceBase, 0);
        b.append(scratch, 0, Frame.HEADER_LENGTH);
        b.resendAll();
        resendPending = true;
    }

    private void replay(DirectBuffer frame, int offset, int length) {
        if (Frame.type(frame, offset) != Frame.TYPE_DATA) {
            return; // a skip: it meant something to the host that left only
        }
        replayPayload.wrap(frame, offset + Frame.HEADER_LENGTH, length - Frame.HEADER_LENGTH);
        long key = Frame.key(frame, offset);
        int handlerId = Frame.handlerId(frame, offset);
        long deadline = System.nanoTime() + replayTimeoutNanos;
        while (true) {
            SendResult r = send(key, handlerId, replayPayload, 0, length - Frame.HEADER_LENGTH);
            if (r == SendResult.SENT) {
                bump(replay, REPLAYED);
                return;
            }
            if (r == SendResult.CLOSED || System.nanoTime() - deadline >= 0) {
                bump(replay, REPLAY_FAILED);
                return;
            }
            if (ownPoller == null || ownPoller.poll() == 0) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
            }
        }
    }

    Route route() {
        return route;
    }

    /** Set once before the Exec starts. */
    void ownPoller(Poller poller) {
        this.ownPoller = poller;
    }

    private static long id(int host, int exec) {
        return ((long) host << 16) | exec;
    }

    SendResult send(long key, int handlerId, DirectBuffer payload, int offset, int length) {
        if (length < 0 || length > maxPayload) {
            throw new IllegalArgumentException("payload length " + length + " must be in [0, " + maxPayload + "]");
        }
        Route r = route;
        if (r == null) {
            throw new IllegalStateException("no membership installed on host " + hostId + ": call install first");
        }
        Membership m = r.membership;
        int h = m.hostIndexFor(key);
        int e = LoadBalancer.indexFor(key, m.host(h).execs());
        ExclusivePublication pub = r.pubs[h][e];
        ReplayBuffer unacked = r.unacked == null ? null : r.unacked[h][e];
        int frameLength = Frame.HEADER_LENGTH + length;
        if (unacked != null) {
            if (unacked.resending() && !resend(unacked, pub)) {
                return counted(SendResult.of(resendPosition)); // the frames before this one go first
            }
            if (!unacked.hasRoomFor(frameLength)) {
                return counted(SendResult.BACK_PRESSURED); // the receiver has not acked enough: same as a full window
            }
        }
        long[] sequences = nextSequence[h];
        long sequence = sequences[e];
        long position;
        int attempt = 0;
        if (frameLength <= pub.maxPayloadLength()) {
            do {
                position = pub.tryClaim(frameLength, claim);
                if (position > 0) {
                    MutableDirectBuffer b = claim.buffer();
                    int o = claim.offset();
                    Frame.encodeHeader(b, o, hostId, execIndex, m.epoch(), sequence, key, handlerId, length);
                    b.putBytes(o + Frame.HEADER_LENGTH, payload, offset, length);
                    if (unacked != null) {
                        unacked.append(b, o, frameLength);
                    }
                    claim.commit();
                }
            } while (position == Publication.ADMIN_ACTION && ++attempt < ADMIN_RETRIES);
        } else {
            Frame.encodeHeader(scratch, 0, hostId, execIndex, m.epoch(), sequence, key, handlerId, length);
            scratch.putBytes(Frame.HEADER_LENGTH, payload, offset, length);
            do {
                position = pub.offer(scratch, 0, frameLength);
            } while (position == Publication.ADMIN_ACTION && ++attempt < ADMIN_RETRIES);
            if (position > 0 && unacked != null) {
                unacked.append(scratch, 0, frameLength);
            }
        }
        SendResult result = SendResult.of(position);
        if (result == SendResult.SENT) {
            sequences[e] = sequence + 1;
        } else if (result == SendResult.NOT_CONNECTED && unacked != null && unacked.size() > 0) {
            // the receiver may drop its image of this publication and make a new one at a later position: once the
            // publication is connected again, what it has not acked goes again first (it drops what it has)
            unacked.resendAll();
            resendPending = true;
        }
        return counted(result);
    }

    /** Goes on with {@code unacked}'s resend through {@code pub}; true if it is done. */
    private boolean resend(ReplayBuffer unacked, ExclusivePublication pub) {
        resendTo = pub;
        return unacked.resend(resendOut);
    }

    private boolean resendFrame(DirectBuffer frame, int offset, int length) {
        ExclusivePublication pub = resendTo;
        long position;
        int attempt = 0;
        if (length <= pub.maxPayloadLength()) {
            do {
                position = pub.tryClaim(length, claim);
                if (position > 0) {
                    claim.buffer().putBytes(claim.offset(), frame, offset, length);
                    claim.commit();
                }
            } while (position == Publication.ADMIN_ACTION && ++attempt < ADMIN_RETRIES);
        } else {
            do {
                position = pub.offer(frame, offset, length);
            } while (position == Publication.ADMIN_ACTION && ++attempt < ADMIN_RETRIES);
        }
        resendPosition = position;
        if (position > 0) {
            bump(replay, RESENT);
            return true;
        }
        return false;
    }

    /**
     * Acks that never come (the frames, or the acks, or a resend request were lost with an image no later frame or
     * new image showed: for instance the first frames on a publication): a (host, Exec) whose oldest unacked frame
     * stayed the oldest from one look to the next, {@link #STALL_PROBE_NANOS} apart, is sent a probe naming the
     * last sequence sent to it. The probe travels behind those frames: a receiver that has them all (it was only slow,
     * or its ack was lost) acks, one that misses some asks for a resend. A probe that cannot go now goes at the next
     * look.
     */
    private void probeStalled() {
        long now = System.nanoTime();
        Route r = route;
        if (now - nextStallLook < 0 || r == null || r.unacked == null) {
            return;
        }
        nextStallLook = now + STALL_PROBE_NANOS;
        for (int h = 0; h < r.unacked.length; h++) {
            for (int e = 0; e < r.unacked[h].length; e++) {
                ReplayBuffer b = r.unacked[h][e];
                if (b.stalled() && !b.resending()) {
                    ExclusivePublication pub = r.pubs[h][e];
                    if (pub.tryClaim(Frame.HEADER_LENGTH, claim) > 0) {
                        Frame.encodeProbe(claim.buffer(), claim.offset(), hostId, execIndex, r.membership.epoch(),
                            nextSequence[h][e] - 1);
                        claim.commit();
                        bump(replay, PROBES);
                    }
                }
            }
        }
    }

    /**
     * Goes on with the resends in progress (called after each poll; a flag test when there are none): each as far as
     * its publication takes it now.
     */
    void continueResends() {
        if (++pollsSinceLook >= POLLS_PER_LOOK) {
            pollsSinceLook = 0;
            probeStalled();
        }
        if (!resendPending) {
            return;
        }
        Route r = route;
        boolean left = false;
        for (int h = 0; h < r.unacked.length; h++) {
            for (int e = 0; e < r.unacked[h].length; e++) {
                ReplayBuffer b = r.unacked[h][e];
                if (b.resending()) {
                    left |= !resend(b, r.pubs[h][e]);
                }
            }
        }
        resendPending = left;
    }

    private SendResult counted(SendResult result) {
        bump(results, result.ordinal());
        return result;
    }

    private static void bump(AtomicLongArray counters, int slot) {
        counters.lazySet(slot, counters.get(slot) + 1); // single writer: this Exec
    }

    /**
     * Sends an ack of {@code sequence} to (host, Exec), on the publication this Exec already has to it.
     *
     * @return whether it went out, or needs none (the host left the route); false: try again later
     */
    boolean sendAck(int toHost, int toExec, long sequence) {
        return sendAck(toHost, toExec, sequence, false);
    }

    /** As {@link #sendAck(int, int, long)}; with {@code resend}, a resend request: "send every later one again". */
    boolean sendAck(int toHost, int toExec, long sequence, boolean resend) {
        Route r = route;
        if (r == null) {
            return false;
        }
        ExclusivePublication pub = pubTo(r, toHost, toExec);
        if (pub == null) {
            return true; // no such member any more: nobody waits for this ack
        }
        if (pub.tryClaim(Frame.HEADER_LENGTH, claim) > 0) {
            if (resend) {
                Frame.encodeResend(claim.buffer(), claim.offset(), hostId, execIndex, r.membership.epoch(), sequence);
            } else {
                Frame.encodeAck(claim.buffer(), claim.offset(), hostId, execIndex, r.membership.epoch(), sequence);
            }
            claim.commit();
            bump(replay, ACKS_SENT);
            return true;
        }
        return false;
    }

    /** (host, Exec) delivered this Exec's frames up to {@code sequence}: forget them. */
    void onAck(int fromHost, int fromExec, long sequence) {
        ReplayBuffer b = unackedById.get(id(fromHost, fromExec));
        if (b != null) {
            b.ack(sequence);
        }
        bump(replay, ACKS_RECEIVED);
    }

    /**
     * (host, Exec) delivered this Exec's frames up to {@code sequence} and asks for every later one again: forget
     * those up to it, and send the rest again — unless a resend to it is under way whose next frame is the one after
     * {@code sequence}: it goes on (one already past it, whose frames may have been lost too, starts over). A request
     * below a sequence it acked before comes from a receiver that forgot what it delivered — restarted in place:
     * requests and acks from one process come in order on one publication, and its deliveries only grow. It is sent
     * a skip of that ack first (its predecessor delivered those sequences), then the unacked frames. A late request
     * of a process that did not restart meets a skip at or below what it delivered: a repeat it drops.
     */
    void onResend(int fromHost, int fromExec, long sequence) {
        ReplayBuffer b = unackedById.get(id(fromHost, fromExec));
        if (b != null) {
            long acked = b.acked();
            if (sequence < acked && !sendSkip(fromHost, fromExec, acked, acked - Math.max(sequence, sequenceBase))) {
                bump(replay, ACKS_RECEIVED);
                return; // the skip could not go now: the receiver asks again while its gap stays
            }
            b.ack(sequence);
            if (b.size() > 0 && (!b.resending() || b.resendSequence() > sequence + 1)) {
                b.resendAll();
                resendPending = true;
            }
        }
        bump(replay, ACKS_RECEIVED);
    }

    /** This Exec's publication to (host, Exec) in route {@code r}, or null: no such member. */
    private static ExclusivePublication pubTo(Route r, int toHost, int toExec) {
        int h = r.membership.indexOf(toHost);
        return h < 0 || toExec >= r.pubs[h].length ? null : r.pubs[h][toExec];
    }

    /**
     * Sends a skip of {@code sequence}, counting {@code count}, to (host, Exec) now; false if it could not go. Called
     * with a route (the (host, Exec) has a replay buffer in it).
     */
    private boolean sendSkip(int toHost, int toExec, long sequence, long count) {
        Route r = route;
        ExclusivePublication pub = pubTo(r, toHost, toExec);
        if (pub == null) {
            return true; // no such member any more: nothing to skip
        }
        if (pub.tryClaim(Frame.HEADER_LENGTH, claim) <= 0) {
            return false;
        }
        Frame.encodeSkip(claim.buffer(), claim.offset(), hostId, execIndex, r.membership.epoch(), sequence, count);
        claim.commit();
        bump(replay, SKIPS);
        return true;
    }

    /**
     * What a send of {@code key} from this Exec meets now, for diagnosis (allocates; on this Exec only): the (host,
     * Exec), its publication's connection and window, the next sequence, the unacked frames and any resend.
     */
    String describe(long key) {
        Route r = route;
        if (r == null) {
            return "no route";
        }
        int h = r.membership.hostIndexFor(key);
        int e = LoadBalancer.indexFor(key, r.membership.host(h).execs());
        ExclusivePublication pub = r.pubs[h][e];
        StringBuilder sb = new StringBuilder("to host ").append(r.membership.host(h).id()).append(" exec ").append(e)
            .append(": publication session ").append(pub.sessionId()).append(pub.isConnected() ? " connected" : " NOT connected")
            .append(", position ").append(pub.position()).append(", window ").append(pub.availableWindow())
            .append(", next sequence ").append(nextSequence[h][e]);
        if (r.unacked != null) {
            ReplayBuffer b = r.unacked[h][e];
            sb.append(", unacked ").append(b.size()).append(b.resending() ? ", resending from sequence "
                + b.resendSequence() : ", no resend").append(", room for a 16-byte message ")
                .append(b.hasRoomFor(Frame.HEADER_LENGTH + 16));
        }
        return sb.toString();
    }

    /** Frames waiting for an ack, over every (host, Exec): read on this Exec only. */
    int unackedNow() {
        int n = 0;
        Route r = route;
        if (r != null && r.unacked != null) {
            for (ReplayBuffer[] perHost : r.unacked) {
                for (ReplayBuffer b : perHost) {
                    n += b.size();
                }
            }
        }
        return n;
    }

    long count(SendResult result) {
        return results.get(result.ordinal());
    }

    long replayCount(int slot) {
        return replay.get(slot);
    }
}
