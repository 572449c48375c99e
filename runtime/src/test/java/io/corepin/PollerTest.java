package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An Exec with a Selector-based {@link Poller}: events handled on the Exec, parking in select, woken by submits. */
@Timeout(30)
class PollerTest {

    /** Reads bytes from a pipe; counts what it reads, its parks and whether it was closed. */
    static final class PipePoller implements Poller {
        final Selector selector;
        final Pipe pipe;
        final AtomicLong bytesRead = new AtomicLong();
        final AtomicInteger parks = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile Thread pollThread;
        private final ByteBuffer buffer = ByteBuffer.allocate(256);

        PipePoller() {
            try {
                selector = Selector.open();
                pipe = Pipe.open();
                pipe.source().configureBlocking(false);
                pipe.source().register(selector, SelectionKey.OP_READ);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public int poll() {
            pollThread = Thread.currentThread();
            try {
                // also keys that park()'s select() left in the selected set: selectNow does not count them again
                return selector.selectNow() > 0 || !selector.selectedKeys().isEmpty() ? drain() : 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private int drain() throws IOException {
            selector.selectedKeys().clear();
            int n;
            int total = 0;
            while ((n = pipe.source().read(buffer.clear())) > 0) {
                total += n;
            }
            bytesRead.addAndGet(total);
            return total;
        }

        @Override
        public void park(long nanos) {
            parks.incrementAndGet();
            try {
                if (nanos > 0) {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
                } else {
                    selector.select();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void wakeup() {
            selector.wakeup();
        }

        @Override
        public void close() {
            try {
                selector.close();
                pipe.source().close();
                pipe.sink().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            closed.countDown();
        }

        void write(int bytes) throws IOException {
            pipe.sink().write(ByteBuffer.allocate(bytes));
        }
    }

    @Test
    void eventsAreHandledOnTheExecAndSubmitsWakeItFromTheSelector() throws Exception {
        PipePoller poller = new PipePoller();
        try (Exec exec = Exec.builder().name("poller-test").poller(() -> poller).build()) {
            poller.write(100);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (poller.bytesRead.get() < 100 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(100, poller.bytesRead.get());
            assertEquals(exec.threadId(), poller.pollThread.getId(), "poll runs on the Exec's thread");

            // Let the Exec go idle: it must block in the selector, not in LockSupport.park.
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (poller.parks.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(poller.parks.get() > 0, "idle Exec parks in the poller");

            // A submit from another thread must wake it out of select().
            CountDownLatch ran = new CountDownLatch(1);
            exec.execute(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS), "submit woke the Exec out of select()");

            poller.write(7); // and events after a wake-up still arrive
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (poller.bytesRead.get() < 107 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(107, poller.bytesRead.get());
        }
        assertTrue(poller.closed.await(5, TimeUnit.SECONDS), "poller closed when the Exec terminated");
    }

    @Test
    void shutdownWakesAnExecBlockedInThePoller() throws Exception {
        PipePoller poller = new PipePoller();
        Exec exec = Exec.builder().name("poller-shutdown").poller(() -> poller).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (poller.parks.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        exec.shutdown();
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS), "shutdown woke the Exec out of select()");
        assertTrue(poller.closed.await(5, TimeUnit.SECONDS));
    }

    @Test
    void anExecIsTerminatedOnlyOnceItsPollerIsClosedAndItsHandBackComplete() throws Exception {
        CountDownLatch closing = new CountDownLatch(1);
        CountDownLatch mayClose = new CountDownLatch(1);
        Poller slowToClose = new Poller() {
            @Override
            public int poll() {
                return 0;
            }

            @Override
            public void park(long nanos) {
                java.util.concurrent.locks.LockSupport.parkNanos(nanos <= 0 ? 1_000_000 : Math.min(nanos, 1_000_000));
            }

            @Override
            public void wakeup() {
            }

            @Override
            public void close() {
                closing.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                boolean interrupted = false; // shutdownNow's interrupt of the Exec's thread may arrive in here
                while (mayClose.getCount() > 0 && System.nanoTime() - deadline < 0) {
                    try {
                        mayClose.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Exec exec = Exec.builder().name("poller-slow-close").poller(() -> slowToClose).build();
        try {
            java.util.concurrent.CompletableFuture<java.util.List<Runnable>> back = exec.shutdownNow();
            assertTrue(closing.await(10, TimeUnit.SECONDS), "the Exec closes its poller as it terminates");
            // Its thread is still finishing (in poller.close): not terminated yet, whatever its state field says —
            // isTerminated() true must mean what awaitTermination's true means, the hand-back complete included.
            assertTrue(!exec.isTerminated(), "isTerminated() while the Exec is still closing its poller");
            assertTrue(!exec.awaitTermination(0, TimeUnit.SECONDS));
            assertTrue(!back.isDone());
        } finally {
            mayClose.countDown();
        }
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(exec.isTerminated());
    }
}
