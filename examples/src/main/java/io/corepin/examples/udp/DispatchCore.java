package io.corepin.examples.udp;

import io.corepin.ring.Ring;
import io.corepin.ring.SpscRing;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * One core of the UDP echo server in {@link UdpEchoServer.Mode#DISPATCH}: the flow table of the flows that
 * {@link io.corepin.balance.LoadBalancer#indexFor} maps to it, and the per-datagram work — flow count,
 * {@link EchoStamp}, the reply, sent from this core on the one shared socket. Datagrams come from
 * {@link DispatchReceiver} (core 0), in a {@link Batch} that runs as a task on this core's Exec and then goes back to
 * the receiver through its return ring; core 0 handles its own flows inline.
 *
 * <p>Why the shared socket: a reply must come from the server's port, and a second socket bound to that port with
 * {@code SO_REUSEPORT} would join the kernel's hash group and take incoming flows away from the receiver.
 * {@code DatagramChannel.send} is thread-safe; it takes the channel's write lock (uncontended unless two cores send
 * at the same instant), never the read lock the receiver holds in {@code receive}.
 *
 * <p>Threading: everything runs on this core's Exec thread, except the published counters (any thread reads).
 */
final class DispatchCore extends CoreStats {
    DispatchCore(int index, DatagramChannel channel) {
        super(index, channel);
    }

    /**
     * One datagram: a buffer of the receiver's pool, its sender and flow key. {@link #take} and {@link #release} are
     * called by the receiver only; the handling core reads the fields after the Exec's ring published them.
     */
    static final class Packet {
        final ByteBuffer buffer;
        private InetSocketAddress source;
        private long key;

        Packet(int capacity) {
            this.buffer = ByteBuffer.allocateDirect(capacity);
        }

        /** The buffer now holds a datagram from {@code from}; returns its flow key. */
        long take(InetSocketAddress from) {
            source = from;
            key = FlowTable.key(from);
            return key;
        }

        /** Back to the pool: forget the sender. */
        void release() {
            source = null;
        }
    }

    /**
     * Up to a receive batch of datagrams for one core, a task on that core's Exec. Belongs to one (receiver, core)
     * pair; after it ran it goes back through {@link #back}, an SPSC ring with room for every batch of the pair, so
     * the return never fails and never allocates. The receiver writes the fields before handing the batch over (the
     * Exec's ring publishes them); the core only reads them, and the return ring's release publishes the buffers
     * back.
     */
    static final class Batch implements Runnable {
        private final Packet[] items;
        final DispatchCore target;
        private final SpscRing<Batch> back;
        private int count; // written by the receiver only (add, drainTo)

        Batch(int capacity, DispatchCore target, SpscRing<Batch> back) {
            this.items = new Packet[capacity];
            this.target = target;
            this.back = back;
        }

        /** Receiver only: one more datagram for the target core (a batch holds one receive batch at most). */
        void add(Packet p) {
            items[count++] = p;
        }

        /** Datagrams in the batch. */
        int count() {
            return count;
        }

        /**
         * Receiver only: moves the batch's packets to {@code pool} from index {@code top} on, released, and empties
         * the batch; returns the pool's new top.
         */
        int drainTo(Packet[] pool, int top) {
            for (int i = 0; i < count; i++) {
                items[i].release();
                pool[top++] = items[i];
                items[i] = null;
            }
            count = 0;
            return top;
        }

        @Override
        public void run() {
            for (int i = 0; i < count; i++) {
                target.answer(items[i]);
            }
            target.publish(false); // after the batch's replies are sent
            if (back.offer(this) == Ring.FULL) { // release: the receiver sees the buffers as this core left them
                throw new IllegalStateException("return ring of udp core " + target.index + " full: " + back);
            }
        }
    }

    /** Counts, stamps and answers one datagram of a flow this core owns. */
    void answer(Packet p) {
        answer(p.buffer, p.source, p.key);
    }
}
