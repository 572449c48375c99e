package io.corepin;

import java.util.ArrayDeque;

/**
 * Where a stopped Exec's promise completions, continuations and registrations run: on the thread that brings
 * them, one at a time (a thread that finds another one running leaves its entry to it), so that a promise's
 * owner-thread state is still touched by one thread at a time after the owner stopped. Any thread.
 */
final class LateRunner {
    private final String name;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // guarded by this
    private boolean running;                                        // guarded by this

    LateRunner(String name) {
        this.name = name;
    }

    void run(Runnable entry) {
        synchronized (this) {
            queue.addLast(entry);
            if (running) {
                return; // the running thread takes it before it leaves
            }
            running = true;
        }
        while (true) {
            final Runnable next;
            synchronized (this) {
                next = queue.pollFirst();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (Throwable t) {
                System.getLogger("io.corepin.Exec").log(System.Logger.Level.WARNING,
                    name + ": a completion run after the Exec stopped threw", t);
            }
        }
    }
}
