package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.corepin.ring.MpscRing;
import io.corepin.ring.Ring;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Wrap-around of a tiny ring, with offers racing a poll: nothing accepted is lost or overwritten, and an offer
 * returns {@link Ring#FULL} only when the ring really is full.
 *
 * <p>The ring has capacity 2 and has already carried three elements, so both indices are at 3 and each new element
 * lands in a slot that has been used and cleared before (slot 1, then 0, then 1 again). The producer offers 1, 2, 3;
 * the consumer polls once; the arbiter drains the rest. Offers 2 and 3 cross the producers' cached limit, so they
 * re-read the consumer index, racing the poll's release of it.
 *
 * <p>{@code r1} is what the racing poll got (0 for nothing), {@code r2} the three offers' results as digits
 * (1 accepted, 0 {@code FULL}, 9 anything else), {@code r3} what the arbiter drained (digit encoding).
 * <ul>
 *   <li>Offers 1 and 2 find room whatever the consumer does: {@code FULL} for either is forbidden.</li>
 *   <li>Offer 3 may be accepted only if the poll had already taken 1 out; if the poll got nothing, the ring held two
 *       elements and offer 3 must be {@code FULL} (accepting it would overwrite 1).</li>
 *   <li>If the poll got 1, offer 3 may still have reported {@code FULL}: it may have looked before the poll.</li>
 * </ul>
 */
@JCStressTest
@Description("MPSC: offers racing a poll on a wrapped capacity-2 ring lose nothing and report FULL only when full")
@Outcome(id = "0, 110, 12", expect = ACCEPTABLE, desc = "the poll came first; offer 3 found the ring full")
@Outcome(id = "1, 110, 2", expect = ACCEPTABLE, desc = "offer 3 found the ring full; then the poll took 1")
@Outcome(id = "1, 111, 23", expect = ACCEPTABLE, desc = "the poll freed a slot in time for offer 3")
@Outcome(expect = FORBIDDEN, desc = "FULL while there was room, an overwrite, or a lost/duplicated element")
@State
public class MpscWrapAround {
    private final MpscRing<Integer> ring = new MpscRing<>(2);

    /** Three elements in and out: both indices at 3, the cached producer limit at 4. */
    public MpscWrapAround() {
        for (int i = 0; i < 3; i++) {
            ring.offer(9);
            ring.poll();
        }
    }

    /** Offers 1, 2, 3. */
    @Actor
    public void producer(III_Result r) {
        r.r2 = 100 * code(ring.offer(1)) + 10 * code(ring.offer(2)) + code(ring.offer(3));
    }

    /** Polls once. */
    @Actor
    public void consumer(III_Result r) {
        final Integer e = ring.poll();
        r.r1 = e == null ? 0 : e;
    }

    /** Consumes the rest once both actors are done. */
    @Arbiter
    public void rest(III_Result r) {
        r.r3 = Digits.pollAll(ring);
    }

    private static int code(int offerResult) {
        return offerResult >= 0 ? 1 : offerResult == Ring.FULL ? 0 : 9;
    }
}
