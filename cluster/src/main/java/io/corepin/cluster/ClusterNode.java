package io.corepin.cluster;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.corepin.Backpressure;
import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.IdleStrategy;
import io.corepin.Poller;
import io.corepin.affinity.AffinityPlan;
import io.corepin.balance.LoadBalancer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One host of a cluster: a corepin {@link ExecGroup}, an embedded Aeron media driver (its own directory, shared
 * threading mode: one driver thread for conductor, sender and receiver) and an Aeron client. Exec {@code i} receives
 * on stream {@code i} of the host's UDP endpoint, polled inside its turn as its {@link Poller}, and runs the
 * registered {@link MessageHandler}s inline. Each Exec sends through one {@link ExclusivePublication} per (peer host,
 * peer Exec) of the installed {@link Membership} (its own host included: local keys take the same path), written
 * only by that Exec.
 *
 * <p>Routing: a key goes to {@link Membership#hostFor(long)} and there to Exec
 * {@link LoadBalancer#indexFor(long, int) indexFor(key, host.execs())}. Order: messages sent by one Exec arrive in
 * the order it sent them (one publication per target Exec); {@link #submit} from other threads first hops to the
 * key's local Exec in per-key order, so one thread's submits of a key arrive in order. Delivery: while both hosts
 * live, every {@link SendResult#SENT} message is delivered once, also across an Aeron image or connection between
 * them that times out and comes back (with acks on: the receiver delivers each sender's frames in sequence, asks for
 * what a gap or a new image may have lost, and the sender sends its unacked frames again). Receivers ack; senders
 * keep unacked frames ({@link Builder#replayBuffer}) and, when a host leaves the membership (by {@link #install},
 * or by the loss detector of {@link Builder#lossTimeout}), send them again to the keys' new owners: at least once
 * while the sender lives; a message the lost host handled but had not acked yet is handled again by the new owner.
 * A host that left and is added again gets a skip frame first from each sender Exec that had sent to it: the
 * sequences it had not delivered were given to the new owners ({@link #replayed()}) or failed ({@link #replayFailed()});
 * it skips them ({@link #skipped()}) and goes on from there. A host restarted at the same endpoint while it stays in
 * the membership needs nothing done: its sequences start past its predecessor's ({@code Frame.sequenceBase}), and
 * as a receiver it is sent a skip of what its predecessor acked, then the unacked frames (at least once).
 */
public final class ClusterNode implements AutoCloseable {
    /** The default Execs' idling: Agrona's {@code BackoffIdleStrategy} defaults (see {@link Builder#execSettings}). */
    static final int BACKOFF_SPINS = 10;
    static final int BACKOFF_YIELDS = 5;
    static final long BACKOFF_MIN_PARK_NANOS = 1_000;

    private final int hostId;
    private final int execs;
    private final String endpoint;
    private final int maxPayload;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final ExecGroup group;
    private final Receiver[] receivers;
    private final Sender[] senders;
    /** (peer host id, peer Exec) -> [sender Exec] publications. Touched only under this node's lock. */
    private final Map<String, ExclusivePublication[]> publications = new HashMap<>();
    /** (peer host id, peer Exec) -> [sender Exec] unacknowledged frames. Under this node's lock; each buffer Exec-owned. */
    private final Map<String, ReplayBuffer[]> replayBuffers = new HashMap<>();
    private final int replayBytes;
    /** INVOKER mode: Exec 0 runs the driver's and the client's duty cycles, and makes every Aeron call after build. */
    private final boolean driverOnExec;
    private final long lossTimeoutNanos;
    private final long startNanos = System.nanoTime(); // for the times in imageEvents
    private final List<String> losses = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong unavailableImages = new java.util.concurrent.atomic.AtomicLong();
    private final List<String> imageEvents = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Thread watchdog;
    private volatile boolean closing;
    private volatile Membership membership; // written under the lock by install, read by any thread

    private ClusterNode(Builder b) {
        this.hostId = b.hostId;
        this.execs = b.execs;
        this.endpoint = b.endpoint;
        String dir = b.aeronDir != null ? b.aeronDir.toString() : defaultDir(b.hostId);
        MediaDriver.Context dc = new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            .publicationTermBufferLength(b.termLength)
            .ipcTermBufferLength(b.termLength)
            .termBufferSparseFile(true)
            .publicationLingerTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100));
        if (b.connectionTimeoutNanos > 0) {
            dc.publicationConnectionTimeoutNs(b.connectionTimeoutNanos)
                .statusMessageTimeoutNs(Math.max(b.connectionTimeoutNanos / 8, TimeUnit.MILLISECONDS.toNanos(1)))
                .publicationUnblockTimeoutNs(Math.max(b.connectionTimeoutNanos * 2, dc.clientLivenessTimeoutNs() + 1));
        }
        if (b.imageLivenessTimeoutNanos > 0) {
            dc.imageLivenessTimeoutNs(b.imageLivenessTimeoutNanos);
        }
        this.replayBytes = b.replayBytes;
        this.driverOnExec = b.driverOnExec;
        this.lossTimeoutNanos = b.lossTimeoutNanos;
        int maxMessage = Math.min(b.termLength / 8, 16 * 1024 * 1024); // Aeron's maximum message length
        this.maxPayload = b.maxPayload > 0 ? b.maxPayload : maxMessage - Frame.HEADER_LENGTH;
        if (Frame.HEADER_LENGTH + maxPayload > maxMessage) {
            throw new IllegalArgumentException("maxPayload " + maxPayload + " + the " + Frame.HEADER_LENGTH
                + "-byte header exceeds Aeron's maximum message of " + maxMessage + " bytes at term length " + b.termLength);
        }
        MediaDriver d = null;
        Aeron a = null;
        ExecGroup g = null;
        try {
            if (b.driverOnExec) {
                dc.threadingMode(ThreadingMode.INVOKER);
            }
            d = MediaDriver.launchEmbedded(dc);
            Aeron.Context ac = new Aeron.Context().aeronDirectoryName(d.aeronDirectoryName());
            if (b.driverOnExec) {
                ac.useConductorAgentInvoker(true).driverAgentInvoker(d.sharedAgentInvoker());
            }
            a = Aeron.connect(ac);
            Int2ObjectHashMap<MessageHandler> handlers = new Int2ObjectHashMap<>();
            handlers.putAll(b.handlers);
            receivers = new Receiver[execs];
            senders = new Sender[execs];
            Poller[] pollers = new Poller[execs];
            String channel = "aeron:udp?endpoint=" + endpoint;
            long sequenceBase = Frame.sequenceBase(System.currentTimeMillis()); // this process's: see Frame
            for (int i = 0; i < execs; i++) {
                senders[i] = new Sender(hostId, i, maxPayload, TimeUnit.SECONDS.toNanos(2), sequenceBase);
                receivers[i] = new Receiver(handlers, maxPayload, b.onReject, b.replayBytes > 0 ? senders[i] : null);
                Receiver receiver = receivers[i];
                java.util.Set<Integer> sessionsSeen = new java.util.HashSet<>(); // the client conductor's thread only
                Subscription sub = a.addSubscription(channel, i, image -> {
                        receiver.imageAvailable(image.sessionId());
                        if (!sessionsSeen.add(image.sessionId()) && !closing) { // a session's image made again
                            imageEvents.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos)
                                + " ms: image of session " + image.sessionId() + " from " + image.sourceIdentity()
                                + " on stream " + image.subscription().streamId() + " available again at position "
                                + image.joinPosition());
                        }
                    },
                    image -> {
                        unavailableImages.incrementAndGet(); // the client conductor's thread
                        if (!closing) {
                            imageEvents.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos)
                                + " ms: image of session " + image.sessionId() + " from " + image.sourceIdentity()
                                + " on stream " + image.subscription().streamId() + " unavailable at position "
                                + image.position()
                                + (image.isEndOfStream() ? " (end of stream)" : " (no end of stream: timed out)"));
                        }
                    });
                pollers[i] = i == 0 && b.driverOnExec
                    ? new SubscriptionPoller(sub, receivers[i], b.maxParkNanos, d.sharedAgentInvoker(),
                        a.conductorAgentInvoker())
                    : new SubscriptionPoller(sub, receivers[i], b.maxParkNanos, null, null);
                senders[i].ownPoller(pollers[i]);
            }
            int[] next = {0};
            // ExecGroup.build makes Exec i (and calls the factory) in index order on this thread.
            Exec.Builder template = b.template.poller(() -> pollers[next[0]++]);
            g = ExecGroup.builder()
                .affinity(b.affinity != null ? b.affinity : AffinityPlan.auto(execs))
                .execSettings(template)
                .backpressure(b.backpressure)
                .build();
        } catch (RuntimeException | Error e) {
            if (a != null) {
                a.close();
            }
            if (d != null) {
                d.close();
            }
            throw e;
        }
        this.driver = d;
        this.aeron = a;
        this.group = g;
        if (lossTimeoutNanos > 0) {
            Thread t = new Thread(this::watch, "corepin-cluster-watch-" + hostId);
            t.setDaemon(true);
            watchdog = t;
            t.start();
        }
    }

    /**
     * The loss detector (a thread of its own, only with {@link Builder#lossTimeout}): every 5 ms it looks at this
     * host's publications; a peer whose every publication from here has been disconnected (no status message from
     * its driver for the connection timeout) for the loss timeout, after having been connected once, is lost:
     * this host installs {@code membership.leave(peer)}, the next epoch. Every survivor computes the same next
     * membership on its own; there is no agreement protocol.
     */
    private void watch() {
        Map<Integer, Long> downSince = new HashMap<>();
        java.util.Set<Integer> seenUp = new java.util.HashSet<>();
        while (!closing) {
            try {
                Thread.sleep(5);
                Membership m = membership;
                if (m == null) {
                    continue;
                }
                long now = System.nanoTime();
                for (Host peer : m.hosts()) {
                    if (peer.id() == hostId) {
                        continue;
                    }
                    boolean up = false;
                    synchronized (this) {
                        for (int e = 0; e < peer.execs(); e++) {
                            ExclusivePublication[] perSender = publications.get(pubId(peer, e));
                            if (perSender != null) {
                                for (ExclusivePublication p : perSender) {
                                    up |= p.isConnected();
                                }
                            }
                        }
                    }
                    if (up) {
                        seenUp.add(peer.id());
                        downSince.remove(peer.id());
                    } else if (seenUp.contains(peer.id())) {
                        long since = downSince.computeIfAbsent(peer.id(), k -> now);
                        if (now - since >= lossTimeoutNanos && membership == m) {
                            Membership next = m.leave(peer.id());
                            install(next, Duration.ofSeconds(10));
                            losses.add("host " + peer.id() + " lost: disconnected for "
                                + TimeUnit.NANOSECONDS.toMillis(now - since) + " ms; epoch " + next.epoch()
                                + " installed " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since)
                                + " ms after the disconnect was seen");
                            downSince.remove(peer.id());
                            break; // the membership changed: look again from the new one
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (TimeoutException | RuntimeException e) {
                if (!closing) {
                    losses.add("loss detector: " + e);
                }
            }
        }
    }

    /**
     * Runs an Aeron client call where it may run: here, or with the driver on the Execs, on Exec 0 — the one thread
     * that invokes the driver and the client conductor (a blocking client call invokes the driver itself while it
     * waits, so no other thread may).
     */
    private <T> T onAeronThread(java.util.concurrent.Callable<T> call) {
        if (!driverOnExec) {
            try {
                return call.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return group.exec(0).submit(call).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during an Aeron call on Exec 0", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("an Aeron call on Exec 0 took over 30 s", e);
        }
    }

    private static String pubId(Host peer, int exec) {
        return peer.id() + "/" + peer.endpoint() + "/" + exec;
    }

    /**
     * Images (one peer Exec's publication to one of this host's Execs) that became unavailable so far: at their end of
     * stream, or timed out (Aeron's image liveness timeout: the peer died, closed without an end of stream reaching
     * here, or was starved while alive). Frames in flight on an image that timed out are sent again by their sender
     * (see {@link #resent()}) while it lives and acks are on.
     */
    public long unavailableImages() {
        return unavailableImages.get();
    }

    /**
     * One line per image that became unavailable while this node was not closing, and per image of a session made
     * again after that: when (ms after the node was built), session, source, position (the join position of a
     * re-made one).
     */
    public List<String> imageEvents() {
        return List.copyOf(imageEvents);
    }

    /** What the loss detector did: one line per lost host (with the time to re-route), or per failure. */
    public List<String> losses() {
        return List.copyOf(losses);
    }

    private static String defaultDir(int hostId) {
        Path shm = Paths.get("/dev/shm");
        Path base = Files.isDirectory(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
        return base.resolve("corepin-cluster-" + hostId + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
            .toString();
    }

    /** A builder: set {@link Builder#hostId}, {@link Builder#execs} and {@link Builder#endpoint}. */
    public static Builder builder() {
        return new Builder();
    }

    /** This host as a member: its id, Exec count and endpoint. */
    public Host host() {
        return new Host(hostId, execs, endpoint);
    }

    /** The local Execs: Exec {@code i} receives the keys the membership maps to (this host, {@code i}). */
    public ExecGroup group() {
        return group;
    }

    /** The Aeron directory of this host's media driver (deleted at {@link #close}). */
    public String aeronDirectory() {
        return driver.aeronDirectoryName();
    }

    /** The largest payload {@link #send} takes and receivers accept. */
    public int maxPayload() {
        return maxPayload;
    }

    /** The installed membership, or {@code null} before the first {@link #install}. */
    public Membership membership() {
        return membership;
    }

    /**
     * Routes by {@code next} from now on: adds the publications its hosts need (to hosts not yet reachable too: they
     * stay {@link SendResult#NOT_CONNECTED} until the peer subscribes), hands every local Exec its new route in a task
     * of its own (so a send sees either the old route or the new one, whole), then closes the publications to hosts
     * that left. Blocks the caller up to {@code timeout}; not for an Exec's thread.
     *
     * @throws IllegalArgumentException naming both epochs if {@code next} is not newer than the installed one
     * @throws TimeoutException if an Exec did not take the route within the timeout (it takes it later)
     */
    public synchronized void install(Membership next, Duration timeout)
        throws TimeoutException, InterruptedException {
        Objects.requireNonNull(next, "membership");
        Membership now = membership;
        if (now != null && next.epoch() <= now.epoch()) {
            throw new IllegalArgumentException("membership epoch " + next.epoch() + " is not newer than the installed "
                + now.epoch());
        }
        Map<String, ExclusivePublication[]> used = new HashMap<>();
        Route[] routes = new Route[execs];
        ExclusivePublication[][][] pubs = new ExclusivePublication[execs][next.size()][];
        ReplayBuffer[][][] unackedBy = new ReplayBuffer[execs][next.size()][];
        for (int h = 0; h < next.size(); h++) {
            Host peer = next.host(h);
            for (int e = 0; e < peer.execs(); e++) {
                String id = pubId(peer, e);
                ExclusivePublication[] perSender = publications.get(id);
                if (perSender == null) {
                    perSender = new ExclusivePublication[execs];
                    ReplayBuffer[] unacked = replayBytes > 0 ? new ReplayBuffer[execs] : null;
                    for (int s = 0; s < execs; s++) {
                        int stream = e;
                        perSender[s] = onAeronThread(() -> aeron.addExclusivePublication(peer.channel(), stream));
                        if (unacked != null) {
                            unacked[s] = new ReplayBuffer(replayBytes);
                        }
                    }
                    publications.put(id, perSender);
                    if (unacked != null) {
                        replayBuffers.put(id, unacked);
                    }
                }
                used.put(id, perSender);
                for (int s = 0; s < execs; s++) {
                    if (pubs[s][h] == null) {
                        pubs[s][h] = new ExclusivePublication[peer.execs()];
                        if (replayBytes > 0) {
                            unackedBy[s][h] = new ReplayBuffer[peer.execs()];
                        }
                    }
                    pubs[s][h][e] = perSender[s];
                    if (replayBytes > 0) {
                        unackedBy[s][h][e] = replayBuffers.get(id)[s];
                    }
                }
            }
        }
        List<CompletableFuture<?>> installed = new ArrayList<>();
        for (int s = 0; s < execs; s++) {
            routes[s] = new Route(next, pubs[s], replayBytes > 0 ? unackedBy[s] : null);
            Sender sender = senders[s];
            Receiver receiver = receivers[s];
            Route route = routes[s];
            // The task is this Exec's: the route and epoch are Exec-owned fields, published by the ring hand-off.
            installed.add(group.exec(s).submit(() -> {
                sender.route(route);
                receiver.epoch(next.epoch());
                return null;
            }));
        }
        membership = next;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompletableFuture<?> f : installed) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("installing epoch " + next.epoch() + " failed on an Exec", e.getCause());
            }
        }
        publications.entrySet().removeIf(entry -> {
            if (used.containsKey(entry.getKey())) {
                return false;
            }
            for (ExclusivePublication p : entry.getValue()) {
                onAeronThread(() -> {
                    p.close();
                    return null;
                });
            }
            replayBuffers.remove(entry.getKey()); // drained by its Exec in the install task above
            return true;
        });
    }

    /**
     * Whether every publication of the installed membership is connected (its subscriber is up), waiting up to
     * {@code timeout}; sleeps 1 ms between looks.
     */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean all = true;
            synchronized (this) {
                for (ExclusivePublication[] perSender : publications.values()) {
                    for (ExclusivePublication p : perSender) {
                        all &= p.isConnected();
                    }
                }
            }
            if (all) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(1);
        }
    }

    /**
     * Sends one message from the calling Exec (one of this node's) to the key's (host, Exec), without waiting and
     * without allocating.
     *
     * @param key routes the message; the receiving handler gets it
     * @param handlerId the receiver's handler for it
     * @param payload the bytes to send, copied into Aeron's buffer before this returns
     * @return {@link SendResult#SENT}, or why not (nothing was written then)
     * @throws IllegalStateException naming the thread if it is not an Exec of this node, or no membership is installed
     * @throws IllegalArgumentException naming the length if it is negative or above {@link #maxPayload()}
     */
    public SendResult send(long key, int handlerId, DirectBuffer payload, int offset, int length) {
        return senders[localIndex()].send(key, handlerId, payload, offset, length);
    }

    /**
     * Sends from any thread: copies the payload, hops to the key's local Exec ({@code group().execute(key, ..)}:
     * per-key order, the group's {@link Backpressure} when its ring is full) and {@link #send}s there. Allocates the
     * copy and the task: for code off the Execs, not the per-message hot path.
     *
     * @return completes on that Exec with the send's result, or exceptionally with what {@code send} threw
     */
    public CompletableFuture<SendResult> submit(long key, int handlerId, byte[] payload) {
        byte[] copy = payload.clone();
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        group.execute(key, () -> {
            try {
                result.complete(send(key, handlerId, new UnsafeBuffer(copy), 0, copy.length));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private int localIndex() {
        for (int i = 0; i < execs; i++) {
            if (group.exec(i).inEventLoop()) {
                return i;
            }
        }
        throw new IllegalStateException("send must run on an Exec of host " + hostId + ", not on "
            + Thread.currentThread().getName() + " (use submit from other threads)");
    }

    /** Messages delivered to handlers on this host, all Execs (a failed handler's message counts). */
    public long delivered() {
        long n = 0;
        for (Receiver r : receivers) {
            n += r.delivered();
        }
        return n;
    }

    /** Messages delivered by local Exec {@code exec}. */
    public long delivered(int exec) {
        return receivers[exec].delivered();
    }

    /** Frames this host refused (or whose handler failed) for {@code error}. */
    public long rejected(FrameError error) {
        long n = 0;
        for (Receiver r : receivers) {
            n += r.rejected(error);
        }
        return n;
    }

    /** Frames dropped as repeats of a (sender, sequence) already delivered. */
    public long duplicates() {
        long n = 0;
        for (Receiver r : receivers) {
            n += r.duplicates();
        }
        return n;
    }

    /** Frames delivered whose epoch was not the receiver's (the sender routed by another membership). */
    public long epochMismatches() {
        long n = 0;
        for (Receiver r : receivers) {
            n += r.epochMismatches();
        }
        return n;
    }

    /** Frames this host sent again to a lost host's keys' new owners (each counted in {@link #sends} too). */
    public long replayed() {
        long n = 0;
        for (Sender s : senders) {
            n += s.replayCount(Sender.REPLAYED);
        }
        return n;
    }

    /** Frames of a lost host that could not be sent again within the replay timeout (2 s): lost. */
    public long replayFailed() {
        long n = 0;
        for (Sender s : senders) {
            n += s.replayCount(Sender.REPLAY_FAILED);
        }
        return n;
    }

    /**
     * Frames this host's Execs sent again as they were (same sequence) to a (host, Exec) that asked for them (it saw
     * a gap, or a new image after its old one timed out) or whose publication was connected again after a send found
     * it not connected. The receiver drops those it already had.
     */
    public long resent() {
        long n = 0;
        for (Sender s : senders) {
            n += s.replayCount(Sender.RESENT);
        }
        return n;
    }

    /**
     * Frames this host received past a gap in their sender's sequence (frames before them were lost with an image
     * that timed out) and dropped, undelivered and unacked, until the resend it asked for fills the gap.
     */
    public long outOfSequence() {
        long n = 0;
        for (Receiver r : receivers) {
            n += r.outOfSequence();
        }
        return n;
    }

    /** Resend requests this host's Execs sent (see {@link #outOfSequence()} and {@link #resent()}). */
    public long resendRequests() {
        long n = 0;
        for (Receiver r : receivers) {
            n += r.resendRequests();
        }
        return n;
    }

    /**
     * Sequences this host's receivers skipped on a sender's skip frame: frames that sender sent here, then gave up
     * on when this host left its membership (it sent them to the keys' new owners, {@link #replayed()}, or failed to,
     * {@link #replayFailed()}), and that had not been handled here. For a host restarted under the same id and added
     * again, the count also takes in the sequences its earlier run had handled. See {@link #skipsSent()}.
     */
    public long skipped() {
        long n = 0;
        for (Receiver r : receivers) {
            n += r.skipped();
        }
        return n;
    }

    /**
     * Skip frames this host's Execs sent: one to each (host, Exec) that came back into the membership after having
     * left it, first of everything sent to it again, telling it where this Exec's sequence to it resumes.
     */
    public long skipsSent() {
        long n = 0;
        for (Sender s : senders) {
            n += s.replayCount(Sender.SKIPS);
        }
        return n;
    }

    /** Frames local Exec {@code exec} waits for an ack of, over every (host, Exec); asks the Exec (tests). */
    int unacked(int exec) throws Exception {
        Sender s = senders[exec];
        return group.exec(exec).submit(s::unackedNow).get(10, TimeUnit.SECONDS);
    }

    /**
     * For diagnosis, on an Exec of this node: what a {@link #send} of {@code key} from it meets now, in words (the
     * key's (host, Exec), whether that publication is connected, its position and window, the next sequence, the
     * frames waiting for an ack and any resend under way). Allocates.
     *
     * @throws IllegalStateException naming the thread if it is not an Exec of this node
     */
    public String describeSend(long key) {
        return senders[localIndex()].describe(key);
    }

    /** Acks this host's Execs sent. */
    public long acksSent() {
        long n = 0;
        for (Sender s : senders) {
            n += s.replayCount(Sender.ACKS_SENT);
        }
        return n;
    }

    /** How many of this host's sends ended with {@code result}. */
    public long sends(SendResult result) {
        long n = 0;
        for (Sender s : senders) {
            n += s.count(result);
        }
        return n;
    }

    /**
     * Closes the Execs (they run what they accepted), then the Aeron client and the media driver, whose directory is
     * deleted.
     */
    @Override
    public void close() {
        closing = true;
        Thread t = watchdog;
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            group.close();
        } finally {
            try {
                aeron.close();
            } finally {
                String dir = driver.aeronDirectoryName();
                driver.close();
                deleteQuietly(Paths.get(dir));
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: the driver already deletes its directory on shutdown
        }
    }

    /** Settings of a {@link ClusterNode}. */
    public static final class Builder {
        private int hostId = -1;
        private int execs = 1;
        private String endpoint;
        private Path aeronDir;
        private int termLength = 64 * 1024;
        private int maxPayload;
        private long maxParkNanos = TimeUnit.MICROSECONDS.toNanos(100);
        private final Map<Integer, MessageHandler> handlers = new HashMap<>();
        private RejectListener onReject;
        private Exec.Builder template;
        private AffinityPlan affinity;
        private Backpressure backpressure = Backpressure.reject();
        private int replayBytes = 256 * 1024;
        private long lossTimeoutNanos;
        private long connectionTimeoutNanos;
        private long imageLivenessTimeoutNanos;
        private boolean driverOnExec;

        private Builder() {
        }

        /** This host's id in the cluster (required, at least 0). */
        public Builder hostId(int id) {
            if (id < 0) {
                throw new IllegalArgumentException("host id must be >= 0, got " + id);
            }
            this.hostId = id;
            return this;
        }

        /** How many Execs (default 1): this host's weight, and how many streams it receives on. */
        public Builder execs(int n) {
            if (n < 1 || n > Frame.MAX_EXECS) {
                throw new IllegalArgumentException("execs must be in [1, " + Frame.MAX_EXECS + "], got " + n);
            }
            this.execs = n;
            return this;
        }

        /** {@code address:port} this host receives on, for instance {@code 127.0.0.1:40123} (required). */
        public Builder endpoint(String endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** The media driver's directory (default: a fresh one under /dev/shm, else the temp directory). */
        public Builder aeronDirectory(Path dir) {
            this.aeronDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Term buffer length of this host's publications, a power of two from 64 KiB to 1 GiB (default 64 KiB). A
         * message can be up to an eighth of it.
         */
        public Builder termLength(int bytes) {
            if (bytes < 64 * 1024 || bytes > (1 << 30) || Integer.bitCount(bytes) != 1) {
                throw new IllegalArgumentException("term length must be a power of two in [64 KiB, 1 GiB], got " + bytes);
            }
            this.termLength = bytes;
            return this;
        }

        /** The largest payload (default: the term length / 8 minus the 40-byte header). Larger frames are refused. */
        public Builder maxPayload(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxPayload must be >= 1, got " + bytes);
            }
            this.maxPayload = bytes;
            return this;
        }

        /** Registers the handler of messages with {@code id}; every host must register the same ids. */
        public Builder handler(int id, MessageHandler handler) {
            Objects.requireNonNull(handler, "handler");
            if (handlers.putIfAbsent(id, handler) != null) {
                throw new IllegalArgumentException("handler id " + id + " is already registered");
            }
            return this;
        }

        /** Told of every refused frame (default: counted only, see {@link ClusterNode#rejected}). */
        public Builder onReject(RejectListener listener) {
            this.onReject = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Settings of every Exec; its poller is replaced. Default: {@code Exec.builder().name("host-<id>")} idling as
         * Agrona's {@code BackoffIdleStrategy} does by default, which Aeron's agents use —
         * {@code IdleStrategy.backoff(10, 5, 1 µs, maxPark)}: after work, 10 spins and 5 yields, then parks doubling
         * from 1 µs up to {@link #maxPark}. Aeron gives no wake-up for new data, so an Exec's parks are timed either
         * way; the Exec's own default ({@code IdleStrategy.park()}) would park the whole {@code maxPark} at once,
         * which doubled a cross-host round trip's p50 (bench/RESULTS.md, "Cross-host hop", run 4).
         */
        public Builder execSettings(Exec.Builder template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /** Where the Execs run (default {@code AffinityPlan.auto(execs)}); its Exec count must equal {@link #execs}. */
        public Builder affinity(AffinityPlan plan) {
            this.affinity = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /** What {@link ClusterNode#submit} does when the key's local Exec's ring is full (default reject). */
        public Builder backpressure(Backpressure backpressure) {
            this.backpressure = Objects.requireNonNull(backpressure, "backpressure");
            return this;
        }

        /**
         * Bytes of unacknowledged frames each Exec keeps per (peer host, peer Exec) for replay, a power of two
         * (default 256 KiB); a send with no room left is {@link SendResult#BACK_PRESSURED}. 0 turns acks and replay
         * off.
         */
        public Builder replayBuffer(int bytes) {
            if (bytes != 0 && (bytes < 64 || Integer.bitCount(bytes) != 1)) {
                throw new IllegalArgumentException("replay buffer must be 0 or a power of two >= 64, got " + bytes);
            }
            this.replayBytes = bytes;
            return this;
        }

        /**
         * Detect lost hosts: a peer disconnected for this long is removed from the membership (default: off, a
         * membership changes only by {@link ClusterNode#install}). See {@link ClusterNode#losses()}.
         */
        public Builder lossTimeout(Duration d) {
            long n = d.toNanos();
            if (n < 1) {
                throw new IllegalArgumentException("lossTimeout must be positive, got " + d);
            }
            this.lossTimeoutNanos = n;
            return this;
        }

        /**
         * The media driver's publication connection timeout (Aeron's default: 5 s): how long without a status message
         * from a peer's driver before its publications count as disconnected. Receivers then send status messages
         * every eighth of it (Aeron's default: 200 ms).
         */
        public Builder connectionTimeout(Duration d) {
            long n = d.toNanos();
            if (n < 1) {
                throw new IllegalArgumentException("connectionTimeout must be positive, got " + d);
            }
            this.connectionTimeoutNanos = n;
            return this;
        }

        /**
         * The media driver's image liveness timeout (Aeron's default: 10 s): how long without data or a heartbeat from
         * a peer's publication before this host drops its image. Package-private: tests use it to make an image time
         * out between two live hosts.
         */
        Builder imageLivenessTimeout(Duration d) {
            long n = d.toNanos();
            if (n < 1) {
                throw new IllegalArgumentException("imageLivenessTimeout must be positive, got " + d);
            }
            this.imageLivenessTimeoutNanos = n;
            return this;
        }

        /**
         * Runs the media driver ({@code ThreadingMode.INVOKER}) and the Aeron client's conductor on Exec 0, in every
         * turn, instead of on a driver thread and a client thread of their own (default {@code false}: a SHARED
         * driver thread and the client's conductor thread). Saves two threads; Exec 0 does the driver's work.
         */
        public Builder driverOnExec(boolean onExec) {
            this.driverOnExec = onExec;
            return this;
        }

        /** The longest an idle Exec parks before it polls its subscription again (default 100 µs). */
        public Builder maxPark(Duration d) {
            long n = d.toNanos();
            if (n < 1) {
                throw new IllegalArgumentException("maxPark must be positive, got " + d);
            }
            this.maxParkNanos = n;
            return this;
        }

        /**
         * Starts the media driver, the Aeron client and the Execs. Install a membership before sending.
         *
         * @throws IllegalStateException if the host id or endpoint was not set
         */
        public ClusterNode build() {
            if (hostId < 0) {
                throw new IllegalStateException("hostId is required");
            }
            if (endpoint == null) {
                throw new IllegalStateException("endpoint is required");
            }
            new Host(hostId, execs, endpoint); // checks the endpoint's form
            if (template == null) { // Aeron has no wake-up for new data: idle as Aeron's own agents do
                template = Exec.builder().name("host-" + hostId).idleStrategy(IdleStrategy.backoff(
                    BACKOFF_SPINS, BACKOFF_YIELDS, Math.min(BACKOFF_MIN_PARK_NANOS, maxParkNanos), maxParkNanos));
            }
            if (affinity != null && affinity.execCount() != execs) {
                throw new IllegalArgumentException("affinity plan has " + affinity.execCount() + " Execs, execs is " + execs);
            }
            return new ClusterNode(this);
        }
    }
}
