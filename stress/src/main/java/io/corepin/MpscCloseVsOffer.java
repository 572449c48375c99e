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
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@link MpscRing#close()} racing an offer: the offer is either accepted and its element consumed exactly once, or
 * refused with {@link MpscRing#CLOSED} and its element never appears; and once the consumer sees
 * {@link MpscRing#isDrained()}, no accepted element may still turn up.
 *
 * <p>The producer offers 7. The other actor is the consumer shutting the ring down: it closes it, polls once and
 * asks {@code isDrained()}. The arbiter then polls whatever is left.
 * <ul>
 *   <li>{@code r1}: the offer was accepted (1), refused with {@code CLOSED} (0), or returned something else (-1).</li>
 *   <li>{@code r2}: the closing consumer's poll got the element (1) or nothing (0).</li>
 *   <li>{@code r3}: the closing consumer saw {@code isDrained()} true (1) or false (0).</li>
 *   <li>{@code r4}: the arbiter found the element (1) or not (0); -1 if the ring still was not drained after the
 *       arbiter emptied it.</li>
 * </ul>
 * Close and claim are the same CAS on the producer index, so they are totally ordered: an offer that claimed before
 * the close is counted by {@code isDrained()} until consumed. "Accepted but absent", "refused but present", and
 * "drained, then an accepted element turned up" are forbidden. The last one is what a close flag separate from the
 * producer index (check the flag, then claim) would allow.
 */
@JCStressTest
@Description("MPSC: an offer racing close() is accepted and consumed, or refused and absent; isDrained() is final")
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE, desc = "the offer won; the closing consumer took it; drained")
@Outcome(id = "1, 0, 0, 1", expect = ACCEPTABLE_INTERESTING,
         desc = "the offer claimed before the close but published after the poll; not drained until consumed")
@Outcome(id = "0, 0, 1, 0", expect = ACCEPTABLE, desc = "the close won: refused, absent, drained")
@Outcome(expect = FORBIDDEN, desc = "accepted but lost, refused but present, or drained while an element was pending")
@State
public class MpscCloseVsOffer {
    private final MpscRing<Integer> ring = new MpscRing<>(2);

    /** Offers 7. */
    @Actor
    public void producer(IIII_Result r) {
        final int result = ring.offer(7);
        r.r1 = result >= 0 ? 1 : result == MpscRing.CLOSED ? 0 : -1;
    }

    /** Closes the ring, then consumes as a consumer shutting down would. */
    @Actor
    public void closingConsumer(IIII_Result r) {
        ring.close();
        r.r2 = ring.poll() != null ? 1 : 0;
        r.r3 = ring.isDrained() ? 1 : 0;
    }

    /** Consumes the rest once both actors are done. */
    @Arbiter
    public void rest(IIII_Result r) {
        final int found = ring.poll() != null ? 1 : 0;
        r.r4 = ring.isDrained() ? found : -1;
    }
}
