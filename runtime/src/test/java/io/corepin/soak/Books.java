package io.corepin.soak;

import io.corepin.Exec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The books of one soak round of one feature: exactly-once per unit id, per-(producer, key) order, and placement.
 * Written from any thread (atomic arrays: this is test instrumentation, not the code under test), read after the
 * round's Execs terminated. {@link #verify} throws one {@link AssertionError} naming the feature, every broken
 * invariant and the first offending ids.
 *
 * <ul>
 *   <li><b>exactly once</b>: an id is {@link #accept accepted} when the API call that took the unit returned
 *       normally; it is {@link #ran run}, {@link #handedBack handed back} by {@code shutdownNow}/a close, or
 *       {@link #cancelled cancelled} (an async task's {@code onCancel}, a promise cancelled by the close), or
 *       {@link #withdrawn withdrawn} by the user ({@code Timer.cancel()} returned true) — these together exactly once
 *       for every accepted id, never for an id that was not accepted.
 *   <li><b>per-key order</b>: {@link #observe} is called by the consumer with the sequence number the producer gave
 *       the unit for its (producer, key) pair; it must be larger than the last one seen for that pair.
 *   <li><b>placement</b>: {@link #placement} records each check of {@code Exec.current() == expected}.
 * </ul>
 */
final class Books {
    private static final int SHOW = 5;

    final String feature;
    private final int ids;
    private final AtomicIntegerArray accepted;
    private final AtomicIntegerArray ran;
    private final AtomicIntegerArray handed;
    private final AtomicIntegerArray cancelled;
    private final AtomicIntegerArray withdrawn;
    private final int keys;
    private final AtomicLongArray lastSeq;
    private final AtomicLong orderViolations = new AtomicLong();
    private final AtomicLong placementChecks = new AtomicLong();
    private final AtomicLong placementViolations = new AtomicLong();
    /** Per kind of check: {checks, violations}. */
    private final java.util.concurrent.ConcurrentHashMap<String, long[]> placementByWhat =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> otherFailures = new ConcurrentLinkedQueue<>();
    private final java.util.Map<String, long[]> strangers = new java.util.TreeMap<>();

    /**
     * @param ids unit ids are {@code 0 .. ids-1}
     * @param producers producer indexes {@code 0 .. producers-1} for {@link #observe}
     * @param keys keys {@code 0 .. keys-1} for {@link #observe}
     */
    Books(String feature, int ids, int producers, int keys) {
        this.feature = feature;
        this.ids = ids;
        this.accepted = new AtomicIntegerArray(ids);
        this.ran = new AtomicIntegerArray(ids);
        this.handed = new AtomicIntegerArray(ids);
        this.cancelled = new AtomicIntegerArray(ids);
        this.withdrawn = new AtomicIntegerArray(ids);
        this.keys = keys;
        this.lastSeq = new AtomicLongArray(producers * keys);
        for (int i = 0; i < producers * keys; i++) {
            lastSeq.set(i, -1);
        }
    }

    int ids() {
        return ids;
    }

    void accept(int id) {
        if (accepted.getAndIncrement(id) != 0) {
            fail("id " + id + " accepted twice (a bug in the soak itself)");
        }
    }

    void ran(int id) {
        ran.getAndIncrement(id);
    }

    void handedBack(int id) {
        handed.getAndIncrement(id);
    }

    void cancelled(int id) {
        cancelled.getAndIncrement(id);
    }

    /** The user took the unit back before it ran (a {@code Timer.cancel()} that returned true). */
    void withdrawn(int id) {
        withdrawn.getAndIncrement(id);
    }

    boolean hasAccepted(int id) {
        return accepted.get(id) != 0;
    }

    boolean hasCameBack(int id) {
        return handed.get(id) != 0 || cancelled.get(id) != 0;
    }

    boolean hasRun(int id) {
        return ran.get(id) != 0;
    }

    /** The consumer saw unit {@code seq} of (producer, key). */
    void observe(int producer, int key, long seq) {
        long prev = lastSeq.getAndSet(producer * keys + key, seq);
        if (prev >= seq) {
            orderViolations.incrementAndGet();
            example("order: (producer " + producer + ", key " + key + ") seq " + seq + " after " + prev);
        }
    }

    /** Counts a placement check: the calling thread must be {@code expected}'s. */
    void placement(Exec expected, String what, int id) {
        placementChecks.incrementAndGet();
        Exec here = Exec.current();
        long[] byWhat = placementByWhat.computeIfAbsent(what, k -> new long[2]);
        synchronized (byWhat) {
            byWhat[0]++;
            if (here != expected) {
                byWhat[1]++;
            }
        }
        if (here != expected) {
            placementViolations.incrementAndGet();
            example("placement: " + what + " of id " + id + " ran on " + (here == null
                ? "plain thread " + Thread.currentThread().getName() : here.name()) + ", not on its owner "
                + expected.name());
        }
    }

    long placementViolations() {
        return placementViolations.get();
    }

    long placementChecks() {
        return placementChecks.get();
    }

    /** Any other broken expectation (a wrong exception, a poll after finishing, ...). */
    void fail(String what) {
        if (otherFailures.size() < 20) {
            otherFailures.add(what);
        }
    }

    /** A close handed back {@code r}, which is no unit of the soak's (an internal object?). */
    synchronized void handedBackStranger(Runnable r) {
        long[] n = strangers.computeIfAbsent(r.getClass().getName(), k -> new long[1]);
        if (n[0]++ == 0) {
            example("handed back: " + r);
        }
    }

    private void example(String what) {
        if (examples.size() < 20) {
            examples.add(what);
        }
    }

    long count(AtomicIntegerArray a) {
        long n = 0;
        for (int i = 0; i < ids; i++) {
            n += a.get(i);
        }
        return n;
    }

    long accepted() {
        return count(accepted);
    }

    long ran() {
        return count(ran);
    }

    long handed() {
        return count(handed);
    }

    long cancelled() {
        return count(cancelled);
    }

    /**
     * Checks every invariant.
     *
     * @param round what this round was (printed with the failure)
     * @param backAllowed whether hand-backs/cancellations are legitimate this round (a shutdownNow, a channel that
     *     does not complete on close); without, every accepted unit must have run
     */
    void verify(String round, boolean backAllowed) {
        List<String> broken = new ArrayList<>();
        List<Integer> lost = new ArrayList<>();
        List<Integer> twice = new ArrayList<>();
        List<Integer> unaccepted = new ArrayList<>();
        List<Integer> back = new ArrayList<>();
        long nLost = 0;
        long nTwice = 0;
        long nUnaccepted = 0;
        long nBack = 0;
        for (int i = 0; i < ids; i++) {
            int done = ran.get(i) + handed.get(i) + cancelled.get(i) + withdrawn.get(i);
            if (accepted.get(i) == 0) {
                if (done != 0) {
                    nUnaccepted++;
                    add(unaccepted, i);
                }
            } else if (done == 0) {
                nLost++;
                add(lost, i);
            } else if (done > 1) {
                nTwice++;
                add(twice, i);
            } else if (!backAllowed && ran.get(i) == 0 && withdrawn.get(i) == 0) {
                nBack++;
                add(back, i);
            }
        }
        if (nLost > 0) {
            broken.add("exactly-once: " + nLost + " accepted units neither ran nor came back (lost), ids " + lost);
        }
        if (nTwice > 0) {
            broken.add("exactly-once: " + nTwice + " units ran/came back more than once, ids " + twice
                + " (first: ran " + ran.get(twice.get(0)) + ", handed back " + handed.get(twice.get(0))
                + ", cancelled " + cancelled.get(twice.get(0)) + ", withdrawn " + withdrawn.get(twice.get(0)) + ")");
        }
        if (nUnaccepted > 0) {
            broken.add("exactly-once: " + nUnaccepted + " units ran that were never accepted, ids " + unaccepted);
        }
        if (nBack > 0) {
            broken.add("exactly-once: a graceful close handed back or cancelled " + nBack + " accepted units, ids "
                + back);
        }
        if (orderViolations.get() > 0) {
            broken.add("per-key order: " + orderViolations.get() + " units ran out of order");
        }
        if (placementViolations.get() > 0) {
            broken.add("placement: " + placementViolations.get() + " of " + placementChecks.get()
                + " continuations/polls ran off their owner Exec");
            new java.util.TreeMap<>(placementByWhat).forEach((what, n) -> {
                if (n[1] > 0) {
                    broken.add("placement: " + what + ": " + n[1] + " of " + n[0] + " off their owner");
                }
            });
        }
        synchronized (this) {
            strangers.forEach((cls, n) -> broken.add("hand-back: the close handed back " + n[0] + " objects of "
                + cls + ", which the soak never submitted (an internal entry: what waits on it never completes)"));
        }
        broken.addAll(otherFailures);
        StringBuilder checks = new StringBuilder();
        new java.util.TreeMap<>(placementByWhat).forEach((what, n) -> checks.append(checks.length() == 0 ? "" : "; ")
            .append(what).append(' ').append(n[0]));
        System.out.println("[soak] " + feature + " " + round + ": " + summary() + " (" + checks + ")");
        if (!broken.isEmpty()) {
            StringBuilder sb = new StringBuilder("[" + feature + "] " + round + " (" + summary() + ")");
            for (String b : broken) {
                sb.append("\n  broken: ").append(b);
            }
            for (String e : examples) {
                sb.append("\n  e.g. ").append(e);
            }
            throw new AssertionError(sb.toString());
        }
    }

    /** {@link #verify} of each; one AssertionError with every failure (the others suppressed). */
    static void verifyAll(String round, boolean backAllowed, Books... books) {
        AssertionError failed = null;
        for (Books b : books) {
            try {
                b.verify(round, backAllowed);
            } catch (AssertionError e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    String summary() {
        return accepted() + " accepted, " + ran() + " ran, " + handed() + " handed back, " + cancelled()
            + " cancelled, " + count(withdrawn) + " withdrawn, " + placementChecks() + " placement checks";
    }

    private static void add(List<Integer> list, int id) {
        if (list.size() < SHOW) {
            list.add(id);
        }
    }
}
