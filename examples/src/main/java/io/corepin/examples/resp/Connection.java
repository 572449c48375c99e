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
 * order. Owner thread only.
 *
 * <p>Bounds: unparsed input is capped (query limit, and the parser's bulk and argument limits); replies waiting for
 * a client that does not read are capped (output limit: the connection is closed past it); and a client with too
 * many replies still in flight on other cores is not read until they come back.
 */
final class Connection {
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

    private byte[] in = new byte[INITIAL_IN];
    private int inStart;
    private int inEnd;
    final RespBuffer out = new RespBuffer(4 * 1024);
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
    }

    /** Heap bytes this connection holds (INFO's leak accounting). */
    long bufferBytes() {
        long n = (in == null ? 0 : in.length) + out.capacity();
        for (Slot s : slots) {
            n += s.after == null ? 0 : s.after.capacity();
        }
        return n;
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
            if (!append(rb, n)) {
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
                core.dispatch(this, cmd);
                if (slots.size() >= core.config.maxInflight) {
                    pause();
                }
            }
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
        return last == null ? out : last.after();
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
            head.writeReply(out);
            if (head.after != null) {
                out.raw(head.after);
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

    /** Writes as much output as the socket takes; enforces the output limit and close-after-reply. */
    void flush() throws IOException {
        if (closed) {
            return;
        }
        core.stats.peak(bufferBytes());
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
        if (out.readable() > core.config.maxOutputBytes) {
            core.stats.outputLimitCloses++;
            core.close(this, "output buffer of " + out.readable() + " bytes over the limit of "
                + core.config.maxOutputBytes + " (the client does not read)");
            return;
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
