package io.corepin;

import io.corepin.affinity.AffinityPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One soak run: {@code producers} threads push numbered tasks into an {@link ExecGroup} of {@code execs} Execs under
 * {@link Backpressure#block}, half of them keyed ({@link ExecGroup#execute(long, Runnable)}), half through the
 * balancer; a fraction of the tasks fault (throw, overflow the stack for real, or interrupt their thread). The run
 * ends with a graceful close, or — when asked — a close (graceful or {@code shutdownNow}) at a random moment while
 * the producers are still pushing.
 *
 * <p>What {@link #verify()} proves, per producer: the tasks that ran plus those handed back by {@code shutdownNow}
 * are exactly the tasks that were accepted — same count and same two independent checksums of their sequence
 * numbers (a task lost and another run twice would have to collide in both) — keyed tasks ran on their key's Exec in
 * submit order (sequence numbers strictly increase per key, which also catches any keyed task run twice), and every
 * thrown fault was counted by its Exec and reached the error handler.
 *
 * <p>The books are written only by Exec threads, each Exec into its own {@link Book} with plain stores (keys belong to
 * one Exec each, so the per-key array is single-writer per element too); they are read after the group has
 * terminated, which orders every write before the reads.
 */
final class SoakRun {
    /** How the run ends. */
    enum Close { AT_END, GRACEFUL_DURING_LOAD, NOW_DURING_LOAD }

    static final int KEYS_PER_PRODUCER = 256;
    private static final byte NO_FAULT = 0;
    private static final byte THROW = 1;
    private static final byte OVERFLOW = 2;
    private static final byte INTERRUPT = 3;

    private final int producers;
    private final long tasksPerProducer;
    private final int faultEvery;
    private final Close close;
    private final long deadline;
    private final ExecGroup group;
    private final Exec[] execs;
    private final Book[] books;
    private final long[] lastSeqByKey;
    private final LongAdder handled = new LongAdder();
    private final AtomicLong offExec = new AtomicLong();
    private final long[] acceptedCount;
    private final long[] acceptedSum;
    private final long[] acceptedSum2;
    private final long[] handedCount;
    private final long[] handedSum;
    private final long[] handedSum2;
    private final long[] rejectedFull;
    private long submitted;
    private long elapsedNanos;
    private boolean stoppedByDeadline;

    /** What one Exec's thread recorded; plain fields, written by that thread only. */
    static final class Book {
        final long[] ran;
        final long[] sum;
        final long[] sum2;
        long faults;
        long interrupts;
        long orderViolations;
        long wrongExec;

        Book(int producers) {
            ran = new long[producers];
            sum = new long[producers];
            sum2 = new long[producers];
        }
    }

    SoakRun(int producers, int execs, long tasks, int faultEvery, Close close, long deadlineNanos) {
        this.producers = producers;
        this.tasksPerProducer = tasks / producers;
        this.faultEvery = faultEvery;
        this.close = close;
        this.deadline = deadlineNanos;
        this.group = ExecGroup.builder().affinity(AffinityPlan.unpinned(execs))
            .backpressure(Backpressure.block(Duration.ofSeconds(60)))
            .execSettings(Exec.builder().name("soak").daemon(true).ringCapacity(1024)
                .errorHandler((exec, task, error) -> {
                    if (!(error instanceof IllegalStateException || error instanceof StackOverflowError)) {
                        error.printStackTrace();
                    }
                    handled.increment();
                }))
            .build();
        this.execs = new Exec[execs];
        this.books = new Book[execs];
        for (int i = 0; i < execs; i++) {
            this.execs[i] = group.exec(i);
            this.books[i] = new Book(producers);
        }
        this.lastSeqByKey = new long[producers * KEYS_PER_PRODUCER];
        java.util.Arrays.fill(lastSeqByKey, -1);
        acceptedCount = new long[producers];
        acceptedSum = new long[producers];
        acceptedSum2 = new long[producers];
        handedCount = new long[producers];
        handedSum = new long[producers];
        handedSum2 = new long[producers];
        rejectedFull = new long[producers];
    }

    /** First checksum: MurmurHash3's finaliser of the (producer, seq) pair. */
    static long mix(int producer, long seq) {
        long h = seq * 0x9E3779B97F4A7C15L + producer;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Second, independent checksum (a different multiplier and rotation). */
    static long mix2(int producer, long seq) {
        long h = Long.rotateLeft(seq, 17) * 0xD6E8FEB86659FD93L ^ ((long) producer << 40);
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        return h ^ (h >>> 29);
    }

    private static int recurse(int depth) {
        return depth == Integer.MAX_VALUE ? depth : recurse(depth + 1) + 1;
    }

    /** A numbered task. */
    private final class SeqTask implements Runnable {
        final int producer;
        final long seq;
        final int key; // -1: not keyed
        final byte fault;

        SeqTask(int producer, long seq, int key, byte fault) {
            this.producer = producer;
            this.seq = seq;
            this.key = key;
            this.fault = fault;
        }

        @Override
        public void run() {
            int e = indexOf(Exec.current());
            if (e < 0) {
                offExec.incrementAndGet();
                return;
            }
            Book b = books[e]; // plain: this Exec's own book
            b.ran[producer]++;
            b.sum[producer] += mix(producer, seq);
            b.sum2[producer] += mix2(producer, seq);
            if (key >= 0) {
                if (group.indexFor(key) != e) {
                    b.wrongExec++;
                }
                if (seq <= lastSeqByKey[key]) {
                    b.orderViolations++;
                }
                lastSeqByKey[key] = seq;
            }
            switch (fault) {
                case THROW:
                    b.faults++;
                    throw new IllegalStateException("injected fault, seq " + seq);
                case OVERFLOW:
                    b.faults++;
                    recurse(0); // a real StackOverflowError
                    throw new AssertionError("no stack overflow");
                case INTERRUPT:
                    b.interrupts++;
                    Thread.currentThread().interrupt();
                    return;
                default:
                    return;
            }
        }
    }

    private int indexOf(Exec exec) {
        for (int i = 0; i < execs.length; i++) {
            if (execs[i] == exec) {
                return i;
            }
        }
        return -1;
    }

    private byte faultFor(long seq) {
        if (faultEvery <= 0 || seq % faultEvery != faultEvery - 1) {
            return NO_FAULT;
        }
        return (byte) (1 + (seq / faultEvery) % 3);
    }

    private void produce(int p) {
        for (long seq = 0; seq < tasksPerProducer; seq++) {
            if ((seq & 1023) == 0 && System.nanoTime() - deadline > 0) {
                synchronized (this) {
                    stoppedByDeadline = true;
                }
                return;
            }
            boolean keyed = (seq & 1) == 0;
            int key = keyed ? p * KEYS_PER_PRODUCER + (int) ((seq >>> 1) % KEYS_PER_PRODUCER) : -1;
            SeqTask task = new SeqTask(p, seq, key, faultFor(seq));
            try {
                if (keyed) {
                    group.execute(key, task);
                } else {
                    group.execute(task);
                }
            } catch (RejectedExecutionException e) {
                if (group.isShutdown()) {
                    return; // closed under us: this task and the rest were never accepted
                }
                rejectedFull[p]++; // the block timeout ran out (not expected): not accepted either
                continue;
            }
            acceptedCount[p]++; // plain: this producer's own slot, read after join
            acceptedSum[p] += mix(p, seq);
            acceptedSum2[p] += mix2(p, seq);
        }
    }

    /** Runs the producers to the end (or the deadline, or the close) and closes the group. */
    SoakRun run() throws InterruptedException {
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int id = p;
            Thread t = new Thread(() -> produce(id), "soak-producer-" + p);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        CompletableFuture<List<Runnable>> handedBack = null;
        if (close != Close.AT_END) {
            // somewhere in the run: 0 .. 1/3 µs per task (10^5 tasks: 0..33 ms), mostly before the producers finish
            long maxMicros = Math.max(1, tasksPerProducer * producers / 3);
            TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextLong(maxMicros));
            if (close == Close.NOW_DURING_LOAD) {
                handedBack = group.shutdownNow();
            } else {
                group.shutdown();
            }
        }
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(30));
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not finish");
            }
        }
        if (handedBack == null) {
            group.close();
        } else {
            try {
                for (Runnable r : handedBack.get(60, TimeUnit.SECONDS)) {
                    SeqTask t = (SeqTask) r;
                    handedCount[t.producer]++;
                    handedSum[t.producer] += mix(t.producer, t.seq);
                    handedSum2[t.producer] += mix2(t.producer, t.seq);
                }
            } catch (Exception e) {
                throw new AssertionError("the hand-back did not complete", e);
            }
        }
        if (!group.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the group did not terminate");
        }
        elapsedNanos = System.nanoTime() - start;
        for (int p = 0; p < producers; p++) {
            submitted += acceptedCount[p];
        }
        return this;
    }

    /** Throws {@link AssertionError} naming the first broken promise. */
    void verify() {
        long faults = 0;
        long interrupts = 0;
        long ranInAll = 0;
        for (int p = 0; p < producers; p++) {
            long ran = 0;
            long sum = 0;
            long sum2 = 0;
            for (Book b : books) {
                ran += b.ran[p];
                sum += b.sum[p];
                sum2 += b.sum2[p];
            }
            check(ran + handedCount[p] == acceptedCount[p], "producer " + p + ": accepted " + acceptedCount[p]
                + " but ran " + ran + " + handed back " + handedCount[p]);
            check(sum + handedSum[p] == acceptedSum[p], "producer " + p + ": checksum of run + handed-back tasks"
                + " differs from the accepted ones (a task lost and another run twice?)");
            check(sum2 + handedSum2[p] == acceptedSum2[p], "producer " + p + ": second checksum differs");
            ranInAll += ran;
            check(rejectedFull[p] == 0, "producer " + p + ": " + rejectedFull[p] + " tasks timed out blocking");
        }
        long taskErrors = 0;
        for (int e = 0; e < books.length; e++) {
            Book b = books[e];
            check(b.orderViolations == 0, execs[e].name() + ": " + b.orderViolations + " keyed tasks out of order");
            check(b.wrongExec == 0, execs[e].name() + ": " + b.wrongExec + " keyed tasks on the wrong Exec");
            check(execs[e].taskErrors() == b.faults,
                execs[e].name() + ": counted " + execs[e].taskErrors() + " errors, " + b.faults + " were thrown");
            faults += b.faults;
            interrupts += b.interrupts;
            taskErrors += execs[e].taskErrors();
        }
        check(offExec.get() == 0, offExec.get() + " tasks ran off their group's Execs");
        check(handled.sum() == faults, "the handler saw " + handled.sum() + " errors, " + faults + " were thrown");
        // faults are thrown by tasks that run: the ones a shutdownNow handed back throw nothing
        check(faultEvery <= 0 || ranInAll < 3L * faultEvery || faults + interrupts > 0, "no fault was injected");
        System.out.printf(Locale.ROOT, "[soak] %s: %d producers x %d Execs, %,d tasks accepted in %.2f s (%.2f M/s),"
                + " %,d handed back, %,d faults thrown and handled (%d counted), %,d interrupts%s%n",
            close, producers, execs.length, submitted, elapsedNanos / 1e9, submitted / (elapsedNanos / 1e3),
            sum(handedCount), faults, taskErrors, interrupts,
            stoppedByDeadline() ? " (stopped at the time bound)" : "");
    }

    synchronized boolean stoppedByDeadline() {
        return stoppedByDeadline;
    }

    long submitted() {
        return submitted;
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
