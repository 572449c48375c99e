package io.corepin.examples.resp;

/**
 * A place in a connection's reply order that another core is still filling. A connection's replies leave in request
 * order: while any slot is pending, replies produced on the connection's own core are parked in the last slot's
 * {@link #after} buffer, and {@link Connection#drainSlots()} moves each slot's reply, then its {@code after}, to the
 * output once the slot is {@link #done}. Owned by the connection's core (a {@link RemoteBatch} visits another core,
 * but only touches its own request and reply fields there).
 */
abstract class Slot {
    /** Set on the connection's core when the reply is complete. */
    boolean done;
    /** Replies made on the connection's core for requests that came after this one; lazily allocated. */
    RespBuffer after;
    /** Bytes of {@link #bytes()} charged to the connection so far (connection's core). */
    long held;

    /** Writes this slot's reply (called once, after {@link #done}). */
    abstract void writeReply(RespBuffer out);

    /** Heap the replies received for this slot hold on the connection's core (its {@link #after} not included). */
    abstract long bytes();

    /** The buffer for replies that follow this slot, charged to {@code conn}. */
    final RespBuffer after(Connection conn) {
        if (after == null) {
            after = new RespBuffer(256, conn);
        }
        return after;
    }
}
