package io.corepin;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A task that holds its Exec until opened: lets a test fill a ring deterministically. Every wait is bounded. */
final class Gate implements Runnable {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);

    @Override
    public void run() {
        entered.countDown();
        try {
            if (!open.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the Exec is inside this task. */
    Gate awaitEntered() throws InterruptedException {
        if (!entered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the Exec never ran the gate");
        }
        return this;
    }

    void open() {
        open.countDown();
    }

    /** Submits a gate to {@code exec} and waits until the Exec is held by it. */
    static Gate hold(Exec exec) throws InterruptedException {
        Gate gate = new Gate();
        exec.execute(gate);
        return gate.awaitEntered();
    }
}
