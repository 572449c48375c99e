package io.corepin.bench;

import io.corepin.ring.MpscRing;
import io.corepin.ring.Ring;
import io.corepin.ring.SpscRing;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.QueuedPipe;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One producer thread → one consumer thread (two cores), as in JCTools' {@code QueueThroughputBackoffNone}: a JMH
 * {@link Group} with one {@code producer} and one {@code consumer} thread hammering the same queue.
 *
 * <p><b>Read the {@code polled} counter, not the primary score.</b> JMH's primary score for the group counts
 * <em>calls</em> of both methods, failed ones included, which means nothing. The per-thread {@link Counters} count
 * elements: {@code polled} (consumer, elements that made it through: the headline, in elements/µs = Melements/s),
 * {@code offered} (producer), and the calls that moved nothing: {@code offerFailed} (queue full) and
 * {@code pollFailed} (queue empty). {@code bench/ring-table.py} turns the JSON into the tables in RESULTS.md.
 *
 * <p><b>Operations</b>, per {@link #burst}:
 * <ul>
 *   <li>corepin {@link MpscRing} / {@link SpscRing}: {@code offer} + {@code poll}; bursts {@code offerBurst} (one
 *       claim per burst) + {@code drain(Consumer, limit)} (one consumer-index store per burst).</li>
 *   <li>JCTools {@link MpscArrayQueue} / {@link SpscArrayQueue}: {@code offer} + {@code relaxedPoll}; bursts
 *       {@code fill(Supplier, limit)} (one claim per burst) + {@code drain(Consumer, limit)}.</li>
 *   <li>Agrona {@link ManyToOneConcurrentArrayQueue} / {@link OneToOneConcurrentArrayQueue}: {@code offer} +
 *       {@code poll}; Agrona has no burst enqueue, so a burst is <em>a loop of {@code offer}s</em> (stopping at the
 *       first refusal), dequeued with {@code drain(Consumer, limit)}.</li>
 * </ul>
 * Every queue has capacity {@value #CAPACITY}. Each side calls {@link Thread#onSpinWait()} after a call that moved
 * nothing, the same for every implementation. Each fork builds exactly one implementation, so the {@link Adapter}
 * call sites stay monomorphic.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms1g", "-Xmx1g"})
public class RingThroughput {
    /** The same capacity for every queue. */
    public static final int CAPACITY = 8192;
    /** The element every producer sends: a cached {@code Integer}, so nothing is allocated per element. */
    static final Integer ELEMENT = 42;

    /** {@code corepin-mpsc} is the baseline the tables compare against. */
    @Param({"corepin-mpsc", "corepin-spsc", "jctools-mpsc", "jctools-spsc", "agrona-mpsc", "agrona-spsc"})
    public String impl;

    /** Elements per producer call and maximum elements per consumer call; 1 means single offer / poll. */
    @Param({"1", "8", "32"})
    public int burst;

    private Adapter queue;
    private final Integer[] batch = new Integer[32];

    /** Per-thread counters, reported by JMH per microsecond next to the score (summed over the two threads). */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counters {
        /** Elements the producer enqueued. */
        public long offered;
        /** Producer calls that enqueued nothing (queue full). */
        public long offerFailed;
        /** Elements the consumer dequeued: the headline figure. */
        public long polled;
        /** Consumer calls that dequeued nothing (queue empty). */
        public long pollFailed;

        @Setup(Level.Iteration)
        public void reset() {
            offered = 0;
            offerFailed = 0;
            polled = 0;
            pollFailed = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        if (burst < 1 || burst > batch.length) {
            throw new IllegalArgumentException("burst must be in [1, " + batch.length + "], got " + burst);
        }
        Arrays.fill(batch, ELEMENT);
        queue = create(impl);
    }

    static Adapter create(String impl) {
        switch (impl) {
            case "corepin-mpsc": return new CorepinAdapter(new MpscRing<>(CAPACITY));
            case "corepin-spsc": return new CorepinAdapter(new SpscRing<>(CAPACITY));
            case "jctools-mpsc": return new JcToolsAdapter(new MpscArrayQueue<>(CAPACITY));
            case "jctools-spsc": return new JcToolsAdapter(new SpscArrayQueue<>(CAPACITY));
            case "agrona-mpsc": return new AgronaAdapter(new ManyToOneConcurrentArrayQueue<>(CAPACITY));
            case "agrona-spsc": return new AgronaAdapter(new OneToOneConcurrentArrayQueue<>(CAPACITY));
            default: throw new IllegalArgumentException("unknown impl " + impl);
        }
    }

    @Benchmark
    @Group("transfer")
    @GroupThreads(1)
    public void producer(Counters c) {
        final int n = queue.offer(batch, burst);
        if (n > 0) {
            c.offered += n;
        } else {
            c.offerFailed++;
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("transfer")
    @GroupThreads(1)
    public void consumer(Counters c) {
        final int n = queue.poll(burst);
        if (n > 0) {
            c.polled += n;
        } else {
            c.pollFailed++;
            Thread.onSpinWait();
        }
    }

    /** One implementation's single and burst operations; both return the number of elements moved. */
    interface Adapter {
        /** Enqueues {@code batch[0 .. n)}, or as many of them as fit. */
        int offer(Integer[] batch, int n);

        /** Dequeues up to {@code n} elements into the {@link Sink}. */
        int poll(int n);
    }

    /**
     * Consumes each element with a check the JIT cannot drop (the loads that produce it are acquire loads anyway).
     * One instance per adapter; consumer thread only.
     */
    static final class Sink implements Consumer<Integer>, MessagePassingQueue.Consumer<Integer> {
        int strays;

        @Override
        public void accept(Integer e) {
            if (e != ELEMENT) {
                strays++;
            }
        }
    }

    static final class CorepinAdapter implements Adapter {
        private final Ring<Integer> ring;
        private final Sink sink = new Sink();

        CorepinAdapter(Ring<Integer> ring) {
            this.ring = ring;
        }

        @Override
        public int offer(Integer[] batch, int n) {
            if (n == 1) {
                return ring.offer(batch[0]) >= 0 ? 1 : 0; // free space left, or FULL (-1)
            }
            return ring.offerBurst(batch, 0, n);
        }

        @Override
        public int poll(int n) {
            if (n == 1) {
                final Integer e = ring.poll();
                if (e == null) {
                    return 0;
                }
                sink.accept(e);
                return 1;
            }
            return ring.drain(sink, n);
        }
    }

    static final class JcToolsAdapter implements Adapter {
        private final MessagePassingQueue<Integer> queue;
        private final Sink sink = new Sink();
        private final MessagePassingQueue.Supplier<Integer> supplier = () -> ELEMENT;

        JcToolsAdapter(MessagePassingQueue<Integer> queue) {
            this.queue = queue;
        }

        @Override
        public int offer(Integer[] batch, int n) {
            if (n == 1) {
                return queue.offer(batch[0]) ? 1 : 0;
            }
            return queue.fill(supplier, n);
        }

        @Override
        public int poll(int n) {
            if (n == 1) {
                final Integer e = queue.relaxedPoll();
                if (e == null) {
                    return 0;
                }
                sink.accept(e);
                return 1;
            }
            return queue.drain(sink, n);
        }
    }

    static final class AgronaAdapter implements Adapter {
        private final QueuedPipe<Integer> queue;
        private final Sink sink = new Sink();

        AgronaAdapter(QueuedPipe<Integer> queue) {
            this.queue = queue;
        }

        @Override
        public int offer(Integer[] batch, int n) {
            int done = 0;
            while (done < n && queue.offer(batch[done])) { // Agrona has no burst enqueue: a loop of offers
                done++;
            }
            return done;
        }

        @Override
        public int poll(int n) {
            if (n == 1) {
                final Integer e = queue.poll();
                if (e == null) {
                    return 0;
                }
                sink.accept(e);
                return 1;
            }
            return queue.drain(sink, n);
        }
    }
}
