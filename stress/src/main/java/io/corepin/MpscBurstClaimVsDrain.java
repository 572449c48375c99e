package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.corepin.ring.MpscRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A burst claim racing a drain: the producer claims three slots with one CAS ({@link MpscRing#offerBurst}) and then
 * publishes 1, 2, 3 into them one release store at a time, while the consumer drains concurrently.
 *
 * <p>Between the claim and the last publication the consumer can find claimed slots that are still {@code null}; it
 * must stop at the first one, so what it sees is a prefix of the burst, in order, and never a gap such as
 * {@code 13}. The ring (capacity 4) has already carried two elements, so the burst occupies slots 2, 3 and 0: it
 * wraps around the end of the array, and the claim has to refresh the producers' cached limit.
 *
 * <p>{@code r1} is {@code offerBurst}'s return value (3), {@code r2} what the racing drain saw, {@code r3} what the
 * arbiter drained afterwards (the {@link Digits} encoding). The two drains together must be exactly
 * {@code 123}.
 */
@JCStressTest
@Description("MPSC: a drain racing a wrapping burst enqueue sees a prefix of the burst, in order, never a gap")
@Outcome(id = "3, 0, 123", expect = ACCEPTABLE, desc = "the drain came before the first publication")
@Outcome(id = "3, 1, 23", expect = ACCEPTABLE, desc = "the drain saw a prefix of one")
@Outcome(id = "3, 12, 3", expect = ACCEPTABLE, desc = "the drain saw a prefix of two")
@Outcome(id = "3, 123, 0", expect = ACCEPTABLE, desc = "the drain saw the whole burst")
@Outcome(expect = FORBIDDEN, desc = "a gap, a reordering, a lost or duplicated element, or a short burst")
@State
public class MpscBurstClaimVsDrain {
    private final MpscRing<Integer> ring = new MpscRing<>(4);
    private final Integer[] burst = {1, 2, 3};

    /** Moves both indices to 2 so that the burst wraps. */
    public MpscBurstClaimVsDrain() {
        for (int i = 0; i < 2; i++) {
            ring.offer(9);
            ring.poll();
        }
    }

    /** One claim of three slots, three publications. */
    @Actor
    public void producer(III_Result r) {
        r.r1 = ring.offerBurst(burst, 0, burst.length);
    }

    /** One drain, racing the burst. */
    @Actor
    public void consumer(III_Result r) {
        r.r2 = Digits.drain(ring);
    }

    /** Consumes the rest once both actors are done. */
    @Arbiter
    public void rest(III_Result r) {
        r.r3 = Digits.drain(ring);
    }
}
