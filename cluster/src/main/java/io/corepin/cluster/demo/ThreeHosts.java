package io.corepin.cluster.demo;

import io.corepin.Exec;
import io.corepin.affinity.AffinityPlan;
import io.corepin.cluster.ClusterNode;
import io.corepin.cluster.Host;
import io.corepin.cluster.Membership;
import io.corepin.cluster.SendResult;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One host of the sharded-counter example across hosts ({@code cluster/three-hosts.sh} starts three, one JVM each):
 *
 * <pre>
 *   ThreeHosts &lt;hostId&gt; &lt;execs&gt; &lt;seconds&gt; &lt;id:execs:address:port,...&gt; [aeronDir]
 * </pre>
 *
 * The list names every host of the cluster, this one included (it receives on its own entry's endpoint). Once every
 * publication is connected, each Exec sends keyed increments ({@code (key, sender host, sender Exec, sequence)}) over
 * {@value #KEYS} keys for {@code seconds}; each increment runs on the (host, Exec) the membership gives its key, which
 * counts it. Then every Exec tells every host how many increments it sent there ({@code DONE}), and each host waits
 * (at most 30 s) until it has handled exactly what was announced, then until every host says it is complete too
 * ({@code FINISHED}: a host's unsent frames die with it, so none closes early). It prints per Exec and in total what it
 * handled and sent, per second, the CPU time the JVM used from the first send until all was handled, and one
 * {@code RESULT} line: {@code RESULT host=<id> sent=<n> handled=<n> lost=<n> dup=<n> order=<n> rejected=<n>
 * misrouted=<n> resent=<n>} (lost: announced but not handled; dup: repeats the receivers dropped before their
 * handlers, frames sent again after an image timed out or an ack was late; order: increments a handler saw out of
 * their sender's order or twice; misrouted: increments that reached an Exec other than the one the membership gives
 * their key, not counted as handled; resent: frames this host sent again). Exits 0 when lost, order and misrouted are
 * 0, 1 otherwise, 2 if the peers never connected; a guard halts the JVM after {@code seconds + 90} s whatever happens.
 * {@code -Dcorepin.threeHosts.driver=exec} runs the media driver and the Aeron client's conductor on Exec 0
 * ({@link ClusterNode.Builder#driverOnExec}); the default, {@code shared}, gives them threads of their own.
 */
public final class ThreeHosts {
    static final int DATA = 1;
    static final int DONE = 2;
    static final int FINISHED = 3;
    static final int KEYS = 4096;
    private static final int MAX_HOST_ID = 63;
    private static final int MAX_EXECS = 64;
    private static final int PER_TURN = 64;

    private ThreeHosts() {
    }

    /** What one Exec handled; written only by that Exec (release), read by main (acquire). */
    static final class Counts {
        final AtomicLongArray fromHost = new AtomicLongArray(MAX_HOST_ID + 1);
        final AtomicLongArray handled = new AtomicLongArray(1);
        final AtomicLongArray outOfOrder = new AtomicLongArray(1);
        final AtomicLongArray misrouted = new AtomicLongArray(1);
        final long[] lastSeq = new long[(MAX_HOST_ID + 1) * MAX_EXECS]; // Exec-owned only
        final long[] perKey = new long[KEYS]; // the sharded counter itself; Exec-owned

        Counts() {
            java.util.Arrays.fill(lastSeq, -1);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ThreeHosts <hostId> <execs> <seconds> <id:execs:address:port,...> [aeronDir]");
            System.exit(64);
        }
        int hostId = Integer.parseInt(args[0]);
        int execs = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        if (hostId > MAX_HOST_ID || execs > MAX_EXECS || seconds < 1 || seconds > 600) {
            throw new IllegalArgumentException("host id must be <= " + MAX_HOST_ID + ", execs <= " + MAX_EXECS
                + ", seconds in [1, 600]; got " + hostId + ", " + execs + ", " + seconds);
        }
        List<Host> hosts = new ArrayList<>();
        for (String spec : args[3].split(",")) {
            String[] p = spec.split(":", 3);
            if (p.length != 3) {
                throw new IllegalArgumentException("peer must be id:execs:address:port, got '" + spec + "'");
            }
            hosts.add(new Host(Integer.parseInt(p[0]), Integer.parseInt(p[1]), p[2]));
        }
        Membership m = Membership.of(1, hosts);
        int self = m.indexOf(hostId);
        if (self < 0 || m.host(self).execs() != execs) {
            throw new IllegalArgumentException("host " + hostId + " with " + execs + " Execs is not in " + m);
        }
        Thread guard = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds + 90L));
                System.out.println("host " + hostId + ": guard timeout, halting");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                // normal exit
            }
        }, "three-hosts-guard");
        guard.setDaemon(true);
        guard.start();

        Counts[] counts = new Counts[execs];
        for (int i = 0; i < execs; i++) {
            counts[i] = new Counts();
        }
        AtomicLongArray expected = new AtomicLongArray(MAX_HOST_ID + 1); // per sender host, announced by DONE
        AtomicInteger donesSeen = new AtomicInteger();
        int senderExecs = 0;
        for (Host h : m.hosts()) {
            senderExecs += h.execs();
        }

        int[] ownerExec = new int[KEYS]; // the Exec of this host that owns key k, or -1
        for (int k = 0; k < KEYS; k++) {
            ownerExec[k] = m.hostIndexFor(k) == self ? m.execFor(k) : -1;
        }
        ThreadLocal<Integer> myIndex = ThreadLocal.withInitial(ThreeHosts::execIndex); // parsed once per Exec
        ThreadLocal<Counts> mine = ThreadLocal.withInitial(() -> counts[execIndex()]); // parsed once per Exec
        String driver = System.getProperty("corepin.threeHosts.driver", "shared");
        if (!driver.equals("shared") && !driver.equals("exec")) {
            throw new IllegalArgumentException(
                "corepin.threeHosts.driver must be shared or exec, got '" + driver + "'");
        }
        ClusterNode.Builder b = ClusterNode.builder()
            .hostId(hostId).execs(execs).endpoint(m.host(self).endpoint())
            .driverOnExec(driver.equals("exec"))
            .affinity(AffinityPlan.unpinned(execs))
            // three JVMs of 4+ threads each usually share 2 cores here: preemptions of 10-30 ms are the norm, not stalls
            .execSettings(Exec.builder().name("host-" + hostId).stallThreshold(250, TimeUnit.MILLISECONDS))
            .handler(DATA, (key, buf, off, len) -> {
                Counts c = mine.get();
                if (key < 0 || key >= KEYS || ownerExec[(int) key] != myIndex.get()) {
                    c.misrouted.setRelease(0, c.misrouted.getPlain(0) + 1);
                    return; // not counted as handled either: the sender's total will not match
                }
                int fromHost = buf.getInt(off);
                int fromExec = buf.getInt(off + 4);
                long seq = buf.getLong(off + 8);
                int slot = fromHost * MAX_EXECS + fromExec;
                // sequences of one sender Exec rise by 1 per send, whatever the key: so later ones are larger
                if (seq <= c.lastSeq[slot]) {
                    c.outOfOrder.setRelease(0, c.outOfOrder.getPlain(0) + 1);
                }
                c.lastSeq[slot] = seq;
                c.perKey[(int) key]++;
                c.fromHost.setRelease(fromHost, c.fromHost.getPlain(fromHost) + 1);
                c.handled.setRelease(0, c.handled.getPlain(0) + 1);
            });
        if (args.length > 4) {
            b.aeronDirectory(Paths.get(args[4]));
        }
        b.handler(DONE, (key, buf, off, len) -> {
            expected.getAndAdd(buf.getInt(off), buf.getLong(off + 8));
            donesSeen.incrementAndGet();
        });
        AtomicInteger finishedSeen = new AtomicInteger();
        b.handler(FINISHED, (key, buf, off, len) -> finishedSeen.incrementAndGet());
        ClusterNode node = b.build();
        int exit;
        try {
            node.install(m, Duration.ofSeconds(10));
            if (!node.awaitConnected(Duration.ofSeconds(30))) {
                System.out.println("host " + hostId + ": NOT CONNECTED to every peer within 30 s");
                System.exit(2);
            }
            System.out.println("host " + hostId + ": connected to " + m.size() + " hosts, sending for " + seconds + " s");
            long[] doneKeys = new long[m.size()];
            for (int h = 0; h < m.size(); h++) {
                doneKeys[h] = -1;
                for (long k = 0; k < KEYS && doneKeys[h] < 0; k++) {
                    if (m.hostIndexFor(k) == h) {
                        doneKeys[h] = k;
                    }
                }
                if (doneKeys[h] < 0) {
                    throw new IllegalStateException("no key of " + KEYS + " maps to host " + m.host(h));
                }
            }
            int[] hostOfKey = new int[KEYS];
            for (int k = 0; k < KEYS; k++) {
                hostOfKey[k] = m.hostIndexFor(k);
            }
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
            Sender[] senders = new Sender[execs];
            for (int i = 0; i < execs; i++) {
                senders[i] = new Sender(node, node.group().exec(i), hostId, i, end, hostOfKey, doneKeys, m);
                node.group().exec(i).execute(senders[i]);
            }
            for (Sender s : senders) {
                if (!s.finished.await(seconds + 30L, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("host " + hostId + ": a sender did not finish");
                }
            }
            long sendNanos = System.nanoTime() - t0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() - deadline < 0 && !complete(m, counts, expected, donesSeen, senderExecs)) {
                Thread.sleep(1);
            }
            long handleNanos = System.nanoTime() - t0;
            long cpuNanos = processCpuNanos() - cpu0;
            // A host's publications die with it, frames not yet sent included: so no host closes before every host has
            // handled everything sent to it. Tell every host we are complete, wait until all are (at most 30 s).
            node.group().exec(0).execute(new Broadcast(node, node.group().exec(0), FINISHED, hostId, doneKeys));
            long finDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (finishedSeen.get() < m.size() && System.nanoTime() - finDeadline < 0) {
                Thread.sleep(1);
            }
            if (finishedSeen.get() < m.size()) {
                System.out.println("host " + hostId + ": only " + finishedSeen.get() + " of " + m.size()
                    + " hosts said FINISHED within 30 s");
            }
            Thread.sleep(500); // our own FINISHED reaches the last peers before our publications close
            exit = report(hostId, m, counts, expected, donesSeen.get(), senderExecs, senders, node, sendNanos,
                handleNanos, cpuNanos);
        } finally {
            node.close();
        }
        guard.interrupt();
        System.exit(exit);
    }

    /** This JVM's CPU time, every thread (Execs, media driver, Aeron client) and the JIT and GC included. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static int execIndex() {
        String name = Exec.current().name(); // "host-<id>-<i>"
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    }

    private static boolean complete(Membership m, Counts[] counts, AtomicLongArray expected, AtomicInteger dones,
        int senderExecs) {
        if (dones.get() < senderExecs) {
            return false;
        }
        for (Host h : m.hosts()) {
            if (handledFrom(counts, h.id()) != expected.get(h.id())) {
                return false;
            }
        }
        return true;
    }

    private static long handledFrom(Counts[] counts, int host) {
        long n = 0;
        for (Counts c : counts) {
            n += c.fromHost.getAcquire(host);
        }
        return n;
    }

    private static int report(int hostId, Membership m, Counts[] counts, AtomicLongArray expected, int dones,
        int senderExecs, Sender[] senders, ClusterNode node, long sendNanos, long handleNanos, long cpuNanos) {
        double sendS = sendNanos / 1e9;
        double handleS = handleNanos / 1e9;
        long handled = 0;
        long sent = 0;
        long order = 0;
        long misrouted = 0;
        for (int i = 0; i < counts.length; i++) {
            long h = counts[i].handled.getAcquire(0);
            long s = senders[i].sent;
            handled += h;
            sent += s;
            order += counts[i].outOfOrder.getAcquire(0);
            misrouted += counts[i].misrouted.getAcquire(0);
            StringBuilder by = new StringBuilder();
            for (Host peer : m.hosts()) {
                by.append(' ').append(peer.id()).append(':').append(counts[i].fromHost.getAcquire(peer.id()));
            }
            System.out.printf("host %d exec %d: handled %,d (%,.0f/s)  sent %,d (%,.0f/s)  send retries %,d"
                + "  (handled from hosts%s)%n", hostId, i, h, h / handleS, s, s / sendS, senders[i].retries, by);
        }
        long lost = 0;
        StringBuilder from = new StringBuilder();
        for (Host h : m.hosts()) {
            long got = handledFrom(counts, h.id());
            long exp = expected.get(h.id());
            lost += Math.max(0, exp - got);
            from.append(from.length() == 0 ? "" : ", ").append("host ").append(h.id()).append(' ').append(got)
                .append('/').append(exp);
        }
        if (dones < senderExecs) {
            System.out.println("host " + hostId + ": only " + dones + " of " + senderExecs + " senders said DONE");
            lost += 1; // unknown how many: not complete
        }
        long dup = node.duplicates();
        StringBuilder results = new StringBuilder();
        for (SendResult r : SendResult.values()) {
            long n = node.sends(r);
            if (n > 0) {
                results.append(' ').append(r).append('=').append(n);
            }
        }
        System.out.printf("host %d sends:%s; acks sent %d; epoch mismatches %d; images unavailable %d; resent %d;"
            + " out of sequence %d; resend requests %d%n", hostId, results, node.acksSent(), node.epochMismatches(),
            node.unavailableImages(), node.resent(), node.outOfSequence(), node.resendRequests());
        for (String e : node.imageEvents()) {
            System.out.println("host " + hostId + ": " + e);
        }
        System.out.printf("host %d total: handled %,d (%,.0f/s)  sent %,d (%,.0f/s)  handled/announced by sender: %s"
            + "  cpu %.2f s (%,.0f handled per CPU s)%n", hostId, handled, handled / handleS, sent, sent / sendS, from,
            cpuNanos / 1e9, handled / (cpuNanos / 1e9));
        System.out.printf("RESULT host=%d sent=%d handled=%d lost=%d dup=%d order=%d rejected=%d misrouted=%d resent=%d%n",
            hostId, sent, handled, lost, dup, order, rejectedTotal(node), misrouted, node.resent());
        return lost == 0 && order == 0 && misrouted == 0 ? 0 : 1;
    }

    private static long rejectedTotal(ClusterNode node) {
        long n = 0;
        for (io.corepin.cluster.FrameError e : io.corepin.cluster.FrameError.values()) {
            n += node.rejected(e);
        }
        return n;
    }

    /** Runs on one Exec: sends one message of {@code handlerId} to a key of every host, retrying on later turns. */
    static final class Broadcast implements Runnable {
        private final ClusterNode node;
        private final Exec exec;
        private final int handlerId;
        private final long[] keys;
        private final UnsafeBuffer buf = new UnsafeBuffer(new byte[16]);
        private final long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // or close would wait forever
        private int next;

        Broadcast(ClusterNode node, Exec exec, int handlerId, int hostId, long[] keys) {
            this.node = node;
            this.exec = exec;
            this.handlerId = handlerId;
            this.keys = keys;
            buf.putInt(0, hostId);
        }

        @Override
        public void run() {
            while (next < keys.length) {
                if (node.send(keys[next], handlerId, buf, 0, 16) != SendResult.SENT) {
                    if (System.nanoTime() - giveUp < 0) {
                        exec.execute(this);
                    } else {
                        System.out.println("gave up sending message " + handlerId + " to a key of host index " + next);
                    }
                    return;
                }
                next++;
            }
        }
    }

    /**
     * Runs on one Exec: up to {@value #PER_TURN} increments a turn, then re-queues itself (so the Exec's poller runs in
     * between); a send that is not SENT yields the thread's core, then is tried again next turn, the same one. After
     * the deadline, one DONE per host.
     */
    static final class Sender implements Runnable {
        private final ClusterNode node;
        private final Exec exec;
        private final int hostId;
        private final int execIndex;
        private final long end;
        private final int[] hostOfKey;
        private final long[] doneKeys;
        private final long[] sentTo;
        private final UnsafeBuffer buf = new UnsafeBuffer(new byte[16]);
        final CountDownLatch finished = new CountDownLatch(1);
        volatile long sent;
        volatile long retries;
        private long seq;
        private long key;
        private int donesSent;

        Sender(ClusterNode node, Exec exec, int hostId, int execIndex, long end, int[] hostOfKey, long[] doneKeys,
            Membership m) {
            this.node = node;
            this.exec = exec;
            this.hostId = hostId;
            this.execIndex = execIndex;
            this.end = end;
            this.hostOfKey = hostOfKey;
            this.doneKeys = doneKeys;
            this.sentTo = new long[m.size()];
            this.key = (hostId * 131L + execIndex * 17L) % KEYS;
        }

        @Override
        public void run() {
            if (System.nanoTime() - end < 0) {
                for (int n = 0; n < PER_TURN; n++) {
                    buf.putInt(0, hostId);
                    buf.putInt(4, execIndex);
                    buf.putLong(8, seq);
                    SendResult r = node.send(key, DATA, buf, 0, 16);
                    if (r != SendResult.SENT) {
                        retries++;
                        // The window is full until the media drivers move it on. Here they share the 2 cores with
                        // this Exec, which has work (this task, re-queued) and so never idles: without giving its
                        // core away it spins the window out of a scheduler time slice per round trip (16x per host
                        // with 2 hosts, 7.7x with 3, with the yield; bench/RESULTS.md "Throughput per host").
                        Thread.yield();
                        break;
                    }
                    sentTo[hostOfKey[(int) key]]++;
                    seq++;
                    sent++;
                    key = (key * 5 + 1) % KEYS; // visits every key (full-period LCG mod 2^12)
                }
                exec.execute(this);
                return;
            }
            while (donesSent < doneKeys.length) {
                buf.putInt(0, hostId);
                buf.putLong(8, sentTo[donesSent]);
                SendResult r = node.send(doneKeys[donesSent], DONE, buf, 0, 16);
                if (r != SendResult.SENT) {
                    retries++;
                    if (System.nanoTime() - end < TimeUnit.SECONDS.toNanos(10)) {
                        exec.execute(this);
                    } else {
                        System.out.println("gave up sending DONE to host index " + donesSent + ": " + r + "; "
                            + node.describeSend(doneKeys[donesSent]));
                        finished.countDown();
                    }
                    return;
                }
                donesSent++;
            }
            finished.countDown();
        }
    }
}
