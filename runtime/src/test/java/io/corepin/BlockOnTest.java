package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Exec#blockOn}: the hosted Exec terminates, interrupts abort, nothing accepted is stranded. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockOnTest {

    @Test
    void theHostedExecHasTerminatedWhenBlockOnReturns() throws Exception {
        AtomicReference<Exec> hosted = new AtomicReference<>();
        assertEquals(1, Exec.blockOn(() -> {
            hosted.set(Exec.current());
            return CompletableFuture.completedFuture(1);
        }));
        assertNotNull(hosted.get());
        assertTrue(hosted.get().awaitTermination(5, TimeUnit.SECONDS), hosted.get() + " never terminated");
        assertTrue(hosted.get().isTerminated());
    }

    @Test
    void closeFromAnotherThreadReturnsOnceTheBodyCompleted() throws Exception {
        CompletableFuture<Integer> gate = new CompletableFuture<>();
        AtomicReference<Exec> hosted = new AtomicReference<>();
        CountDownLatch inBody = new CountDownLatch(1);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread closer = new Thread(() -> {
            try {
                assertTrue(inBody.await(5, TimeUnit.SECONDS));
                hosted.get().close(); // graceful: waits for the body, which is accepted work
                closed.complete(null);
            } catch (Throwable t) {
                closed.completeExceptionally(t);
            }
        }, "closer");
        closer.setDaemon(true);
        closer.start();
        int value = Exec.blockOn(() -> {
            hosted.set(Exec.current());
            inBody.countDown();
            CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(() -> gate.complete(7));
            return gate;
        });
        assertEquals(7, value);
        closed.get(5, TimeUnit.SECONDS); // close() returned: the hosted Exec terminated
        assertTrue(hosted.get().isTerminated());
    }

    @Test
    void workQueuedWhenTheBodyCompletesRunsBeforeBlockOnReturns() {
        AtomicBoolean ran = new AtomicBoolean();
        int value = Exec.blockOn(() -> {
            Exec.current().execute(() -> ran.set(true)); // local queue, behind the body
            return CompletableFuture.completedFuture(3);
        });
        assertEquals(3, value);
        assertTrue(ran.get(), "a task the body queued on the hosted Exec was left for a next blockOn");
    }

    @Test
    void submitsAfterBlockOnReturnedAreRefusedNotStranded() throws Exception {
        AtomicReference<Exec> hosted = new AtomicReference<>();
        Exec.blockOn(() -> {
            hosted.set(Exec.current());
            return CompletableFuture.completedFuture(null);
        });
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Throwable> fromOtherThread = CompletableFuture.supplyAsync(() -> {
            try {
                hosted.get().execute(() -> ran.set(true));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Throwable refused = fromOtherThread.get(5, TimeUnit.SECONDS);
        assertInstanceOf(RejectedExecutionException.class, refused,
            "accepted by a hosted Exec nobody runs any more: stranded");
        assertTrue(refused.getMessage().contains(hosted.get().name()), refused.getMessage());
        assertFalse(ran.get());
    }

    @Test
    void anInterruptAbortsBlockOnAndKeepsTheFlag() throws Exception {
        CountDownLatch inBody = new CountDownLatch(1);
        AtomicReference<Exec> hosted = new AtomicReference<>();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        Thread blocked = new Thread(() -> {
            try {
                Exec.blockOn(() -> {
                    hosted.set(Exec.current());
                    inBody.countDown();
                    return new CompletableFuture<Integer>(); // never completes
                });
                thrown.complete(null);
            } catch (Throwable t) {
                flagAfter.set(Thread.currentThread().isInterrupted());
                thrown.complete(t);
            }
        }, "blocked-in-blockOn");
        blocked.setDaemon(true); // if the interrupt is ignored it stays parked: do not keep the JVM alive
        blocked.start();
        assertTrue(inBody.await(5, TimeUnit.SECONDS));
        blocked.interrupt();
        Throwable t = thrown.get(5, TimeUnit.SECONDS); // bounded: fails if blockOn ignored the interrupt
        assertInstanceOf(CompletionException.class, t);
        assertInstanceOf(InterruptedException.class, t.getCause());
        assertTrue(t.getCause().getMessage().contains(hosted.get().name()), t.getCause().getMessage());
        assertTrue(flagAfter.get(), "blockOn swallowed the interrupt flag");
        assertTrue(hosted.get().awaitTermination(5, TimeUnit.SECONDS), "the interrupted host did not terminate");
    }

    @Test
    void anInterruptBeforeBlockOnAbortsItAtOnce() throws Exception {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        Thread interrupted = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                Exec.blockOn(() -> new CompletableFuture<Integer>()); // never completes
                thrown.complete(null);
            } catch (Throwable t) {
                flagAfter.set(Thread.currentThread().isInterrupted());
                thrown.complete(t);
            }
        }, "interrupted-before-blockOn");
        interrupted.setDaemon(true); // if the interrupt is ignored it stays parked: do not keep the JVM alive
        interrupted.start();
        Throwable t = thrown.get(5, TimeUnit.SECONDS);
        assertInstanceOf(CompletionException.class, t);
        assertInstanceOf(InterruptedException.class, t.getCause());
        assertTrue(flagAfter.get(), "the flag is kept");
    }
}
