package io.corepin.examples.resp;

import io.corepin.Exec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one core owns — its NIO {@link Selector}, its listeners and connections, its {@link Shard} of the key
 * space, its scratch buffers and statistics — and the routing of each request: run here when this core owns the
 * keys, otherwise send it (batched) to the owner's Exec and release the reply in order when it comes back.
 *
 * <p>Every field is used by this core's Exec thread only (no locks, no volatile fields); other cores reach it only
 * by {@link Exec#offer} of a task. The one exception, {@link #exec} (read by other cores to send to this one), is
 * set by this core's own thread in {@link #link}; the starting thread waits for every core's link task (a
 * CompletableFuture: happens-before) before it submits the tasks that register the listeners (ring release/acquire),
 * so no core sends anywhere before every {@code exec} field is visible to it.
 */
final class Core {
    private static final int READ_BUFFER = 64 * 1024;
    private static final int WRITE_BUFFER = 256 * 1024;
    private static final int ACCEPTS_PER_EVENT = 64;

    final int index;
    final ServerConfig config;
    final RespServer server;
    final Selector selector;
    final Shard shard = new Shard();
    final RespParser parser;
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
    final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER);
    final CoreStats stats = new CoreStats();
    /** This core's share of the server's client memory. */
    final ClientMemory memory;
    final List<Connection> dirty = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<RemoteBatch> queued = new ArrayList<>();
    private final Command batchCommand = new Command();
    /** Per target core: tasks its full ring could not take yet, in send order. */
    private List<ArrayDeque<Runnable>> outbox;
    private int outboxed;
    private boolean stopping;

    Exec exec;
    Core[] peers;

    Core(int index, int cores, ServerConfig config, RespServer server) throws IOException {
        this.index = index;
        this.config = config;
        this.server = server;
        this.memory = new ClientMemory(this, config.maxClientMemory / cores);
        this.selector = Selector.open();
        this.parser = new RespParser(config.maxBulkBytes, config.maxArgs, stats);
    }

    void link(Exec exec, Core[] peers) {
        this.exec = exec;
        this.peers = peers;
        this.outbox = new ArrayList<>(peers.length);
        for (int i = 0; i < peers.length; i++) {
            outbox.add(new ArrayDeque<>());
        }
    }

    // ------------------------------------------------------------------------------------------ connections

    /** Starts listening on {@code listener} (owner thread). */
    void addListener(ServerSocketChannel listener) throws IOException {
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT, listener);
        listeners.add(listener);
    }

    /** A listener is ready: accept a bounded number of connections, keep or hand each to its core. */
    void accept(ServerSocketChannel listener) {
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                System.getLogger("io.corepin.resp").log(System.Logger.Level.WARNING, "accept failed: " + e);
                return;
            }
            if (ch == null) {
                return;
            }
            int target = config.acceptMode == ServerConfig.AcceptMode.HASH ? coreFor(ch) : index;
            if (target == index) {
                adopt(ch);
            } else {
                Core to = peers[target];
                if (!send(to, () -> to.adopt(ch))) {
                    closeQuietly(ch);
                }
            }
        }
    }

    /** The core a connection hashes to: its remote address and port, mixed. */
    private int coreFor(SocketChannel ch) {
        try {
            SocketAddress a = ch.getRemoteAddress();
            int h = a instanceof InetSocketAddress
                ? ((InetSocketAddress) a).getAddress().hashCode() * 31 + ((InetSocketAddress) a).getPort()
                : a.hashCode();
            return Keys.owner(Keys.mix(h), peers.length);
        } catch (IOException e) {
            return index;
        }
    }

    /** Takes ownership of an accepted connection (owner thread). */
    void adopt(SocketChannel ch) {
        if (stopping) {
            closeQuietly(ch);
            return;
        }
        Connection c = null;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c = new Connection(this, server.nextClientId(), ch, String.valueOf(ch.getRemoteAddress()));
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
        } catch (IOException e) {
            if (c != null) {
                c.release(); // its buffers were charged
            }
            closeQuietly(ch);
            return;
        } catch (LimitExceeded e) { // no client memory left on this core even for a new connection's buffers
            stats.memoryLimitCloses++;
            closeQuietly(ch);
            return;
        }
        c.index = connections.size();
        connections.add(c);
        stats.accepted++;
    }

    /** {@code c} hit a limit: count it and close it (what it sent after the request that hit it is not run). */
    void overLimit(Connection c, LimitExceeded e) {
        if (e.kind == LimitExceeded.Kind.MEMORY) {
            stats.memoryLimitCloses++;
        } else {
            stats.outputLimitCloses++;
        }
        close(c, e.getMessage());
    }

    /** The connection whose buffers hold the most, {@code except} not counted; null if none. */
    Connection biggestConnection(Connection except) {
        Connection biggest = null;
        for (Connection c : connections) {
            if (c != except && (biggest == null || c.heldBytes() > biggest.heldBytes())) {
                biggest = c;
            }
        }
        return biggest;
    }

    /** Closes a connection and frees its buffers; idempotent. {@code reason} (when not null) is logged. */
    void close(Connection c, String reason) {
        if (c.closed) {
            return;
        }
        if (reason != null) {
            System.getLogger("io.corepin.resp").log(System.Logger.Level.INFO, "closing " + c + ": " + reason);
        }
        if (c.key != null) {
            c.key.cancel();
        }
        closeQuietly(c.channel);
        c.release();
        Connection last = connections.remove(connections.size() - 1); // swap-remove: O(1)
        if (last != c) {
            connections.set(c.index, last);
            last.index = c.index;
        }
        stats.closed++;
    }

    /**
     * Handling {@code c} threw (a bug, or an Error such as OutOfMemoryError): close it — which frees its buffers —
     * count it, and keep the core serving everyone else.
     */
    void connectionFailed(Connection c, Throwable e) {
        stats.connectionErrors++;
        close(c, null); // first: frees the buffers, which the log below may need after an OutOfMemoryError
        logQuietly("closed " + c + " after", e);
    }

    /** Logs at ERROR; a logger that itself fails (no heap left) must not take the core down with it. */
    static void logQuietly(String what, Throwable e) {
        try {
            System.getLogger("io.corepin.resp").log(System.Logger.Level.ERROR, what, e);
        } catch (RuntimeException | Error ignored) {
            // nothing more to do: the failure is counted
        }
    }

    private static void closeQuietly(java.io.Closeable ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing: nothing more to do with it
        }
    }

    /** Stops accepting and closes every connection (owner thread). */
    void stop() {
        stopping = true;
        for (ServerSocketChannel l : listeners) {
            closeQuietly(l);
        }
        listeners.clear();
        while (!connections.isEmpty()) {
            close(connections.get(connections.size() - 1), null);
        }
    }

    /** {@link #stop()}, then closes the selector: the Exec is terminating (owner thread). */
    void closeAll() {
        stop();
        closeQuietly(selector);
    }

    int connectionCount() {
        return connections.size();
    }

    /** Writes every connection that has new output. */
    int flushDirty() {
        int n = dirty.size();
        for (int i = 0; i < dirty.size(); i++) { // flush may close, which never adds to dirty
            Connection c = dirty.get(i);
            c.dirty = false;
            try {
                c.flush();
            } catch (IOException e) {
                close(c, null); // the peer reset or went away: nothing to tell it
            } catch (RuntimeException | Error e) {
                connectionFailed(c, e);
            }
        }
        dirty.clear();
        return n;
    }

    // ---------------------------------------------------------------------------------------------- routing

    /** Runs one parsed request of {@code c}: here, on the owner core of its keys, or on every core. */
    void dispatch(Connection c, Command cmd) {
        stats.commands++;
        if (config.faultHook != null) {
            config.faultHook.accept("dispatch", cmd);
        }
        Cmd spec = Cmd.lookup(cmd);
        if (spec == null) {
            c.replyTarget().error(unknownCommand(cmd));
            return;
        }
        if (!spec.arityOk(cmd.argc) || (spec == Cmd.MSET && (cmd.argc & 1) == 0)) {
            c.replyTarget().error("ERR wrong number of arguments for '" + spec.lowerName + "' command");
            return;
        }
        // Where a reply would go now, without allocating it: taking replyTarget() here would give the open batch an
        // `after` buffer and so close it to the requests that follow (every remote request was its own batch).
        Slot last = c.slots.peekLast();
        int mark = last == null ? c.out.readable() : last.after == null ? 0 : last.after.readable();
        try {
            switch (spec.route) {
                case HOME:
                    HomeCommands.execute(spec, cmd, c, this);
                    return;
                case KEYS:
                    routeKeys(spec, cmd, c);
                    return;
                default:
                    fanOut(spec, cmd, c);
            }
        } catch (LimitExceeded e) {
            throw e; // the connection is closed by the caller
        } catch (RuntimeException e) { // only a local execution can throw here: it has written nothing else since
            if (c.slots.peekLast() == last) { // still the same target: drop what the failed request wrote
                RespBuffer target = c.replyTarget();
                target.truncate(Math.min(mark, target.readable()));
                target.error(internalError(spec, e));
            } else {
                c.closeAfterFlush = true;
            }
        }
    }

    private static String internalError(Cmd spec, RuntimeException e) {
        System.getLogger("io.corepin.resp").log(System.Logger.Level.ERROR, spec + " failed", e);
        return "ERR internal error in " + spec.lowerName + ": " + e;
    }

    private void routeKeys(Cmd spec, Command cmd, Connection c) {
        int owner = index;
        if (peers.length > 1) {
            int last = spec.lastKeyIndex(cmd.argc);
            owner = ownerOf(cmd, spec.firstKey);
            for (int i = spec.firstKey + spec.step; i <= last; i += spec.step) {
                if (ownerOf(cmd, i) != owner) {
                    split(spec, cmd, c);
                    return;
                }
            }
        }
        if (owner == index) {
            shard.tick();
            ShardCommands.execute(spec, cmd, shard, c.replyTarget());
        } else {
            c.forward(peers[owner], cmd);
        }
    }

    private int ownerOf(Command cmd, int arg) {
        return Keys.owner(Keys.hash(cmd.buf, cmd.off[arg], cmd.len[arg]), peers.length);
    }

    /** A multi-key command whose keys have several owners: one sub-request per owner, combined in an Aggregate. */
    private void split(Cmd spec, Command cmd, Connection c) {
        int cores = peers.length;
        int last = spec.lastKeyIndex(cmd.argc);
        int keys = (last - spec.firstKey) / spec.step + 1;
        int[] ownerOfKey = new int[keys];
        int[] perCore = new int[cores];
        for (int k = 0; k < keys; k++) {
            ownerOfKey[k] = ownerOf(cmd, spec.firstKey + k * spec.step);
            perCore[ownerOfKey[k]]++;
        }
        Aggregate agg = new Aggregate(this, spec, cores, keys);
        RemoteBatch[] parts = new RemoteBatch[cores];
        for (int o = 0; o < cores; o++) {
            if (perCore[o] == 0) {
                continue;
            }
            RemoteBatch part = new RemoteBatch(this, peers[o], c, agg, o);
            RespBuffer r = part.requests;
            r.arrayHeader(1 + perCore[o] * spec.step);
            r.bulk(cmd.buf, cmd.off[0], cmd.len[0]);
            int[] positions = agg.positions == null ? null : new int[perCore[o]];
            int p = 0;
            for (int k = 0; k < keys; k++) {
                if (ownerOfKey[k] == o) {
                    int arg = spec.firstKey + k * spec.step;
                    for (int s = 0; s < spec.step; s++) {
                        r.bulk(cmd.buf, cmd.off[arg + s], cmd.len[arg + s]);
                    }
                    if (positions != null) {
                        positions[p++] = k;
                    }
                }
            }
            if (positions != null) {
                agg.positions[o] = positions;
            }
            part.count = 1;
            parts[o] = part;
            agg.expectPart();
        }
        runParts(agg, parts, c);
    }

    /** DBSIZE, FLUSHALL, INFO: the same request on every core. */
    private void fanOut(Cmd spec, Command cmd, Connection c) {
        Aggregate agg = new Aggregate(this, spec, peers.length, 0);
        RemoteBatch[] parts = new RemoteBatch[peers.length];
        for (int o = 0; o < peers.length; o++) {
            parts[o] = new RemoteBatch(this, peers[o], c, agg, o);
            parts[o].add(cmd.buf, cmd.start, cmd.end);
            agg.expectPart();
        }
        runParts(agg, parts, c);
    }

    private void runParts(Aggregate agg, RemoteBatch[] parts, Connection c) {
        c.addSlot(agg);
        for (RemoteBatch part : parts) {
            if (part != null) {
                agg.partRequests += part.requests.capacity();
            }
        }
        for (RemoteBatch part : parts) {
            if (part == null) {
                continue;
            }
            if (part.owner == this) {
                RespBuffer reply = executeBatch(part);
                c.dropRequests(part);
                if (part.failure != null) {
                    throw rethrow(part.failure); // handled like any failure of this connection's own request
                }
                agg.partDone(index, reply);
                c.account(agg);
            } else {
                queue(part);
            }
        }
        if (agg.done) {
            c.drainSlots();
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof Error) {
            throw (Error) t;
        }
        throw (RuntimeException) t;
    }

    private static String unknownCommand(Command cmd) {
        StringBuilder sb = new StringBuilder("ERR unknown command '").append(clip(cmd.arg(0)))
            .append("', with args beginning with: ");
        for (int i = 1; i < cmd.argc && sb.length() < 256; i++) {
            sb.append('\'').append(clip(cmd.arg(i))).append("' ");
        }
        return sb.toString();
    }

    private static String clip(String s) {
        return s.length() > 128 ? s.substring(0, 128) + "..." : s;
    }

    // --------------------------------------------------------------------------------------- message passing

    /** Queues a batch to be sent when the current read has been processed. */
    void queue(RemoteBatch b) {
        queued.add(b);
    }

    /** Sends the queued batches, in the order they were queued (so per-target order is request order). */
    void sendQueued() {
        for (int i = 0; i < queued.size(); i++) {
            RemoteBatch b = queued.get(i);
            b.acked = b.conn.receivedFrom[b.owner.index];
            stats.batchesSent++;
            send(b.owner, b); // a dropped batch only happens while shutting down; its connection is closing too
        }
        queued.clear();
    }

    /**
     * Runs {@code task} on {@code target}'s Exec, after anything this core sent it before: straight into its ring
     * (one CAS), or into this core's outbox for it when the ring is full, retried every turn.
     *
     * @return {@code false} only if the target Exec is shut down (the task was dropped)
     */
    boolean send(Core target, Runnable task) {
        ArrayDeque<Runnable> box = outbox.get(target.index);
        if (box.isEmpty()) {
            int r = target.exec.offer(task);
            if (r >= 0) {
                return true;
            }
            if (r == Exec.CLOSED) {
                return false;
            }
        }
        box.addLast(task);
        outboxed++;
        return true;
    }

    /** Retries the outboxes; returns how many tasks went out. */
    int retryOutboxes() {
        if (outboxed == 0) {
            return 0;
        }
        int sent = 0;
        for (int t = 0; t < outbox.size(); t++) {
            ArrayDeque<Runnable> box = outbox.get(t);
            Runnable task;
            while ((task = box.peekFirst()) != null) {
                int r = peers[t].exec.offer(task);
                if (r == Exec.FULL) {
                    break;
                }
                box.pollFirst(); // sent, or the target is shut down and the task is dropped
                outboxed--;
                sent++;
            }
        }
        return sent;
    }

    boolean hasOutbox() {
        return outboxed > 0;
    }

    /**
     * On the owner core: runs a batch's requests against this shard and returns their replies. Stops at the first
     * request whose reply would pass the connection's output limit, or that throws an Error: the batch then goes
     * back with {@link RemoteBatch#failure} set and its connection is closed (the rest is never run).
     */
    RespBuffer executeBatch(RemoteBatch b) {
        b.reply = null; // the budget reads it: the reply's capacity so far
        RespBuffer reply = new RespBuffer(64, b);
        b.reply = reply;
        Command cmd = batchCommand;
        RespBuffer req = b.requests;
        byte[] buf = req.array();
        int pos = req.start();
        int end = req.end();
        shard.tick();
        while (pos < end) {
            int next = parser.parse(buf, pos, end, cmd); // these bytes were parsed once already: they are whole
            pos = next;
            Cmd spec = Cmd.lookup(cmd);
            int mark = reply.readable();
            try {
                if (config.faultHook != null) {
                    config.faultHook.accept("batch", cmd);
                }
                if (spec.route == Cmd.Route.ALL) {
                    executePart(spec, cmd, reply);
                } else {
                    ShardCommands.execute(spec, cmd, shard, reply);
                }
            } catch (LimitExceeded e) {
                reply.truncate(mark);
                b.failure = e;
                break;
            } catch (RuntimeException e) { // every request gets exactly one reply, or the connection would wait forever
                reply.truncate(mark);
                try {
                    reply.error(internalError(spec, e));
                } catch (LimitExceeded limit) {
                    b.failure = limit;
                    break;
                }
            } catch (Error e) { // e.g. OutOfMemoryError: the batch goes back failed and its connection is closed
                reply.truncate(mark);
                b.failure = e;
                break;
            }
        }
        if (b.home != this) {
            b.conn.builtOn[index] += reply.capacity(); // plain: only this core touches its element
            stats.batchesExecuted++;
            stats.commandsForOthers += b.count;
        }
        return reply;
    }

    /** This core's part of a DBSIZE, FLUSHALL or INFO. */
    private void executePart(Cmd spec, Command cmd, RespBuffer reply) {
        switch (spec) {
            case DBSIZE:
                reply.integer(shard.size());
                return;
            case FLUSHALL:
                shard.flush();
                reply.raw(RespBuffer.OK);
                return;
            case INFO:
                stats.writeSnapshot(this, reply);
                return;
            default:
                throw new IllegalStateException(spec + " is not a per-core command");
        }
    }

    /** Back on the connection's core: release the replies in order (or drop them if the client left). */
    void batchReturned(RemoteBatch b) {
        Connection c = b.conn;
        if (c.closed) {
            return;
        }
        try {
            releaseReplies(c, b);
        } catch (LimitExceeded e) {
            overLimit(c, e);
        } catch (RuntimeException | Error e) {
            connectionFailed(c, e);
        }
    }

    private void releaseReplies(Connection c, RemoteBatch b) {
        c.receivedFrom[b.owner.index] += b.reply.capacity();
        c.dropRequests(b);
        if (b.failure instanceof LimitExceeded) {
            overLimit(c, (LimitExceeded) b.failure); // the owner refused to build more replies for it
            return;
        }
        if (b.failure != null) {
            connectionFailed(c, b.failure); // its owner core could not run it: the replies can never be complete
            return;
        }
        if (b.aggregate != null) {
            b.aggregate.partDone(b.part, b.reply);
            c.account(b.aggregate);
            if (!b.aggregate.done) {
                return;
            }
        } else {
            b.done = true;
            c.account(b);
        }
        c.drainSlots();
    }

    /** The INFO text from every core's statistics snapshot. */
    String infoReport(byte[][] parts) {
        return InfoReport.render(server, parts);
    }

    /** Heap bytes this core's client buffers hold. */
    long clientMemory() {
        return memory.held();
    }

    /** Bytes held by this core's connections and the number of replies they wait for. */
    long[] connectionTotals() {
        long bytes = 0;
        long inflight = 0;
        for (Connection c : connections) {
            bytes += c.bufferBytes();
            inflight += c.slots.size();
        }
        return new long[] {bytes, inflight};
    }
}
