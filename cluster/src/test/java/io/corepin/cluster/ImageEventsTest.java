package io.corepin.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ClusterNode#unavailableImages()} and {@link ClusterNode#imageEvents()}: a peer host (2 Execs) that closes takes
 * its publications to this host's Exec with it; this host counts each image that went away and names it. About 12 s.
 */
@Timeout(60)
class ImageEventsTest {
    @Test
    void imagesOfAPeerThatClosesAreCountedAndNamed() throws Exception {
        try (TestHosts hosts = new TestHosts()) {
            java.util.concurrent.atomic.AtomicInteger got = new java.util.concurrent.atomic.AtomicInteger();
            ClusterNode a = hosts.start(1, 1, x -> x.handler(1, (key, buf, off, len) -> got.incrementAndGet()));
            ClusterNode b = hosts.start(2, 2, x -> x.handler(1, (key, buf, off, len) -> { }));
            Membership m = hosts.membership(1);
            hosts.installEverywhere(m);
            // one message from each of host 2's Execs to host 1 (its local Exec for a key is indexFor(key, 2))
            int sent = 0;
            for (long key = 0; sent < 2 && key < 10_000; key++) {
                if (m.hostFor(key).id() == 1 && io.corepin.balance.LoadBalancer.indexFor(key, 2) == sent) {
                    assertEquals(SendResult.SENT, b.submit(key, 1, new byte[8]).get(5, TimeUnit.SECONDS));
                    sent++;
                }
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.get() < 2 && System.nanoTime() - until < 0) {
                Thread.sleep(1);
            }
            assertEquals(2, got.get(), "host 1 handled both messages");
            assertEquals(0, a.unavailableImages(), "no image went away while both live: " + a.imageEvents());
            hosts.nodes.remove(b);
            b.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (a.unavailableImages() < 2 && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            // host 2's two Execs each had one publication to host 1's only Exec
            assertEquals(2, a.unavailableImages(), "images of host 2 gone from host 1: " + a.imageEvents());
            assertEquals(2, a.imageEvents().size(), a.imageEvents().toString());
            for (String e : a.imageEvents()) {
                // ClusterNode.close closes the driver right after the client: no end of stream reaches host 1, whose
                // images of host 2 time out (Aeron's image liveness timeout, 10 s)
                // (the position: the first skip and the one message, and whatever was sent again)
                assertTrue(e.contains("on stream 0") && e.matches(".* at position [1-9][0-9]* .*") && e.contains("timed out"),
                    e);
            }
        }
    }
}
