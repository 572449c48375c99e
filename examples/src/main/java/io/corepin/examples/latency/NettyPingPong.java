package io.corepin.examples.latency;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.Version;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import java.nio.channels.spi.SelectorProvider;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Two Netty event loops bouncing two pre-allocated tasks, set up as a Netty developer tuning for latency would:
 *
 * <ul>
 *   <li><b>{@link NioEventLoopGroup}, not {@code DefaultEventLoop}.</b> {@code DefaultEventLoop} (the I/O-less loop
 *       of {@code LocalChannel}) has no idle knob: its loop is {@code LinkedBlockingQueue.take()}, so every hop of a
 *       ping-pong takes a lock, allocates a queue node and wakes a sleeping thread through a futex — it would measure
 *       the OS scheduler, not Netty. The NIO loop is the one real Netty servers run their handlers on, its task
 *       queue is a lock-free MPSC queue, and it accepts a {@link io.netty.channel.SelectStrategy}, Netty's own knob
 *       for busy-polling ({@link BusyPollSelectStrategy}), so it spins like the other contenders do.</li>
 *   <li><b>Netty's default task queue</b> (an unbounded JCTools MPSC array queue): with one task in flight it
 *       allocates nothing in steady state, so there is nothing to tune there.</li>
 *   <li>Each loop pins its own thread (a first task on the loop), from the same affinity plan.</li>
 * </ul>
 *
 * <p>What the NIO loop still costs per hop: with tasks queued it calls {@code selectNow()} (a system call) before
 * running them, as Netty's default strategy does, so that I/O is never starved by a stream of tasks. Skipping it
 * would be faster, but would starve the channels of the loop for as long as tasks keep coming.
 *
 * <p>{@link Ping} runs on loop 0 (the initiator), records the round trip and executes {@link Pong} on loop 1, which
 * executes {@code Ping} back: each hop is {@code EventLoop.execute} from one loop's thread into the other's queue.
 */
final class NettyPingPong implements PingPong {
    private final NioEventLoopGroup group;
    private final EventLoop initiator;
    private final EventLoop responder;
    private final int initiatorCpu;
    private final int responderCpu;
    private final long initiatorThread;
    private final long responderThread;
    private final Ping ping = new Ping();
    private final Pong pong = new Pong();

    /**
     * @param cpuA the initiator's CPU, or -1
     * @param cpuB the responder's CPU, or -1
     */
    NettyPingPong(int cpuA, int cpuB) {
        group = new NioEventLoopGroup(2,
            new ThreadPerTaskExecutor(new DefaultThreadFactory("latency-netty", true)),
            SelectorProvider.provider(),
            () -> BusyPollSelectStrategy.INSTANCE);
        try {
            Iterator<EventExecutor> loops = group.iterator();
            initiator = (EventLoop) loops.next();
            responder = (EventLoop) loops.next();
            long[] a = pin(initiator, cpuA);
            long[] b = pin(responder, cpuB);
            initiatorCpu = (int) a[0];
            initiatorThread = a[1];
            responderCpu = (int) b[0];
            responderThread = b[1];
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Pins the loop's thread (starting it); returns {cpu it got, thread id}. */
    private static long[] pin(EventLoop loop, int cpu) {
        try {
            return loop.submit(() -> new long[] {Pin.self(cpu), Thread.currentThread().getId()})
                .get(Await.START_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting a netty event loop", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("netty event loop did not start and pin itself within "
                + Await.START_SECONDS + " s", e);
        }
    }

    @Override
    public String name() {
        return "netty";
    }

    @Override
    public String description() {
        Version netty = Version.identify().get("netty-transport");
        return "Netty " + (netty == null ? "4.1" : netty.artifactVersion()) + " NioEventLoop pair, busy-poll SelectStrategy (never blocks in select; like Netty's default it calls"
            + " selectNow() before running queued tasks), default task queue (unbounded JCTools MPSC), tasks handed"
            + " over with EventLoop.execute. Not DefaultEventLoop: it can only block in LinkedBlockingQueue.take(),"
            + " so every hop would be a lock, a node allocation and a futex wake-up";
    }

    @Override
    public String placement() {
        return Pin.placement(initiatorCpu, responderCpu);
    }

    @Override
    public long[] threadIds() {
        return new long[] {initiatorThread, responderThread};
    }

    @Override
    public void start(Phase phase) {
        initiator.execute(() -> ping.begin(phase)); // the queue's release store publishes the phase to the loop
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(Await.START_SECONDS, TimeUnit.SECONDS);
    }

    /** Runs on the initiator loop: one round trip is over. The task is the message; its send time is in {@link #stamp}. */
    private final class Ping implements Runnable {
        /** The send time, padded to its own cache lines; plain: the initiator loop's thread only. */
        private final Message stamp = new Message();
        /** Plain: set on the initiator loop's thread by begin(). */
        private Phase phase;

        void begin(Phase p) {
            phase = p;
            send();
        }

        private void send() {
            stamp.sentAt = System.nanoTime();
            responder.execute(pong); // from the initiator loop into the responder's MPSC queue
        }

        @Override
        public void run() {
            final long rtt = System.nanoTime() - stamp.sentAt;
            try {
                if (phase.record(rtt)) {
                    send();
                }
            } catch (Throwable t) { // Netty would only log it; end the phase instead of hanging until the timeout
                phase.fail(t);
            }
        }
    }

    /** Runs on the responder loop: sends the ping straight back. */
    private final class Pong implements Runnable {
        @Override
        public void run() {
            initiator.execute(ping); // from the responder loop into the initiator's MPSC queue
        }
    }
}
