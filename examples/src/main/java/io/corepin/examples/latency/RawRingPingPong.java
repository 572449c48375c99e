package io.corepin.examples.latency;

import io.corepin.ring.MpscRing;
import io.corepin.ring.Ring;
import io.corepin.ring.SpscRing;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The ceiling: two plain threads, each spinning on a corepin ring, with nothing around the rings. The {@code raw-ring}
 * pair uses {@link MpscRing}, the ring inside every Exec (so the Exec's ratio to it is the Exec's own overhead);
 * {@code raw-spsc} uses {@link SpscRing}, which drops the producer's CAS but hands over through its indices (the
 * consumer reads the index, then the slot: slower for one message at a time than the slot-waiting {@code MpscRing}).
 */
final class RawRingPingPong implements PingPong {
    private final String name;
    private final String ringName;
    private final Ring<Message> toResponder;
    private final Ring<Message> toInitiator;
    private final Message message = new Message();
    private final Thread initiator;
    private final Thread responder;
    private final CountDownLatch pinned = new CountDownLatch(2);
    /** CPUs the threads got; plain writes before {@code pinned} counts down, read after it opens. */
    private int initiatorCpu;
    private int responderCpu;
    /** The next phase, handed from the main thread to the initiator; volatile both ways. */
    private volatile Phase pending;
    /** Set by close(); volatile, read only while a thread waits for a message. */
    private volatile boolean stop;

    private RawRingPingPong(String name, String ringName, IntFunction<Ring<Message>> ring, int capacity,
                            int cpuA, int cpuB) {
        this.name = name;
        this.ringName = ringName;
        this.toResponder = ring.apply(capacity);
        this.toInitiator = ring.apply(capacity);
        this.initiator = new Thread(() -> initiatorLoop(cpuA), "latency-" + name + "-a");
        this.responder = new Thread(() -> responderLoop(cpuB), "latency-" + name + "-b");
        initiator.setDaemon(true);
        responder.setDaemon(true);
        initiator.start();
        responder.start();
        Await.latch(pinned, name + " threads starting");
    }

    /** Two threads over {@link MpscRing}s of {@code capacity}, on the given CPUs. */
    static RawRingPingPong mpsc(int capacity, int cpuA, int cpuB) {
        return new RawRingPingPong("raw-ring", "MpscRing", MpscRing::new, capacity, cpuA, cpuB);
    }

    /** Two threads over {@link SpscRing}s of {@code capacity}, on the given CPUs. */
    static RawRingPingPong spsc(int capacity, int cpuA, int cpuB) {
        return new RawRingPingPong("raw-spsc", "SpscRing", SpscRing::new, capacity, cpuA, cpuB);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "raw corepin " + ringName + " pair (capacity " + toResponder.capacity()
            + ") between two threads spinning with Thread.onSpinWait(): no executor, the ceiling";
    }

    @Override
    public String placement() {
        return Pin.placement(initiatorCpu, responderCpu);
    }

    @Override
    public long[] threadIds() {
        return new long[] {initiator.getId(), responder.getId()};
    }

    @Override
    public void start(Phase phase) {
        pending = phase; // volatile: publishes the phase (and its histogram) to the initiator
    }

    // The loops below are duty cycles around small methods (roundTrip, bounce), as Agrona's doWork and the Exec's
    // OwnerLoop.doWork are: each is called millions of times and gets a normal C2 compilation, instead of the whole
    // loop living in one on-stack-replaced frame.

    private void initiatorLoop(int cpu) {
        initiatorCpu = Pin.self(cpu);
        pinned.countDown();
        while (!stop) {                  // volatile load, once per phase or idle spin
            final Phase phase = pending; // volatile: see the phase the main thread built
            if (phase == null) {
                Thread.onSpinWait();
                continue;
            }
            pending = null; // volatile: the main thread only sets the next one after this phase's latch
            try {
                long rtt;
                do {
                    rtt = roundTrip();
                } while (rtt >= 0 && phase.record(rtt));
            } catch (Throwable t) {
                phase.fail(t);
            }
        }
    }

    /** One round trip: stamp, send, spin until the message is back. Returns its time in ns, or -1 when stopped. */
    private long roundTrip() {
        final Message m = message;
        m.sentAt = System.nanoTime();        // plain: published by the ring's release store below
        while (toResponder.offer(m) < 0) {   // CAS claim (MpscRing) + release publish; never full with one message
            Thread.onSpinWait();
        }
        Message back;
        while ((back = toInitiator.poll()) == null) { // acquire load of the slot
            if (stop) {                                // volatile: only while waiting
                return -1;
            }
            Thread.onSpinWait();
        }
        return System.nanoTime() - back.sentAt;
    }

    private void responderLoop(int cpu) {
        responderCpu = Pin.self(cpu);
        pinned.countDown();
        while (!stop) {          // volatile load per turn, as the Exec reads its state once per turn
            if (!bounce()) {
                Thread.onSpinWait();
            }
        }
    }

    /** Sends a waiting message straight back; {@code false} if there was none. */
    private boolean bounce() {
        final Message m = toResponder.poll(); // acquire load of the slot
        if (m == null) {
            return false;
        }
        while (toInitiator.offer(m) < 0) {    // CAS claim (MpscRing) + release publish; never full
            Thread.onSpinWait();
        }
        return true;
    }

    @Override
    public void close() {
        stop = true; // volatile: both loops see it while they wait
        Await.join(initiator, TimeUnit.SECONDS.toMillis(10));
        Await.join(responder, TimeUnit.SECONDS.toMillis(10));
    }
}
