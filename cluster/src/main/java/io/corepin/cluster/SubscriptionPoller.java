package io.corepin.cluster;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.corepin.Poller;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.AgentInvoker;

/**
 * The {@link Poller} of one Exec: polls its Aeron {@link Subscription} (stream id = Exec index) in every turn and
 * runs the handlers inline through the {@link Receiver}. Aeron gives no wake-up for new data, so a park is a
 * {@code parkNanos} of at most {@code maxParkNanos}: an idle Exec looks at its subscription at least that often.
 */
final class SubscriptionPoller implements Poller {
    private static final int FRAGMENT_LIMIT = 64;

    private final Subscription subscription;
    private final FragmentAssembler assembler;
    private final Receiver receiver;
    private final long maxParkNanos;
    private volatile Thread owner; // set by the owner on its first poll; read by wakeup (any thread)

    /** With the driver on this Exec: its duty cycle and the client conductor's, run before each poll; else null. */
    private final AgentInvoker driver;
    private final AgentInvoker client;

    SubscriptionPoller(Subscription subscription, Receiver receiver, long maxParkNanos, AgentInvoker driver,
                       AgentInvoker client) {
        this.driver = driver;
        this.client = client;
        this.subscription = subscription;
        this.assembler = new FragmentAssembler(receiver);
        this.receiver = receiver;
        this.maxParkNanos = maxParkNanos;
    }

    @Override
    public int poll() {
        if (owner == null) {
            owner = Thread.currentThread();
        }
        int n = 0;
        if (driver != null) {
            n += driver.invoke();
            n += client.invoke();
        }
        n += subscription.poll(assembler, FRAGMENT_LIMIT);
        receiver.flushAcks();
        return n;
    }

    @Override
    public void park(long nanos) {
        if (owner == null) {
            owner = Thread.currentThread();
        }
        LockSupport.parkNanos(this, nanos <= 0 ? maxParkNanos : Math.min(nanos, maxParkNanos));
    }

    @Override
    public void wakeup() {
        Thread t = owner;
        if (t != null) {
            LockSupport.unpark(t); // a permit given before the park makes it return at once
        }
    }
}
