package io.corepin.bench.smol;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Netty's DefaultEventLoopGroup with one event loop per CPU. Each standing task is bound to one loop
 * ({@code group.next()}, round robin) and all its continuations run there, the Netty way. Spawns go through
 * {@code group.submit} (also round robin). Fresh executors for spawn_executors_recursively are
 * {@code new DefaultEventLoop()}, released with {@code shutdownGracefully(0, 0, ..)}.
 */
final class NettyPeer extends AsyncPeer {
    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(Runtime.getRuntime().availableProcessors(),
        new DefaultThreadFactory("smol-netty", true));
    private final DefaultThreadFactory nestedThreads = new DefaultThreadFactory("smol-netty-nested", true);

    @Override
    ExecutorService service() {
        return group;
    }

    @Override
    Executor home() {
        return group.next();
    }

    @Override
    ExecutorService newNestedExecutor() {
        return new DefaultEventLoop(nestedThreads);
    }

    @Override
    void releaseNested(ExecutorService nested) {
        ((EventExecutor) nested).shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
