package io.corepin.examples.udp;

import io.corepin.Exec;
import io.corepin.Poller;
import io.corepin.balance.LoadBalancer;
import io.corepin.examples.udp.DispatchCore.Batch;
import io.corepin.examples.udp.DispatchCore.Packet;
import io.corepin.ring.SpscRing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The receiving side of {@link UdpEchoServer.Mode#DISPATCH}, the {@link Poller} of core 0: the one socket, a pool of
 * direct buffers, and for every other core a stack of free {@link Batch}es and the SPSC ring they come back through.
 * Each turn {@link #poll()} first takes back the batches the cores have finished (their buffers return to the pool),
 * then receives up to {@code batch} datagrams without blocking, files each under the core
 * {@link LoadBalancer#indexFor LoadBalancer.indexFor(flowKey, cores)} names — its own flows are answered here,
 * inline, after the hand-off — and offers each non-empty batch to its core's Exec (one ring slot per batch per core).
 * A datagram whose core has no free batch, or whose Exec refuses it (full or closing), is counted as a dispatch drop
 * and its buffer goes back to the pool at once. Nothing is allocated per datagram: buffers and batches circulate.
 *
 * <p>Sizing: each other core has {@link #DEPTH} batches of {@code batch} buffers; the pool holds exactly those plus
 * one batch for core 0's own datagrams, so it cannot run dry (a buffer is free, in a batch, or being answered here).
 *
 * <p>Threading: everything runs on core 0's thread, except {@link #wakeup()}. The return rings are written by the
 * handling cores only (one producer each) and read here only.
 */
final class DispatchReceiver implements Poller {
    /**
     * Batches in flight per handling core: 64 × 32 = 2,048 datagrams by default, about what the socket's 4 MiB
     * receive buffer holds, so a core that falls behind for a moment costs no more drops than REUSEPORT's socket.
     */
    static final int DEPTH = 64;

    private final DispatchCore self;
    private final DispatchCore[] cores;
    private final Exec[] execs;
    private final DatagramChannel channel;
    private final SocketWait wait;
    private final int batch;
    // plain: this thread only
    private final Packet[] free;
    private int freeTop;
    private final Batch[][] freeBatches;
    private final int[] freeBatchTop;
    private final Batch[] open;
    private final SpscRing<Batch>[] returns;
    private final Packet[] own;

    /**
     * @param execs every core's Exec; element 0 (this poller's own) may still be null here, the others must not be
     *     used before the first {@link #poll()}, which runs on Exec 0 after they were all built
     */
    @SuppressWarnings("unchecked")
    DispatchReceiver(DispatchCore[] cores, Exec[] execs, DatagramChannel channel, int batch, int maxDatagram)
            throws IOException {
        this.self = cores[0];
        this.cores = cores;
        this.execs = execs;
        this.channel = channel;
        this.batch = batch;
        final int n = cores.length;
        this.free = new Packet[batch * (DEPTH * (n - 1) + 1)];
        for (int i = 0; i < free.length; i++) {
            free[i] = new Packet(maxDatagram + 1); // one byte more: a fuller buffer was truncated
        }
        this.freeTop = free.length;
        this.freeBatches = new Batch[n][];
        this.freeBatchTop = new int[n];
        this.open = new Batch[n];
        this.returns = new SpscRing[n];
        for (int w = 1; w < n; w++) {
            returns[w] = new SpscRing<>(DEPTH); // room for every batch of the pair: a return never fails
            freeBatches[w] = new Batch[DEPTH];
            for (int b = 0; b < DEPTH; b++) {
                freeBatches[w][b] = new Batch(batch, cores[w], returns[w]);
            }
            freeBatchTop[w] = DEPTH;
        }
        this.own = new Packet[batch];
        this.wait = new SocketWait(channel, "udp core 0 (dispatch receiver)");
    }

    @Override
    public int poll() {
        reclaim();
        final int n = cores.length;
        int taken = 0;
        int owned = 0;
        try {
            while (taken < batch && freeTop > 0) {
                final Packet p = free[freeTop - 1];
                final ByteBuffer buf = p.buffer;
                buf.clear();
                final SocketAddress source = channel.receive(buf);
                if (source == null) {
                    break;
                }
                taken++;
                buf.flip();
                final boolean tooLong = buf.limit() == buf.capacity();
                self.countReceived(tooLong);
                if (tooLong) {
                    continue; // longer than maxDatagram: counted and dropped, the buffer stays free
                }
                freeTop--;
                final int w = LoadBalancer.indexFor(p.take((InetSocketAddress) source), n);
                if (w == 0) {
                    own[owned++] = p;
                } else if (!file(w, p)) {
                    self.countHandOffDrops(1); // no free batch for that core: it is behind, drop as a full queue would
                    release(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("receive failed on udp core 0 (dispatch receiver)", e);
        }
        handOff();
        for (int i = 0; i < owned; i++) {
            self.answer(own[i]);
            release(own[i]);
            own[i] = null;
        }
        if (taken > 0) {
            self.publish(true); // after this batch's own replies are sent
        }
        return taken;
    }

    /** Adds {@code p} to core {@code w}'s open batch, opening one if needed; false if that core has none free. */
    private boolean file(int w, Packet p) {
        Batch b = open[w];
        if (b == null) {
            if (freeBatchTop[w] == 0) {
                reclaim();
                if (freeBatchTop[w] == 0) {
                    return false;
                }
            }
            b = freeBatches[w][--freeBatchTop[w]];
            freeBatches[w][freeBatchTop[w]] = null;
            open[w] = b;
        }
        b.add(p);
        return true;
    }

    /** Offers every open batch to its core; a refused one (ring full, Exec closing) is dropped and recycled. */
    private void handOff() {
        for (int w = 1; w < open.length; w++) {
            final Batch b = open[w];
            if (b != null) {
                open[w] = null;
                if (execs[w].offer(b) < 0) { // the Exec's ring publishes the batch's fields (release)
                    self.countHandOffDrops(b.count());
                    recycle(b);
                }
            }
        }
    }

    /** Takes back every batch the cores have finished. */
    private void reclaim() {
        for (int w = 1; w < returns.length; w++) {
            final SpscRing<Batch> ring = returns[w];
            for (Batch b; (b = ring.poll()) != null; ) { // acquire: the core's sends on the buffers are done
                recycle(b);
            }
        }
    }

    private void recycle(Batch b) {
        freeTop = b.drainTo(free, freeTop);
        final int w = b.target.index;
        freeBatches[w][freeBatchTop[w]++] = b;
    }

    private void release(Packet p) {
        p.release();
        free[freeTop++] = p;
    }

    @Override
    public void park(long nanos) {
        wait.park(nanos);
    }

    @Override
    public void wakeup() {
        wait.wakeup();
    }

    /** Exec 0 is terminating: close the socket (the other cores' replies fail from then on, counted) and selector. */
    @Override
    public void close() {
        wait.close();
    }
}
