package io.corepin;

/**
 * Something a waiting task leaves behind so that whoever makes progress possible can re-schedule it — a channel
 * when an element arrives, a timer when it fires.
 *
 * <p>{@link #wake()} must be safe from any thread and any number of times; see {@link AsyncTask#wake()} for what
 * corepin's own tasks guarantee.
 */
@FunctionalInterface
public interface Waker {
    /** Asks for the task to be polled again. Never runs the task on the calling thread. */
    void wake();
}
