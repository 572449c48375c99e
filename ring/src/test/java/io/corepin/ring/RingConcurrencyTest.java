package io.corepin.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real threads through the rings: every element arrives exactly once and each producer's elements arrive in the
 * order it offered them. Producers back off with {@code parkNanos} when the ring is full; every wait is bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RingConcurrencyTest {
    private static final int PER_PRODUCER = 200_000;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(45);

    /** Element: producer id in the high bits, sequence in the low bits. */
    private static long encode(int producer, int seq) {
        return ((long) producer << 32) | seq;
    }

    @Test
    void mpscExactlyOnceAndFifoPerProducerWithMixedBursts() throws Exception {
        final int producers = 4;
        MpscRing<Long> ring = new MpscRing<>(64);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int id = p;
            threads.add(new Thread(() -> produce(ring, id, id % 2 == 0, failure), "producer-" + p));
        }
        threads.forEach(Thread::start);
        consumeAndCheck(ring, producers, failure);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(ring.isEmpty());
    }

    @Test
    void spscExactlyOnceAndFifo() throws Exception {
        SpscRing<Long> ring = new SpscRing<>(32);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread producer = new Thread(() -> produce(ring, 0, true, failure), "producer");
        producer.start();
        consumeAndCheck(ring, 1, failure);
        producer.join(TimeUnit.SECONDS.toMillis(10));
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    /** Every producer call (offer, offerBurst, offerBulk) against every consumer call (poll, drain, pollBurst). */
    @Test
    void spscMixedCallsExactlyOnceAndFifo() throws Exception {
        SpscRing<Long> ring = new SpscRing<>(16); // small: the indices wrap often and the producer meets a full ring
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try {
                Long[] batch = new Long[7];
                long seq = 0;
                long deadline = System.nanoTime() + DEADLINE_NANOS;
                for (int call = 0; seq < PER_PRODUCER && System.nanoTime() < deadline; call++) {
                    final int n = (int) Math.min(1 + call % batch.length, PER_PRODUCER - seq);
                    for (int i = 0; i < n; i++) {
                        batch[i] = seq + i;
                    }
                    final int in;
                    switch (call % 3) {
                        case 0: in = ring.offer(seq) >= 0 ? 1 : 0; break;
                        case 1: in = ring.offerBurst(batch, 0, n); break;
                        default: in = Math.max(0, ring.offerBulk(batch, 0, n)); break;
                    }
                    seq += in;
                    if (in == 0) {
                        LockSupport.parkNanos(1_000);
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "producer");
        producer.start();
        long expected = 0;
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        Long[] burst = new Long[5];
        long[] next = {0};
        for (int call = 0; expected < PER_PRODUCER && failure.get() == null; call++) {
            assertTrue(System.nanoTime() < deadline, "consumer timed out at " + expected + " of " + PER_PRODUCER);
            final int got;
            switch (call % 3) {
                case 0:
                    final Long one = ring.poll();
                    got = one == null ? 0 : 1;
                    if (one != null) {
                        assertEquals(expected, one, "poll out of order, lost or duplicated");
                    }
                    break;
                case 1:
                    next[0] = expected;
                    got = ring.drain(e -> assertEquals(next[0]++, e, "drain out of order"), 1 + call % 9);
                    break;
                default:
                    got = ring.pollBurst(burst, 0, 1 + call % burst.length);
                    for (int i = 0; i < got; i++) {
                        assertEquals(expected + i, burst[i], "pollBurst out of order");
                    }
                    break;
            }
            expected += got;
            if (got == 0) {
                LockSupport.parkNanos(1_000);
            }
        }
        producer.join(TimeUnit.SECONDS.toMillis(10));
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(PER_PRODUCER, expected);
        assertTrue(ring.isEmpty());
        assertEquals(PER_PRODUCER, ring.enqueuedCount());
        assertEquals(PER_PRODUCER, ring.dequeuedCount());
    }

    @Test
    void closeDuringOffersLosesNothing() throws Exception {
        for (int round = 0; round < 50; round++) {
            MpscRing<Long> ring = new MpscRing<>(1024);
            final int producers = 3;
            long[] accepted = new long[producers];
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                final int id = p;
                threads.add(new Thread(() -> {
                    int seq = 0;
                    while (true) {
                        int r = ring.offer(encode(id, seq));
                        if (r == MpscRing.CLOSED) {
                            break;
                        }
                        if (r == Ring.FULL) {
                            LockSupport.parkNanos(1_000);
                            continue;
                        }
                        seq++;
                    }
                    accepted[id] = seq;
                }));
            }
            threads.forEach(Thread::start);
            long consumed = 0;
            int[] next = new int[producers];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (consumed < 20_000 && System.nanoTime() < deadline) {
                Long e = ring.poll();
                if (e == null) {
                    Thread.onSpinWait();
                    continue;
                }
                assertEquals(next[(int) (e >>> 32)]++, (int) (long) e);
                consumed++;
            }
            ring.close();
            while (!ring.isDrained() && System.nanoTime() < deadline) {
                Long e = ring.poll();
                if (e != null) {
                    assertEquals(next[(int) (e >>> 32)]++, (int) (long) e);
                }
            }
            assertTrue(ring.isDrained(), "drained before the deadline");
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            for (int p = 0; p < producers; p++) {
                assertEquals(accepted[p], next[p], "every accepted element of producer " + p + " consumed");
            }
        }
    }

    private static void produce(Ring<Long> ring, int id, boolean burst, AtomicReference<Throwable> failure) {
        try {
            Long[] batch = new Long[8];
            int seq = 0;
            long deadline = System.nanoTime() + DEADLINE_NANOS;
            while (seq < PER_PRODUCER && System.nanoTime() < deadline) {
                if (burst) {
                    int n = Math.min(1 + seq % 8, PER_PRODUCER - seq);
                    for (int i = 0; i < n; i++) {
                        batch[i] = encode(id, seq + i);
                    }
                    int in = ring.offerBurst(batch, 0, n);
                    seq += in;
                    if (in == 0) {
                        LockSupport.parkNanos(1_000);
                    }
                } else if (ring.offer(encode(id, seq)) >= 0) {
                    seq++;
                } else {
                    LockSupport.parkNanos(1_000);
                }
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private static void consumeAndCheck(Ring<Long> ring, int producers, AtomicReference<Throwable> failure) {
        int[] next = new int[producers];
        long total = (long) producers * PER_PRODUCER;
        long seen = 0;
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        Long[] burst = new Long[16];
        int idle = 0;
        while (seen < total && failure.get() == null) {
            assertTrue(System.nanoTime() < deadline, "consumer timed out after " + seen + " of " + total);
            int n = ring.pollBurst(burst, 0, burst.length);
            if (n == 0) {
                if (++idle > 100) {
                    LockSupport.parkNanos(10_000);
                }
                continue;
            }
            idle = 0;
            for (int i = 0; i < n; i++) {
                long e = burst[i];
                int producer = (int) (e >>> 32);
                int seq = (int) e;
                assertEquals(next[producer], seq, "producer " + producer + " out of order or duplicated");
                next[producer]++;
            }
            seen += n;
        }
        for (int p = 0; p < producers; p++) {
            assertEquals(PER_PRODUCER, next[p]);
        }
    }
}
