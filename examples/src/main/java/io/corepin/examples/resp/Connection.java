package io.corepin.examples.resp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One client connection, owned by one core for its whole life: its socket, its unparsed input, its output, and the
 * slots of replies other cores are still producing. Read → parse → execute → write run to completion on the owning
 * core; requests for keys owned elsewhere go out as {@link RemoteBatch}es and their replies are released in request
 * order. Owner thread only (but for {@link #builtOn}, whose element {@code o} only core {@code o} touches).
 *
 * <p>Bounds, each checked before the memory is allocated: unparsed input is capped (query limit, and the parser's
 * bulk and argument limits); everything else the connection holds — replies waiting to be written, replies parked
 * behind pending slots, replies back from other cores, requests forwarded to them — is its output, capped by the
 * output limit, which is checked as each reply is built (on this core, and on the core building a remote reply):
 * past it the connection is closed, as Redis closes a client past its hard output limit (its pipeline's remaining
 * requests are not run). All of it is charged to the core's share of the server's client memory
 * ({@link ClientMemory}). A client with too many replies still in flight on other cores is not read until they
 * come back.
 */
final class Connection implements RespBuffer.Budget {
    private static final int INITIAL_IN = 4 * 1024;
    private static final int SHRINK_IN_ABOVE = 64 * 1024;
    private static final int READS_PER_EVENT = 16;
    private static final int MAX_BATCH_BYTES = 64 * 1024;

    final Core core;
    final long id;
    final SocketChannel channel;
    final String peer;
    SelectionKey key;
    /** Position in the core's connection list, for O(1) removal. */
    int index;
    String name;

    private byte[] in;
    private int inStart;
    private int inEnd;
    final RespBuffer out;
    /** Heap held by {@link #in}, and by everything else (output); charged to the core's client memory. */
    private long inHeld;
    private long outHeld;
    /**
     * Per core {@code o}: bytes of replies core {@code o} built for this connection (element {@code o} is read and
     * written by core {@code o} only — plain), and bytes of them that came back here (this core only — plain).
     */
    final long[] builtOn;
    final long[] receivedFrom;
    /** This connection's own parser and request: a request split over reads is resumed, not parsed again. */
    private final RespParser parser;
    private final Command cmd = new Command();
    final ArrayDeque<Slot> slots = new ArrayDeque<>();
    /** The batch that later requests for the same core may still join (reset after each read is processed). */
    private RemoteBatch openBatch;

    boolean closed;
    /** QUIT or a protocol error: send what is queued, then close; read and run nothing more. */
    boolean closeAfterFlush;
    private boolean paused;
    /** Inside {@link #process()}: a reply released meanwhile must not start another pass over the input. */
    private boolean processing;
    boolean dirty;
    private boolean writeInterest;

    Connection(Core core, long id, SocketChannel channel, String peer) {
        this.core = core;
        this.id = id;
        this.channel = channel;
        this.peer = peer;
        this.parser = new RespParser(core.config.maxBulkBytes, core.config.maxArgs, core.stats);
        this.builtOn = new long[core.peers.length];
        this.receivedFrom = new long[core.peers.length];
        core.memory.charge(this, INITIAL_IN); // may refuse: the caller closes the socket
        this.inHeld = INITIAL_IN;
        this.in = new byte[INITIAL_IN];
        try {
            this.out = new RespBuffer(4 * 1024, this);
        } catch (LimitExceeded e) {
            core.memory.release(INITIAL_IN);
            throw e;
        }
    }

    /** Heap bytes this connection's buffers hold, counted afresh (INFO's leak check against the accounting). */
    long bufferBytes() {
        if (closed) {
            return 0;
        }
        long n = in.length + out.capacity();
        for (Slot s : slots) {
            n += s.bytes() + (s.after == null ? 0 : s.after.capacity());
            if (s instanceof RemoteBatch && ((RemoteBatch) s).requests != null) {
                n += ((RemoteBatch) s).requests.capacity(); // only read on the owner core: a stable value
            } else if (s instanceof Aggregate) {
                n += ((Aggregate) s).partRequests;
            }
        }
        return n;
    }

    /** Heap this connection's buffers hold, by the accounting. */
    long heldBytes() {
        return inHeld + outHeld;
    }

    // ------------------------------------------------------------------------------------------ accounting

    /** An output buffer grows (the budget of every buffer but the input): within the output limit, or refused. */
    @Override
    public void grow(long bytes) {
        if (closed) {
            return; // its buffers are dropped with it
        }
        if (outHeld + bytes > core.config.maxOutputBytes) {
            throw new LimitExceeded(LimitExceeded.Kind.OUTPUT, "replies for " + this + " would hold "
                + (outHeld + bytes) + " bytes, over the output limit of " + core.config.maxOutputBytes
                + " (the client does not read them)");
        }
        core.memory.charge(this, bytes);
        outHeld += bytes;
        core.stats.peak(inHeld + outHeld);
    }

    @Override
    public void shrink(long bytes) {
        if (!closed) {
            outHeld -= bytes;
            core.memory.release(bytes);
        }
    }

    /** Charges or releases what a slot's received replies hold now. */
    void account(Slot s) {
        long now = s.bytes();
        if (now > s.held) {
            grow(now - s.held);
        } else if (now < s.held) {
            shrink(s.held - now);
        }
        s.held = now;
    }

    /** A batch is back: its forwarded requests are no longer needed. */
    void dropRequests(RemoteBatch b) {
        if (b.requests != null) {
            shrink(b.requests.capacity());
            if (b.aggregate != null) {
                b.aggregate.partRequests -= b.requests.capacity();
            }
            b.requests = null;
        }
    }

    // --------------------------------------------------------------------------------------------------- input

    /** The socket is readable: read what is there (bounded per event), then run every complete request. */
    void onReadable() throws IOException {
        ByteBuffer rb = core.readBuffer;
        for (int i = 0; i < READS_PER_EVENT && !closed; i++) {
            rb.clear();
            int n = channel.read(rb);
            if (n < 0) {
                core.close(this, null); // EOF, possibly in the middle of a request: nothing to answer
                return;
            }
            if (n == 0) {
                break;
            }
            core.stats.bytesIn += n;
            try {
                if (!append(rb, n)) {
                    return;
                }
            } catch (LimitExceeded e) {
                core.overLimit(this, e);
                return;
            }
            if (n < rb.capacity()) {
                break;
            }
        }
        process();
    }

    private boolean append(ByteBuffer rb, int n) {
        if (in.length - inEnd < n) {
            int live = inEnd - inStart;
            if (live + (long) n > core.config.maxQueryBytes) {
                core.stats.queryLimitCloses++;
                protocolError("ERR Protocol error: query buffer of " + (live + (long) n)
                    + " bytes exceeds the limit of " + core.config.maxQueryBytes);
                return false;
            }
            if (in.length - live >= n && inStart >= in.length / 2) {
                System.arraycopy(in, inStart, in, 0, live);
            } else {
                int cap = in.length;
                while (cap - live < n) {
                    cap = (int) Math.min((long) cap * 2, Integer.MAX_VALUE - 16);
                }
                core.memory.charge(this, cap - in.length); // may refuse: nothing is allocated then
                inHeld += cap - in.length;
                core.stats.peak(inHeld + outHeld);
                byte[] grown = new byte[cap];
                System.arraycopy(in, inStart, grown, 0, live);
                in = grown;
            }
            inStart = 0;
            inEnd = live;
        }
        rb.flip();
        rb.get(in, inEnd, n);
        inEnd += n;
        return true;
    }

    /** Runs every complete request in the input, unless paused or closing. */
    void process() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            runRequests();
        } finally {
            processing = false;
        }
    }

    private void runRequests() {
        Command cmd = this.cmd;
        try {
            while (!closed && !closeAfterFlush && !paused) {
                int next;
                try {
                    next = parser.parse(in, inStart, inEnd, cmd);
                } catch (ProtocolException e) {
                    core.stats.protocolErrors++;
                    protocolError(e.getMessage().startsWith("ERR ") ? e.getMessage() : "ERR " + e.getMessage());
                    break;
                }
                if (next == RespParser.NEED_MORE) {
                    break;
                }
                inStart = next;
                if (cmd.argc > 0) {
                    core.dispatch(this, cmd); // every reply it builds is checked against the limits as it grows
                    if (slots.size() >= core.config.maxInflight) {
                        pause();
                    }
                }
            }
        } catch (LimitExceeded e) {
            core.overLimit(this, e); // the rest of the pipeline is not run, as in Redis
        }
        openBatch = null;
        core.sendQueued();
        if (closed) {
            return;
        }
        if (inStart == inEnd) {
            inStart = 0;
            inEnd = 0;
            if (in.length > SHRINK_IN_ABOVE) {
                core.memory.release(in.length - INITIAL_IN);
                inHeld = INITIAL_IN;
                in = new byte[INITIAL_IN];
            }
        }
        markDirty();
    }

    private void protocolError(String message) {
        replyTarget().error(message);
        closeAfterFlush = true;
        updateInterest();
        markDirty();
    }

    private void pause() {
        paused = true;
        updateInterest();
    }

    // -------------------------------------------------------------------------------------------------- replies

    /** Where a reply made on this core goes now: the output, or behind the last pending slot. */
    RespBuffer replyTarget() {
        Slot last = slots.peekLast();
        return last == null ? out : last.after(this);
    }

    /** Adds a request for a key {@code owner} has to the open batch for that core, or opens one. */
    void forward(Core owner, Command cmd) {
        RemoteBatch b = openBatch;
        if (b == null || b.owner != owner || slots.peekLast() != b || b.after != null
            || b.requests.readable() >= MAX_BATCH_BYTES) {
            b = new RemoteBatch(core, owner, this, null, 0);
            slots.addLast(b);
            openBatch = b;
            core.queue(b);
        }
        b.add(cmd.buf, cmd.start, cmd.end);
    }

    /** A slot of a split command: a place in the reply order, filled when all parts are back. */
    void addSlot(Slot slot) {
        slots.addLast(slot);
    }

    /** Moves every finished slot at the head of the order (with the replies parked behind it) to the output. */
    void drainSlots() {
        Slot head;
        while ((head = slots.peekFirst()) != null && head.done) {
            slots.pollFirst();
            RespBuffer after = head.after;
            shrink(head.held + (after == null ? 0 : after.capacity())); // released first: they move into out
            head.held = 0;
            head.writeReply(out);
            if (after != null) {
                out.raw(after);
            }
        }
        markDirty();
        if (paused && slots.size() <= core.config.maxInflight / 2) {
            paused = false;
            updateInterest();
            process(); // requests that arrived while paused are still in the input
        }
    }

    void markDirty() {
        if (!dirty && !closed) {
            dirty = true;
            core.dirty.add(this);
        }
    }

    // --------------------------------------------------------------------------------------------------- output

    /** Writes as much output as the socket takes, then closes after the reply if asked (limits: checked as built). */
    void flush() throws IOException {
        if (closed) {
            return;
        }
        ByteBuffer wb = core.writeBuffer;
        while (!out.isEmpty()) {
            wb.clear();
            int n = out.peekInto(wb);
            wb.flip();
            int written = channel.write(wb);
            core.stats.bytesOut += written;
            out.consume(written);
            if (written < n) {
                break; // the socket is full
            }
        }
        if (closeAfterFlush && out.isEmpty() && slots.isEmpty()) {
            core.close(this, null);
            return;
        }
        boolean wantWrite = !out.isEmpty();
        if (wantWrite != writeInterest) {
            writeInterest = wantWrite;
            updateInterest();
        }
    }

    private void updateInterest() {
        if (key != null && key.isValid()) {
            int ops = (paused || closeAfterFlush ? 0 : SelectionKey.OP_READ)
                | (writeInterest ? SelectionKey.OP_WRITE : 0);
            key.interestOps(ops);
        }
    }

    /** Frees everything; the caller has closed the channel. Slots still in flight are dropped when they return. */
    void release() {
        closed = true;
        core.memory.release(inHeld + outHeld);
        inHeld = 0;
        outHeld = 0;
        in = null;
        out.clear();
        slots.clear();
        openBatch = null;
    }

    @Override
    public String toString() {
        return "client " + id + " (" + peer + ")";
    }
}
