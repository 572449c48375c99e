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
 * {@link MpscRing#pollBurst} racing a wrapping burst enqueue: the producer writes the plain fields of three payloads
 * (1, 2, 3), claims three slots with one CAS ({@link MpscRing#offerBurst}) and publishes them one release store at a
 * time, while the consumer takes up to four with one {@code pollBurst} into an array. {@code pollBurst} first finds
 * how many slots are published (acquire loads), then copies them out with {@code System.arraycopy} and clears them
 * with {@code Arrays.fill}: the copy must read exactly the elements the loads saw, fully written, in order.
 *
 * <p>The ring (capacity 4) has already carried two elements, so the burst occupies slots 2, 3 and 0 and the copy is
 * two runs (the wrap). {@code r1} is {@code offerBurst}'s return value (3), {@code r2} the payloads' fields the racing
 * {@code pollBurst} got, {@code r3} what the arbiter polled afterwards ({@link Digits} encoding; a payload whose field
 * is still 0 would show as a missing digit or a 0). The two together must be exactly {@code 123}.
 */
@JCStressTest
@Description("MPSC: pollBurst racing a wrapping burst gets a published prefix, fully written, in order, no gap")
@Outcome(id = "3, 0, 123", expect = ACCEPTABLE, desc = "the pollBurst came before the first publication")
@Outcome(id = "3, 1, 23", expect = ACCEPTABLE, desc = "it got a prefix of one")
@Outcome(id = "3, 12, 3", expect = ACCEPTABLE, desc = "it got a prefix of two (the first copy run)")
@Outcome(id = "3, 123, 0", expect = ACCEPTABLE, desc = "it got the whole burst (both runs)")
@Outcome(expect = FORBIDDEN, desc = "an unpublished field, a gap, a reordering, a lost or duplicated element")
@State
public class MpscBurstClaimVsPollBurst {
    private final MpscRing<StressPayload> ring = new MpscRing<>(4);
    private final StressPayload[] burst = {new StressPayload(), new StressPayload(), new StressPayload()};

    /** Moves both indices to 2 so that the burst wraps. */
    public MpscBurstClaimVsPollBurst() {
        for (int i = 0; i < 2; i++) {
            ring.offer(new StressPayload());
            ring.poll();
        }
    }

    /** Writes the three payloads, then one claim of three slots and three publications. */
    @Actor
    public void producer(III_Result r) {
        for (int i = 0; i < burst.length; i++) {
            burst[i].value = i + 1;
        }
        r.r1 = ring.offerBurst(burst, 0, burst.length);
    }

    /** One pollBurst of up to four, racing the burst. */
    @Actor
    public void consumer(III_Result r) {
        final StressPayload[] got = new StressPayload[4];
        final int n = ring.pollBurst(got, 0, got.length);
        r.r2 = StressPayload.append(0, got, n);
    }

    /** Polls the rest once both actors are done. */
    @Arbiter
    public void rest(III_Result r) {
        r.r3 = StressPayload.pollAll(ring);
    }
}
