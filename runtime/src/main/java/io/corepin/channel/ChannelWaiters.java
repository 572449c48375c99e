package io.corepin.channel;

import io.corepin.Waker;

/**
 * What {@link ChannelTasks}' waiting tasks need from corepin's own channels ({@link SharedChannel},
 * {@link LocalChannel}) beyond the public {@link Channel} API: to leave the waiter lists once their promise is
 * complete, to put back an element whose receive lost its promise to a cancel. Each call is one step under the
 * channel's own discipline (its monitor, or its owner-thread check).
 */
interface ChannelWaiters<E> {
    /** Removes {@code waker} from the receivers and the senders (no-op if absent). */
    void forget(Waker waker);

    /**
     * Puts {@code e} back at the head, where it was taken from, and wakes the receivers: its receive was cancelled
     * while the element was being handed over. May exceed the capacity by that one element for a moment.
     */
    void giveBack(E e);

    /**
     * A {@code ChannelBuffer.Hold}'s check, on the holder's Exec behind the poll the hold's wake caused: if
     * {@code waker} still holds what {@code hold} stands for (it did not come back), the element or slot is passed on.
     */
    void expire(Waker waker, ChannelBuffer.Hold hold);

    /** Registered receivers plus senders now (for tests: the lists stay bounded under cancelled waits). */
    int waiters();
}
