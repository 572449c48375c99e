package io.corepin.examples.resp;

/**
 * The cross-core message (Seastar's {@code submit_to}): a run of requests for keys that another core owns, sent to
 * that core's Exec as one task. There it runs the requests against its shard and writes their replies, then sends
 * itself back to the connection's core, which releases the replies in order.
 *
 * <p>It crosses between cores only through Exec rings, whose release store (publish) and acquire load (take) order
 * every plain write made on one side before every read on the other; the two cores never touch it at the same time.
 */
final class RemoteBatch extends Slot implements Runnable, RespBuffer.Budget {
    final Core home;
    final Core owner;
    final Connection conn;
    /**
     * Raw RESP requests, written on the home core before sending (charged to the connection there), read on the
     * owner; dropped (and released) on the home core when the batch is back.
     */
    RespBuffer requests;
    /**
     * The connection's {@code receivedFrom[owner]} when this batch was sent (home core, before the ring's release;
     * read on the owner after its acquire): what of the owner's earlier replies had arrived home by then.
     */
    long acked;
    /** Filled on the owner core. */
    RespBuffer reply;
    int count;
    /** Non-null when this batch is one part of a split command. */
    final Aggregate aggregate;
    final int part;
    /** Set on the owner core when running the batch threw an Error (or hit a limit): its connection is closed. */
    Throwable failure;
    private boolean executed;

    RemoteBatch(Core home, Core owner, Connection conn, Aggregate aggregate, int part) {
        this.home = home;
        this.owner = owner;
        this.conn = conn;
        this.aggregate = aggregate;
        this.part = part;
        this.requests = new RespBuffer(aggregate == null ? 256 : 64, conn);
    }

    /** Home core: appends one raw request. */
    void add(byte[] buf, int from, int to) {
        requests.raw(buf, from, to - from);
        count++;
    }

    @Override
    public void run() {
        if (!executed) {
            executed = true;
            reply = owner.executeBatch(this); // on the owner core
            owner.send(home, this);
        } else {
            home.batchReturned(this); // back on the home core
        }
    }

    @Override
    void writeReply(RespBuffer out) {
        out.raw(reply);
    }

    @Override
    long bytes() {
        return done && reply != null ? reply.capacity() : 0;
    }

    /**
     * Owner core, building the reply: it may grow only while this connection's replies built on this core and not
     * yet back home stay within the output limit — so a client that pipelines big GETs to another core and never
     * reads cannot make that core build more than the limit for it. The home core closes the connection when the
     * batch comes back refused.
     */
    @Override
    public void grow(long bytes) {
        if (reply == null) {
            return; // the reply's small initial capacity: always granted, so a refused batch can still go back
        }
        long inFlight = owner == home ? 0 : conn.builtOn[owner.index] - acked; // plain: element owner.index is owner's
        long would = inFlight + (reply == null ? 0 : reply.capacity()) + bytes;
        if (would > owner.config.maxOutputBytes) {
            throw new LimitExceeded(LimitExceeded.Kind.OUTPUT, "replies for " + conn + " built on core "
                + owner.index + " would hold " + would + " bytes, over the output limit of "
                + owner.config.maxOutputBytes + " (the client does not read them)");
        }
        owner.stats.peak(would);
    }

    @Override
    public void shrink(long bytes) {
        // the reply is never consumed on the owner core
    }
}
