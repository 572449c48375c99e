package io.corepin.bench;

import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.Pinning;
import io.corepin.ring.MpscRing;
import io.corepin.ring.Ring;
import io.corepin.ring.SpscRing;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DPDK's {@code ring_perf_autotest} "two physical cores" bulk test ({@code app/test/test_ring_perf.c},
 * {@code enqueue_dequeue_bulk_helper} and {@code run_on_core_pair}, DPDK 22.11 as Debian ships it) in JMH.
 *
 * <p><b>DPDK's shape.</b> One ring of {@code RING_SIZE} 4096 slots. The main lcore runs {@code enqueue_bulk}: 2^15
 * times, {@code rte_ring_{sp,mp}_enqueue_bulk} of {@code bsize} (8 or 32) pointers, retried after
 * {@code rte_pause()} while it returns 0 (bulk = all or nothing). The other lcore runs {@code dequeue_bulk} the same
 * way with {@code rte_ring_{sc,mc}_dequeue_bulk}. Each thread takes {@code rte_rdtsc()} around its own loop and
 * divides by {@code iterations * bsize}; the printed figure is the <em>sum</em> of the two threads' cycles per
 * element. The SP/SC row uses the single-thread entry points; the MP/MC row the same two threads with the CAS
 * entry points (one producer, one consumer: the CAS never loses, but is paid).
 *
 * <p><b>Here.</b> A JMH {@link Group} with one {@code enqueue} and one {@code dequeue} thread on one queue of 4096
 * slots; one invocation is DPDK's loop: {@link #ITERATIONS} (2^15) bulks of {@link #bulk} elements, each completed
 * (spin with {@link Thread#onSpinWait()} — x86 {@code pause}, as {@code rte_pause()} — while the queue refuses).
 * {@link Mode#SingleShotTime} times each thread's loop, as DPDK's {@code rte_rdtsc()} pair does, once per iteration
 * (JMH starts both threads' iterations together); many warm-up shots let C2 compile the loop first, which DPDK's C
 * does not need. {@code bench/ring-vs-dpdk-table.py} adds the two threads' times of each shot, divides by the
 * elements and multiplies by the TSC frequency: DPDK's figure, in the same units. Short shots (milliseconds, like
 * DPDK's) also let the fastest shots show the queue on a machine whose other users take the CPUs now and then. Elements: one cached object (DPDK enqueues the same NULL
 * pointers), dequeued into a {@code dst} array, as DPDK's {@code obj_table}.
 *
 * <ul>
 *   <li>{@code corepin-spsc}: {@link SpscRing#offerBulk} (all or nothing, as {@code sp_enqueue_bulk}) and
 *       {@link Ring#pollBurst} (corepin has no all-or-nothing dequeue; the loop asks again for what is missing, as
 *       DPDK's current test does for bursts).</li>
 *   <li>{@code corepin-mpsc}: the same calls on {@link MpscRing} — the closest corepin shape to DPDK's MP/MC row:
 *       the producer pays the claim CAS ({@code mp_enqueue_bulk}'s CAS on {@code prod.head}), but the consumer is
 *       single-consumer and pays no CAS, where {@code mc_dequeue_bulk} CASes {@code cons.head}. corepin has no
 *       multi-consumer ring.</li>
 *   <li>{@code jctools-spsc} / {@code jctools-mpsc}: {@link SpscArrayQueue} / {@link MpscArrayQueue} with their bulk
 *       API, {@code fill(Supplier, limit)} and {@code drain(Consumer, limit)} (both "up to limit": looped until the
 *       bulk is complete).</li>
 * </ul>
 * Each fork builds exactly one implementation (monomorphic call sites). As {@code dpdk-test -l 0-1} pins
 * its enqueue lcore to CPU 0 and its dequeue lcore to CPU 1, the enqueue thread pins itself to the first CPU of
 * {@link #pin} and the dequeue thread to the second ({@code none}: both unpinned): on a machine shared with other
 * work, unpinned spinning threads may end up time-sharing one CPU, which measures the scheduler's slice, not the
 * queue.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 40, batchSize = 1)
@Measurement(iterations = 60, batchSize = 1)
@Timeout(time = 30, timeUnit = TimeUnit.SECONDS)
@Fork(value = 5, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
public class RingVsDpdk {
    /** DPDK 22.11's {@code iterations = 1 << iter_shift}, {@code iter_shift = 15}: bulks per thread per shot. */
    public static final int ITERATIONS = 1 << 15;
    /** DPDK's {@code RING_SIZE}. */
    public static final int SIZE = 4096;
    /** The element: a cached {@code Integer}, so nothing is allocated per element. */
    static final Integer ELEMENT = 42;

    @Param({"corepin-spsc", "jctools-spsc", "corepin-mpsc", "jctools-mpsc"})
    public String impl;

    /** DPDK 22.11's {@code bulk_sizes}. */
    @Param({"8", "32"})
    public int bulk;

    /** {@code "enq,deq"} CPUs, DPDK's {@code -l 0-1} by default; {@code none}: unpinned. */
    @Param({"0,1"})
    public String pin;

    private Adapter queue;
    private Integer[] src;
    private Object[] dst;

    @Setup(Level.Trial)
    public void setUp() {
        if (bulk < 1 || bulk > SIZE) {
            throw new IllegalArgumentException("bulk must be in [1, " + SIZE + "], got " + bulk);
        }
        src = new Integer[bulk];
        Arrays.fill(src, ELEMENT);
        dst = new Object[bulk];
        queue = create(impl);
    }

    @TearDown(Level.Trial)
    public void checkElements() {
        for (Object o : dst) {
            if (o != null && o != ELEMENT) {
                throw new IllegalStateException("dequeued a stray element " + o);
            }
        }
    }

    static Adapter create(String impl) {
        switch (impl) {
            case "corepin-spsc": return new CorepinAdapter(new SpscRing<>(SIZE));
            case "corepin-mpsc": return new CorepinAdapter(new MpscRing<>(SIZE));
            case "jctools-spsc": return new JcToolsAdapter(new SpscArrayQueue<>(SIZE));
            case "jctools-mpsc": return new JcToolsAdapter(new MpscArrayQueue<>(SIZE));
            default: throw new IllegalArgumentException("unknown impl " + impl);
        }
    }

    static int cpu(String pin, int side) {
        if ("none".equals(pin)) {
            return AffinityPlan.UNPINNED;
        }
        final String[] cpus = pin.split(",");
        if (cpus.length != 2) {
            throw new IllegalArgumentException("pin must be 'enq,deq' CPUs or 'none', got " + pin);
        }
        return Integer.parseInt(cpus[side].trim());
    }

    static void pinTo(int cpu) {
        if (cpu != AffinityPlan.UNPINNED && Pinning.pinCurrentThread(cpu) != cpu) {
            throw new IllegalStateException("could not pin " + Thread.currentThread().getName() + " to CPU " + cpu);
        }
    }

    /** The enqueue thread's own state: its {@code @Setup} runs on that thread, and pins it. */
    @State(Scope.Thread)
    public static class EnqueueThread {
        @Setup(Level.Trial)
        public void pin(RingVsDpdk bench) {
            pinTo(cpu(bench.pin, 0));
        }
    }

    /** The dequeue thread's own state: pins it. */
    @State(Scope.Thread)
    public static class DequeueThread {
        @Setup(Level.Trial)
        public void pin(RingVsDpdk bench) {
            pinTo(cpu(bench.pin, 1));
        }
    }

    /**
     * {@code enqueue_bulk}: {@link #ITERATIONS} bulks of {@link #bulk}, each retried until the queue took all of it.
     * Both threads move the same number of elements, so each shot ends with the queue empty.
     */
    @Benchmark
    @Group("bulk")
    @GroupThreads(1)
    public void enqueue(EnqueueThread self) {
        final Adapter q = queue;
        final Integer[] s = src;
        final int n = bulk;
        for (int i = 0; i < ITERATIONS; i++) {
            int done = 0;
            while (true) {
                done += q.enqueue(s, done, n - done);
                if (done == n) {
                    break;
                }
                Thread.onSpinWait(); // rte_pause()
            }
        }
    }

    /** {@code dequeue_bulk}: {@link #ITERATIONS} bulks of {@link #bulk} into {@code dst}, each until all of it came. */
    @Benchmark
    @Group("bulk")
    @GroupThreads(1)
    public void dequeue(DequeueThread self) {
        final Adapter q = queue;
        final Object[] d = dst;
        final int n = bulk;
        for (int i = 0; i < ITERATIONS; i++) {
            int done = 0;
            while (true) {
                done += q.dequeue(d, done, n - done);
                if (done == n) {
                    break;
                }
                Thread.onSpinWait(); // rte_pause()
            }
        }
    }

    abstract static class Adapter {
        /** Enqueues {@code src[offset, offset + count)} or a part of it; returns how many, {@code >= 0}. */
        abstract int enqueue(Integer[] src, int offset, int count);

        /** Dequeues up to {@code count} into {@code dst[offset..]}; returns how many. */
        abstract int dequeue(Object[] dst, int offset, int count);
    }

    static final class CorepinAdapter extends Adapter {
        private final Ring<Object> ring;

        CorepinAdapter(Ring<Object> ring) {
            this.ring = ring;
        }

        @Override
        int enqueue(Integer[] src, int offset, int count) {
            final int n = ring.offerBulk(src, offset, count); // all or nothing: count, or FULL (-1)
            return n < 0 ? 0 : n;
        }

        @Override
        int dequeue(Object[] dst, int offset, int count) {
            return ring.pollBurst(dst, offset, count);
        }
    }

    static final class JcToolsAdapter extends Adapter {
        private final MessagePassingQueue<Object> queue;
        private final Sink sink = new Sink();
        private final MessagePassingQueue.Supplier<Object> supplier = () -> ELEMENT;

        JcToolsAdapter(MessagePassingQueue<Object> queue) {
            this.queue = queue;
        }

        @Override
        int enqueue(Integer[] src, int offset, int count) {
            return queue.fill(supplier, count);
        }

        @Override
        int dequeue(Object[] dst, int offset, int count) {
            sink.dst = dst;
            sink.next = offset;
            return queue.drain(sink, count);
        }
    }

    /** JCTools drains through a callback: this one writes each element into {@code dst}, as DPDK's obj_table. */
    static final class Sink implements MessagePassingQueue.Consumer<Object> {
        Object[] dst;
        int next;

        @Override
        public void accept(Object e) {
            dst[next++] = e;
        }
    }
}
