package io.corepin;

import java.util.concurrent.locks.LockSupport;

/**
 * The {@link Poller} of an Exec built without one: no events to poll, parking is {@link LockSupport#park}, a wake-up
 * is an unpark of the owner thread. So the turn calls {@code poller.poll()} unconditionally (a call C2 inlines to
 * {@code 0} while no user poller is loaded — at most a bimorphic site) and the park/wake protocol has one path.
 */
final class ThreadParker implements Poller {
    private final Thread owner;

    ThreadParker(Thread owner) {
        this.owner = owner;
    }

    @Override
    public int poll() {
        return 0;
    }

    @Override
    public void park(long nanos) {
        if (nanos > 0) {
            LockSupport.parkNanos(this, nanos);
        } else {
            LockSupport.park(this);
        }
    }

    @Override
    public void wakeup() {
        LockSupport.unpark(owner);
    }

    @Override
    public String toString() {
        return "park " + owner.getName();
    }
}
