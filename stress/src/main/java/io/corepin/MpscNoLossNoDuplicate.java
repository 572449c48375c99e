package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.corepin.ring.MpscRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two producers race to claim a slot with the producer-index CAS; every element must then be consumed exactly once.
 *
 * <p>Producer A offers 1. Producer B offers 2 and then, being also the ring's one consumer, drains it while A may
 * still be claiming or publishing. The arbiter drains whatever is left. {@code r1} is what B's drain saw, {@code r2}
 * what the arbiter saw (the {@link Digits} encoding).
 *
 * <p>B's own element is published before B drains (program order), so:
 * <ul>
 *   <li>B claimed first: the drain sees 2, then 1 if A has published it by then: {@code 21, 0} or {@code 2, 1}.</li>
 *   <li>A claimed first: slot 0 is A's. If A has not published it yet, the drain stops at that {@code null} slot and
 *       sees nothing even though B's 2 is ready behind it: {@code 0, 12}. Otherwise it sees both: {@code 12, 0}.</li>
 * </ul>
 * A lost element (one digit missing), a duplicate (a digit twice), or a drain that stops between two published
 * elements ({@code 1, 2}) is forbidden. Breaking the claim's atomicity (a plain read-then-write of the producer
 * index) shows here as a lost element.
 */
@JCStressTest
@Description("MPSC: elements of two racing producers are each consumed exactly once, by a racing consumer or after")
@Outcome(id = "21, 0", expect = ACCEPTABLE, desc = "B claimed first; the drain also saw A's element")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "B claimed first; A's element arrived after the drain")
@Outcome(id = "12, 0", expect = ACCEPTABLE, desc = "A claimed first and published before the drain")
@Outcome(id = "0, 12", expect = ACCEPTABLE_INTERESTING,
         desc = "A claimed first but had not published: its empty slot held back B's published element")
@Outcome(expect = FORBIDDEN, desc = "an element lost or duplicated, or the drain stopped at a published slot")
@State
public class MpscNoLossNoDuplicate {
    private final MpscRing<Integer> ring = new MpscRing<>(4);

    /** Producer A. */
    @Actor
    public void producerA() {
        ring.offer(1);
    }

    /** Producer B, then the consumer. */
    @Actor
    public void producerBThenConsumer(II_Result r) {
        ring.offer(2);
        r.r1 = Digits.drain(ring);
    }

    /** Consumes the rest once both actors are done. */
    @Arbiter
    public void rest(II_Result r) {
        r.r2 = Digits.drain(ring);
    }
}
