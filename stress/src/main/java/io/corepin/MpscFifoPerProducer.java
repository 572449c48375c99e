package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.corepin.ring.MpscRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Per-producer FIFO: one producer offers 1, 2, 3 (three separate claims and publications) while the consumer polls
 * three times concurrently. {@code r1..r3} are what the three polls returned ({@code 0} for {@code null}).
 *
 * <p>A poll may come too early and find nothing, but the elements it does get must be 1, 2, 3 in that order with
 * none skipped: the eight outcomes below. {@code 2} before {@code 1}, {@code 1} twice, or {@code 2} without
 * {@code 1} first is forbidden. A later claim can be published before an earlier one only across producers; within
 * one producer both the claims and the release stores are in program order, and the consumer's acquire of slot
 * {@code i} makes the release of slot {@code i} visible before it looks at slot {@code i + 1}.
 */
@JCStressTest
@Description("MPSC: one producer's elements are consumed in the order it offered them, none skipped")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "all polls came first")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "only the last poll got something")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "got 1, then 2 was not yet offered")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "a late start, then in order")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "got 1, then 2 was not yet offered")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "in order, with a gap in time")
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "got 1 and 2, 3 not yet offered")
@Outcome(id = "1, 2, 3", expect = ACCEPTABLE, desc = "all three, in order")
@Outcome(expect = FORBIDDEN, desc = "out of order, duplicated, or an element skipped")
@State
public class MpscFifoPerProducer {
    private final MpscRing<Integer> ring = new MpscRing<>(4);

    /** Offers 1, 2, 3, one claim each. */
    @Actor
    public void producer() {
        ring.offer(1);
        ring.offer(2);
        ring.offer(3);
    }

    /** Polls three times. */
    @Actor
    public void consumer(III_Result r) {
        r.r1 = orZero(ring.poll());
        r.r2 = orZero(ring.poll());
        r.r3 = orZero(ring.poll());
    }

    private static int orZero(Integer e) {
        return e == null ? 0 : e;
    }
}
