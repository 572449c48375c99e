package io.corepin.examples.udp;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.Pinning;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.collections.Long2LongHashMap;

/**
 * The Netty peer of {@link UdpEchoServer} for {@code udp-echo.sh}: the same per-datagram work — per-flow count in a
 * table owned by one thread, {@link EchoStamp}, a reply to the source — on Netty's native epoll transport, one
 * {@code SO_REUSEPORT} {@link EpollDatagramChannel} per event loop (the kernel hashes flows to sockets the same way),
 * each loop thread pinned like an Exec, {@code recvmmsg} batches of up to 32 datagrams.
 *
 * <pre>
 * usage: NettyUdpEcho [--host 127.0.0.1] [--port 9999] [--execs N | --cpus a,b,..] [--seconds N] [--quiet]
 * </pre>
 * At the end it prints the same {@code RESULT} line as {@link UdpEchoMain}.
 */
public final class NettyUdpEcho {
    private static final int BATCH = 32;
    private static final int MAX_DATAGRAM = 2048;

    private NettyUdpEcho() {
    }

    /** One socket's handler, called only on its event loop's thread. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        final AtomicLong received = new AtomicLong();
        final AtomicLong firstNanos = new AtomicLong();
        final AtomicLong lastNanos = new AtomicLong();
        private final int index;
        private final Long2LongHashMap flows = new Long2LongHashMap(0); // plain: event loop thread only
        private long rx; // plain: event loop thread only; published in channelReadComplete

        Echo(int index) {
            this.index = index;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            rx++;
            InetSocketAddress source = packet.sender();
            long key = FlowTable.key(source);
            long count = flows.get(key) + 1;
            flows.put(key, count);
            ByteBuf content = packet.content();
            int at = content.readerIndex();
            if (content.readableBytes() >= EchoStamp.HEADER && content.getInt(at) == EchoStamp.MAGIC) {
                content.setLong(at + 4, count);
                content.setInt(at + 12, index);
            } else if (content.readableBytes() >= EchoStamp.SOCKPERF_HEADER
                    && content.getInt(at + EchoStamp.SOCKPERF_LENGTH) == content.readableBytes()) {
                short flags = content.getShort(at + EchoStamp.SOCKPERF_FLAGS); // same as EchoStamp.stamp
                content.setShort(at + EchoStamp.SOCKPERF_FLAGS, flags & ~EchoStamp.SOCKPERF_CLIENT);
            }
            ctx.write(new DatagramPacket(content, source), ctx.voidPromise()); // the buffer goes back out as is
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            long now = System.nanoTime();
            if (firstNanos.get() == 0) {
                firstNanos.lazySet(now); // release store: the loop thread is the only writer
            }
            lastNanos.lazySet(now);
            received.lazySet(rx);
        }
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 9999;
        AffinityPlan plan = AffinityPlan.auto(1);
        int seconds = 0;
        boolean quiet = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--quiet")) {
                quiet = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String v = args[++i];
            switch (option) {
                case "--host": host = v; break;
                case "--port": port = UdpEchoMain.integer(option, v); break;
                case "--execs": plan = AffinityPlan.auto(UdpEchoMain.integer(option, v)); break;
                case "--cpus": plan = AffinityPlan.of(UdpEchoMain.cpus(v)); break;
                case "--seconds": seconds = UdpEchoMain.integer(option, v); break;
                default: throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's native epoll is not available here", Epoll.unavailabilityCause());
        }
        final AffinityPlan p = plan;
        final int n = p.execCount();
        AtomicInteger next = new AtomicInteger();
        ThreadFactory base = new DefaultThreadFactory("udp-netty", true);
        ThreadFactory pinned = r -> base.newThread(() -> {
            Pinning.pinCurrentThread(p.cpuFor(next.getAndIncrement() % n));
            r.run();
        });
        EpollEventLoopGroup group = new EpollEventLoopGroup(n, pinned);
        List<Echo> echoes = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) { // round robin: channel i on loop i
                Echo echo = new Echo(i);
                echoes.add(echo);
                Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                    .option(EpollChannelOption.SO_REUSEPORT, true)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM) // recvmmsg
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM * BATCH))
                    .handler(echo);
                Channel ch = b.bind(host, port).sync().channel();
                port = ((InetSocketAddress) ch.localAddress()).getPort();
                channels.add(ch);
            }
            System.out.println("netty udp-echo on port " + port + " (" + n + " epoll loops, one SO_REUSEPORT socket"
                + " each, pinned to " + p + ")");
            System.out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch printed = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    printed.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "udp-netty-shutdown"));
            long start = System.nanoTime();
            long prev = 0;
            try {
                while (!stop.await(1, TimeUnit.SECONDS)) {
                    long rx = total(echoes);
                    if (!quiet) {
                        System.out.printf("netty udp-echo: %,d pkt/s (rx %,d)%n", rx - prev, rx);
                    }
                    prev = rx;
                    if (seconds > 0 && System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(seconds)) {
                        break;
                    }
                }
            } finally {
                for (Channel ch : channels) {
                    ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                }
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
                long first = Long.MAX_VALUE;
                long last = Long.MIN_VALUE;
                for (Echo e : echoes) {
                    if (e.firstNanos.get() != 0) {
                        first = Math.min(first, e.firstNanos.get());
                        last = Math.max(last, e.lastNanos.get());
                    }
                }
                long rx = total(echoes);
                // Netty queues a reply the socket cannot take yet (it does not drop it), and write failures go to
                // exceptionCaught: replies are not counted apart from datagrams read (tx = rx, drops unknown = 0).
                System.out.println(UdpEchoMain.result("netty", new long[] {rx, rx, 0, 0},
                    first == Long.MAX_VALUE ? 0 : last - first));
                System.out.flush();
                printed.countDown();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static long total(List<Echo> echoes) {
        long t = 0;
        for (Echo e : echoes) {
            t += e.received.get();
        }
        return t;
    }
}
