package io.corepin.examples.latency;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * Two Agrona {@link AgentRunner}s with {@link BusySpinIdleStrategy}, one agent each, bouncing one pre-allocated
 * {@link Message} over a pair of {@link OneToOneConcurrentArrayQueue}s: the way an Aeron-style application wires
 * two duty cycles together. Each agent pins its own thread in {@link Agent#onStart()}.
 */
final class AgronaPingPong implements PingPong {
    private final OneToOneConcurrentArrayQueue<Message> toResponder;
    private final OneToOneConcurrentArrayQueue<Message> toInitiator;
    private final Message message = new Message();
    private final CountDownLatch started = new CountDownLatch(2);
    private final AgentRunner initiatorRunner;
    private final AgentRunner responderRunner;
    /** Written by each agent thread before {@code started} counts down; read after it opens. */
    private int initiatorCpu;
    private int responderCpu;
    private long initiatorThread;
    private long responderThread;
    /** The next phase, handed from the main thread to the initiator agent; volatile both ways. */
    private volatile Phase pending;
    /** The running phase, for the error handler only; volatile. */
    private volatile Phase current;

    /**
     * @param capacity of each queue
     * @param cpuA the initiator's CPU, or -1
     * @param cpuB the responder's CPU, or -1
     */
    AgronaPingPong(int capacity, int cpuA, int cpuB) {
        toResponder = new OneToOneConcurrentArrayQueue<>(capacity);
        toInitiator = new OneToOneConcurrentArrayQueue<>(capacity);
        initiatorRunner = new AgentRunner(new BusySpinIdleStrategy(), this::failed, null, new Initiator(cpuA));
        responderRunner = new AgentRunner(new BusySpinIdleStrategy(), this::failed, null, new Responder(cpuB));
        AgentRunner.startOnThread(initiatorRunner, daemon());
        AgentRunner.startOnThread(responderRunner, daemon());
        Await.latch(started, "agrona agents starting");
    }

    private static ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r); // AgentRunner names the thread after the agent's roleName()
            t.setDaemon(true);
            return t;
        };
    }

    private void failed(Throwable error) {
        Phase phase = current; // volatile
        if (phase != null) {
            phase.fail(error);
        }
    }

    @Override
    public String name() {
        return "agrona";
    }

    @Override
    public String description() {
        return "Agrona AgentRunner pair over OneToOneConcurrentArrayQueue (capacity " + toResponder.capacity()
            + "), BusySpinIdleStrategy";
    }

    @Override
    public String placement() {
        return Pin.placement(initiatorCpu, responderCpu);
    }

    @Override
    public long[] threadIds() {
        return new long[] {initiatorThread, responderThread};
    }

    @Override
    public void start(Phase phase) {
        current = phase; // volatile
        pending = phase; // volatile: publishes the phase (and its histogram) to the initiator agent
    }

    @Override
    public void close() {
        initiatorRunner.close(); // stops the duty cycle and joins the thread (Agrona retries, interrupting)
        responderRunner.close();
    }

    /** Sends the message, waits for it to come back, records the round trip, sends it again. */
    private final class Initiator implements Agent {
        private final int cpu;
        /** The phase being run. Plain: this agent's thread only. */
        private Phase phase;

        Initiator(int cpu) {
            this.cpu = cpu;
        }

        @Override
        public void onStart() {
            initiatorCpu = Pin.self(cpu);
            initiatorThread = Thread.currentThread().getId();
            started.countDown();
        }

        @Override
        public int doWork() {
            if (phase == null) {
                final Phase next = pending; // volatile: see the phase the main thread built
                if (next == null) {
                    return 0;
                }
                pending = null; // volatile: the main thread sets the next one only after this one's latch
                phase = next;
                send();
                return 1;
            }
            final Message back = toInitiator.poll(); // acquire load of the slot
            if (back == null) {
                return 0;
            }
            final long rtt = System.nanoTime() - back.sentAt;
            if (phase.record(rtt)) {
                send();
            } else {
                phase = null;
            }
            return 1;
        }

        private void send() {
            message.sentAt = System.nanoTime(); // plain: published by the queue's ordered store
            if (!toResponder.offer(message)) {  // never full: one message in flight
                throw new IllegalStateException("agrona queue to the responder is full");
            }
        }

        @Override
        public String roleName() {
            return "latency-agrona-a";
        }
    }

    /** Sends every message straight back. */
    private final class Responder implements Agent {
        private final int cpu;

        Responder(int cpu) {
            this.cpu = cpu;
        }

        @Override
        public void onStart() {
            responderCpu = Pin.self(cpu);
            responderThread = Thread.currentThread().getId();
            started.countDown();
        }

        @Override
        public int doWork() {
            final Message m = toResponder.poll(); // acquire load of the slot
            if (m == null) {
                return 0;
            }
            if (!toInitiator.offer(m)) { // ordered store; never full: one message in flight
                throw new IllegalStateException("agrona queue to the initiator is full");
            }
            return 1;
        }

        @Override
        public String roleName() {
            return "latency-agrona-b";
        }
    }
}
