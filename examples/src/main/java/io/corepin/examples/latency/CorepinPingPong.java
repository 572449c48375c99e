package io.corepin.examples.latency;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.IdleStrategy;
import io.corepin.affinity.AffinityPlan;
import java.util.concurrent.TimeUnit;

/**
 * Two corepin {@link Exec}s of one {@link ExecGroup}, pinned by the affinity plan, bouncing two pre-allocated tasks:
 * {@link Ping} runs on Exec 0 (the initiator), records the round trip and submits {@link Pong} to Exec 1, which
 * submits {@code Ping} back. Each hop is a plain {@link Exec#execute} from one Exec's thread into the other's ring (a
 * CAS claim and a release store), then a run-to-completion turn on the receiving core. Both Execs use
 * {@link IdleStrategy#busySpin()}: a latency loop never parks.
 */
final class CorepinPingPong implements PingPong {
    private final ExecGroup group;
    private final Exec initiator;
    private final Exec responder;
    private final Ping ping = new Ping();
    private final Pong pong = new Pong();
    private final boolean guarded;
    /** The running phase, for the error handler only; volatile. */
    private volatile Phase current;

    /**
     * @param plan where the two Execs go ({@code plan.execCount() == 2})
     * @param ringCapacity each Exec's inbound ring
     * @param guarded whether the stall guard watches the pair (the default, 10 ms); {@code false} is
     *     {@code stallThreshold(0)}: no guard thread looks at these Execs, so none wakes every 5 ms beside them
     */
    CorepinPingPong(AffinityPlan plan, int ringCapacity, boolean guarded) {
        this.guarded = guarded;
        final Exec.Builder settings = Exec.builder();
        if (!guarded) {
            settings.stallThreshold(0, TimeUnit.MILLISECONDS);
        }
        group = ExecGroup.builder()
            .affinity(plan)
            .execSettings(settings
                .name(guarded ? "latency-corepin" : "latency-unguarded")
                .ringCapacity(ringCapacity)
                .idleStrategy(IdleStrategy.busySpin())
                .errorHandler((exec, task, error) -> failed(error))
                .daemon(true))
            .build();
        initiator = group.exec(0);
        responder = group.exec(1);
    }

    private void failed(Throwable error) {
        Phase phase = current; // volatile
        if (phase != null) {
            phase.fail(error);
        }
    }

    @Override
    public String name() {
        return guarded ? "corepin" : "corepin-unguarded";
    }

    @Override
    public String description() {
        return "corepin Exec pair (ExecGroup over the affinity plan, ring " + initiator.ringCapacity()
            + "), idle strategy IdleStrategy.busySpin(), tasks handed over with Exec.execute"
            + (guarded ? "" : ", no stall guard (stallThreshold 0)");
    }

    @Override
    public String placement() {
        return Pin.placement(initiator.cpu(), responder.cpu());
    }

    @Override
    public long[] threadIds() {
        return new long[] {initiator.threadId(), responder.threadId()};
    }

    @Override
    public void start(Phase phase) {
        current = phase;                          // volatile
        initiator.execute(() -> ping.begin(phase)); // the ring's release store publishes the phase to the initiator
    }

    @Override
    public void close() {
        group.close(); // shutdown + wait: both Execs run what they hold and exit
    }

    /** Runs on the initiator: one round trip is over. The task is the message; its send time is in {@link #stamp}. */
    private final class Ping implements Runnable {
        /** The send time, padded to its own cache lines; plain: the initiator's thread only. */
        private final Message stamp = new Message();
        /** Plain: set on the initiator's thread by begin(). */
        private Phase phase;

        void begin(Phase p) {
            phase = p;
            send();
        }

        private void send() {
            stamp.sentAt = System.nanoTime();
            responder.execute(pong); // from the initiator's thread into the responder's ring: CAS claim + release
        }

        @Override
        public void run() {
            final long rtt = System.nanoTime() - stamp.sentAt;
            if (phase.record(rtt)) {
                send();
            }
        }
    }

    /** Runs on the responder: sends the ping straight back. */
    private final class Pong implements Runnable {
        @Override
        public void run() {
            initiator.execute(ping); // from the responder's thread into the initiator's ring: CAS claim + release
        }
    }
}
