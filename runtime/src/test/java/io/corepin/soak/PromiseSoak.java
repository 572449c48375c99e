package io.corepin.soak;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.Promise;
import io.corepin.affinity.AffinityPlan;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Promises across Execs. Producer threads start, for each unit, a chain owned by the key's Exec X that crosses to
 * another Exec Y and comes back, in one of three shapes:
 * <ol start="0">
 *   <li>{@code X.submit(head).thenCompose(v -> Y.call(..)).thenApply(..).whenComplete(tail)};
 *   <li>{@code X.submit(head).thenCombine(p.thenApply(..), ..).whenComplete(tail)} with {@code p} a
 *       {@code Promise} of X completed by a plain thread;
 *   <li>{@code X.spawn(() -> { head; return Y.call(..); }).thenApply(..).whenComplete(tail)}.
 * </ol>
 * Checked: each accepted head runs once, in submit order per (producer, key) (after shutdownNow: ran + handed back
 * + cancelled = accepted); after a graceful round every tail runs once with the unit's value; every continuation
 * of a Promise owned by X — {@code thenApply}, the {@code thenCombine} function, {@code whenComplete} — runs with
 * {@code Exec.current() == X}.
 */
public final class PromiseSoak {
    static final String FEATURE = "promises";
    private static final int KEYS = 64;

    private final Soak soak;
    private final Soak.End end;
    private final Books heads;
    private final Books tails;
    private final ExecGroup group;
    private final Promise<?>[] headPromise;
    /** Chains whose whenComplete ran (with a value or a failure). */
    private final java.util.concurrent.atomic.AtomicInteger tailsDone = new java.util.concurrent.atomic.AtomicInteger();
    private final LinkedBlockingQueue<PlainCompletion> toComplete = new LinkedBlockingQueue<>();
    private final AtomicBoolean producersDone = new AtomicBoolean();
    private static final int IN_FLIGHT = 256;
    private final Semaphore[] permits;

    private PromiseSoak(Soak soak, Soak.End end) {
        this.soak = soak;
        this.end = end;
        this.heads = new Books(FEATURE + " (heads)", soak.units, soak.producers, KEYS * 2);
        this.tails = new Books(FEATURE + " (continuations)", soak.units, 1, 1);
        this.headPromise = new Promise<?>[soak.units];
        this.permits = new Semaphore[soak.producers];
        for (int p = 0; p < soak.producers; p++) {
            permits[p] = new Semaphore(IN_FLIGHT);
        }
        this.group = ExecGroup.builder().affinity(AffinityPlan.unpinned(soak.execs))
            .backpressure(io.corepin.Backpressure.block(Duration.ofSeconds(Soak.WAIT_SECONDS)))
            .execSettings(Soak.execSettings("soak-promise", tails)).build();
    }

    /** One round; throws AssertionError naming what broke. */
    public static void run(Soak soak, Soak.End end) throws InterruptedException {
        new PromiseSoak(soak, end).round();
    }

    /** The head of a unit: the first work, on X. */
    private Integer head(Exec x, int id, int producer, int stream, long seq) {
        heads.placement(x, "head", id);
        heads.observe(producer, stream, seq);
        heads.ran(id);
        return id;
    }

    private void checkOnOwner(Exec x, String what, int id) {
        if (end == Soak.End.GRACEFUL || !x.isShutdown()) { // after a shutdownNow, late continuations may run anywhere
            tails.placement(x, what, id);
        }
    }

    private void tail(Exec x, int id, Object value, Throwable failure) {
        checkOnOwner(x, "whenComplete", id);
        if (failure == null) {
            if (!Integer.valueOf(id).equals(value)) {
                tails.fail("id " + id + ": the chain completed with " + value);
            }
            if (!heads.hasRun(id)) {
                tails.fail("id " + id + ": the chain completed but its head never ran");
            }
            tails.ran(id);
        } else if (end == Soak.End.GRACEFUL) {
            tails.fail("id " + id + ": the chain failed in a graceful round: " + failure);
        } else {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            if (!(cause instanceof CancellationException
                || cause instanceof java.util.concurrent.RejectedExecutionException)) {
                tails.fail("id " + id + ": the chain failed with " + failure + " (expected a cancellation or refusal)");
            }
            tails.cancelled(id);
        }
    }

    /**
     * Builds unit {@code id}'s chain, on the calling thread: the producer's, or X's own (a {@link OnX}), as code
     * running on an Exec composes.
     */
    private CompletableFuture<?> chain(int id, int producer, int stream, long seq) {
        int xi = group.indexFor(stream / 2);
        Exec x = group.exec(xi);
        Exec y = group.exec((xi + 1) % group.size());
        CompletableFuture<Integer> last;
        switch (id % 4) {
            case 0: {
                Promise<Integer> h = x.submit(() -> head(x, id, producer, stream, seq));
                headPromise[id] = h;
                last = h.thenCompose(v -> y.call(() -> v)).thenApply(v -> {
                    checkOnOwner(x, "thenApply after a thenCompose to " + y.name(), id);
                    return v;
                });
                break;
            }
            case 1: {
                CompletableFuture<Integer> plain = new CompletableFuture<>();
                Promise<Integer> h = x.submit(() -> head(x, id, producer, stream, seq));
                headPromise[id] = h;
                last = h.thenCombine(plain, (a, b) -> {
                    checkOnOwner(x, "thenCombine function (other stage completed by a plain thread)", id);
                    return a.equals(b) ? a : -1;
                });
                toComplete.add(new PlainCompletion(plain, id));
                break;
            }
            case 2: {
                Promise<Integer> h = x.spawn(() -> {
                    head(x, id, producer, stream, seq);
                    return y.call(() -> id); // from X: the backlog takes it when Y's ring is full
                });
                headPromise[id] = h;
                last = h.thenApply(v -> {
                    checkOnOwner(x, "thenApply of a spawn whose body's stage " + y.name() + " completes", id);
                    return v;
                });
                break;
            }
            default: {
                Promise<Integer> plain = new Promise<>(x);
                Promise<Integer> h = x.submit(() -> head(x, id, producer, stream, seq));
                headPromise[id] = h;
                last = h.thenCompose(v -> plain).handle((v, e) -> {
                    checkOnOwner(x, "handle after a thenCompose to a Promise completed by a plain thread", id);
                    if (e != null) {
                        throw e instanceof CompletionException ? (CompletionException) e : new CompletionException(e);
                    }
                    return v;
                });
                toComplete.add(new PlainCompletion(plain, id));
                break;
            }
        }
        return last.whenComplete((v, e) -> {
            tail(x, id, v, e);
            tailsDone.incrementAndGet();
            permits[producer].release();
        });
    }

    /** Builds a unit's chain on X's own thread, where {@code then*} registers without the owner hop. */
    private final class OnX implements Runnable {
        final int id;
        final int producer;
        final int stream;
        final long seq;

        OnX(int id, int producer, int stream, long seq) {
            this.id = id;
            this.producer = producer;
            this.stream = stream;
            this.seq = seq;
        }

        @Override
        public void run() {
            chain(id, producer, stream, seq);
        }
    }

    /** A bound on a producer's chains in flight: fewer than a ring holds, so no hop meets a full ring. */
    private boolean acquire(int p) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(Soak.WAIT_SECONDS);
        while (!permits[p].tryAcquire(10, TimeUnit.MILLISECONDS)) {
            if (group.isShutdown()) {
                return false;
            }
            if (System.nanoTime() - giveUp > 0) {
                throw new AssertionError("[" + FEATURE + "] producer " + p + ": no chain of its " + IN_FLIGHT
                    + " in flight completed within " + Soak.WAIT_SECONDS + " s");
            }
        }
        return true;
    }

    private void produce(int p) {
        int per = soak.perProducer();
        long[] seqOfKey = new long[KEYS * 2];
        try {
            for (int i = 0; i < per; i++) {
                if ((i & 255) == 0 && soak.pastDeadline() || !acquire(p)) {
                    return;
                }
                int id = p * per + i;
                int key = Soak.keyOf(i, KEYS);
                boolean onX = (i / 4) % 2 == 1;
                // two order streams per key: heads submitted by the producer (ring), and heads submitted on X by
                // the OnX tasks the producer sent there (local queue, in the ring order of those tasks)
                int stream = key * 2 + (onX ? 1 : 0);
                long seq = seqOfKey[stream];
                boolean accepted = Soak.retry(group, () -> {
                    if (onX) {
                        group.execFor(key).execute(new OnX(id, p, stream, seq));
                    } else {
                        chain(id, p, stream, seq);
                    }
                });
                if (!accepted) {
                    return;
                }
                seqOfKey[stream]++;
                heads.accept(id);
                tails.accept(id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Completes plain promises from a thread that is no Exec's. */
    private void complete(int c) {
        try {
            while (true) {
                PlainCompletion p = toComplete.poll(5, TimeUnit.MILLISECONDS);
                if (p == null) {
                    if (producersDone.get() && toComplete.isEmpty()) {
                        return;
                    }
                    continue;
                }
                p.promise.complete(p.id); // the head's id, which the thenCombine function compares with
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A promise of X for a plain thread to complete with the unit's id. */
    private record PlainCompletion(CompletableFuture<Integer> promise, int id) { }

    private void round() throws InterruptedException {
        List<Thread> completers = Soak.start("soak-promise-completer", 1, this::complete);
        try {
            List<Thread> producers = Soak.start("soak-promise-producer", soak.producers, this::produce);
            if (end == Soak.End.NOW_DURING_LOAD) {
                Soak.sleepIntoTheRun(soak.units / 2);
                List<Runnable> back = Soak.closeNow(FEATURE, group);
                Soak.join(FEATURE, producers);
                producersDone.set(true);
                Soak.join(FEATURE, completers);
                Map<Object, Boolean> handed = new IdentityHashMap<>();
                for (Runnable r : back) {
                    if (r instanceof OnX) {
                        heads.handedBack(((OnX) r).id); // its chain was never built
                    } else {
                        handed.put(r, Boolean.TRUE);
                    }
                }
                for (int id = 0; id < soak.units; id++) {
                    Promise<?> h = headPromise[id];
                    if (h == null || heads.hasRun(id) || heads.hasCameBack(id)) {
                        continue;
                    }
                    if (handed.remove(h) != null) {
                        heads.handedBack(id);
                    } else if (h.isCancelled()) {
                        heads.cancelled(id);
                    }
                }
                for (Object r : handed.keySet()) {
                    if (!(r instanceof Promise)) { // a Promise left: an inner Y.submit (the user's to run or drop)
                        heads.handedBackStranger((Runnable) r);
                    }
                }
                for (int id = 0; id < soak.units; id++) {
                    if (tails.hasAccepted(id) && !tails.hasRun(id) && !tails.hasCameBack(id)) {
                        // its head or its inner step on Y was handed back (the user's to run or drop), or
                        // cancelled by the close: the chain waits on it; what completed was checked in tail()
                        tails.cancelled(id);
                    }
                }
                Books.verifyAll(end.toString(), true, heads, tails);
            } else {
                Soak.join(FEATURE, producers);
                producersDone.set(true);
                Soak.join(FEATURE, completers);
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(Soak.WAIT_SECONDS);
                while (tailsDone.get() < tails.accepted() && System.nanoTime() - giveUp < 0) {
                    TimeUnit.MILLISECONDS.sleep(1);
                }
                if (tailsDone.get() < tails.accepted()) {
                    tails.fail((tails.accepted() - tailsDone.get()) + " chains did not complete within "
                        + Soak.WAIT_SECONDS + " s");
                }
                Soak.closeGracefully(FEATURE, group);
                Books.verifyAll(end.toString(), false, heads, tails);
            }
        } finally {
            producersDone.set(true);
            group.shutdownNow();
        }
    }
}
