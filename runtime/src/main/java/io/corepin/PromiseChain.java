package io.corepin;

import java.util.ArrayDeque;

/**
 * Fires promises on their owner without growing the stack: a promise completed while another one's actions run (a
 * chain of {@code thenApply}s, a {@code thenCompose} relay) waits here and fires when the current firing returns,
 * still inside the outermost {@code complete}. Owner thread only (after the Exec stopped: its late runner, which
 * runs one entry at a time). Allocation-free once the queue has grown to the longest chain seen.
 */
final class PromiseChain {
    private final ArrayDeque<Promise<?>> waiting = new ArrayDeque<>(); // plain: owner thread
    private boolean firing;                                             // plain: owner thread

    void fire(Promise<?> promise) {
        if (firing) {
            waiting.addLast(promise);
            return;
        }
        firing = true;
        try {
            promise.fireActions();
            for (Promise<?> next; (next = waiting.pollFirst()) != null; ) {
                next.fireActions();
            }
        } finally {
            firing = false; // actions catch what they throw; an escaping Error leaves the rest for the next fire
        }
    }
}
