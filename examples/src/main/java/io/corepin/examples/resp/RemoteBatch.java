package io.corepin.examples.resp;

/**
 * The cross-core message (Seastar's {@code submit_to}): a run of requests for keys that another core owns, sent to
 * that core's Exec as one task. There it runs the requests against its shard and writes their replies, then sends
 * itself back to the connection's core, which releases the replies in order.
 *
 * <p>It crosses between cores only through Exec rings, whose release store (publish) and acquire load (take) order
 * every plain write made on one side before every read on the other; the two cores never touch it at the same time.
 */
final class RemoteBatch extends Slot implements Runnable {
    final Core home;
    final Core owner;
    final Connection conn;
    /** Raw RESP requests, written on the home core before sending, read on the owner. */
    final RespBuffer requests;
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
        this.requests = new RespBuffer(aggregate == null ? 256 : 64);
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
}
