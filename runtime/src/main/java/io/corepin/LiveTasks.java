package io.corepin;

/**
 * An Exec's unfinished {@link AsyncTask}s (polled at least once, or spawned locally): an intrusive doubly linked
 * list through the tasks' own links (each task writes its own links, {@link AsyncTask#linkBefore}), so a graceful
 * shutdown knows when none is left and shutdownNow can cancel each. Owner thread only: plain fields.
 */
final class LiveTasks {
    private AsyncTask head;
    private int count;

    /** Remembers {@code task} (idempotent). */
    void add(AsyncTask task) {
        if (!task.isLive()) {
            head = task.linkBefore(head);
            count++;
        }
    }

    /** Forgets {@code task} (idempotent). */
    void remove(AsyncTask task) {
        if (task.isLive()) {
            head = task.unlink(head);
            count--;
        }
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** The first task, or null; walk with {@link AsyncTask#nextLive()}. */
    AsyncTask first() {
        return head;
    }
}
