package io.corepin.cluster;

import org.agrona.DirectBuffer;

/**
 * Work that crossed hosts: registered under an int id on every host ({@link ClusterNode.Builder#handler}), run on
 * the receiving Exec's thread, inline in its turn, for each message with that id. The payload is a slice of Aeron's
 * term buffer, valid only during the call: copy what must outlive it. Messages of one key from one sending Exec
 * arrive in the order they were sent.
 */
@FunctionalInterface
public interface MessageHandler {
    /**
     * @param key the message's key (it chose this host and Exec)
     * @param payload the buffer holding the payload
     * @param offset where the payload starts in it
     * @param length the payload's length in bytes
     */
    void onMessage(long key, DirectBuffer payload, int offset, int length);
}
