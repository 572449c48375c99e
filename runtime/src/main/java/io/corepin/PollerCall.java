package io.corepin;

/**
 * What an Exec's {@link TaskErrorHandler} is given as the "task" when the Exec's {@link Poller} throws: it names the
 * poller and the call that failed, and running it makes that call again ({@code park} for 1 ns). One of each per Exec,
 * made with the Exec, so that reporting a failure allocates nothing.
 */
final class PollerCall implements Runnable {
    private final Poller poller;
    private final boolean park;

    PollerCall(Poller poller, boolean park) {
        this.poller = poller;
        this.park = park;
    }

    @Override
    public void run() {
        if (park) {
            poller.park(1);
        } else {
            poller.poll();
        }
    }

    @Override
    public String toString() {
        return (park ? "Poller.park of " : "Poller.poll of ") + poller;
    }
}
