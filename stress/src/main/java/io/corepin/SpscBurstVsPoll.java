package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.corepin.ring.SpscRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link SpscRing#offerBurst} racing the consumer: the producer writes the plain fields of three payloads (1, 2, 3)
 * and enqueues them with one burst, which copies them into their slots with plain stores and then publishes all
 * three with one release store of the producer index. The consumer takes one element with {@code poll} (an acquire
 * load of the producer index, a plain load of the slot), then up to four with one {@code pollBurst} (the index it
 * cached, or a new acquire load of it, and a plain copy): every slot it reads must hold its element, fully written.
 *
 * <p>The ring (capacity 4) has already carried two elements, so the burst occupies slots 2, 3 and 0 and both copies
 * wrap, and the slots the burst overwrites still hold the two consumed elements (SpscRing's consumer does not clear
 * slots; their fields are 0). {@code r1} is {@code offerBurst}'s return value (3), {@code r2} the payloads' fields
 * the consumer got, in order, {@code r3} what the arbiter polled afterwards ({@link Digits} encoding; a stale or
 * unpublished payload would show as a 0 or a missing digit). The two together must be exactly {@code 123}. A prefix
 * of one or two elements is allowed by the ring's contract; with one index store per burst it is not expected.
 */
@JCStressTest
@Description("SPSC: a burst published by one index store is seen fully written, in order, no gap")
@Outcome(id = "3, 0, 123", expect = ACCEPTABLE, desc = "the consumer came before the publication")
@Outcome(id = "3, 1, 23", expect = ACCEPTABLE, desc = "it got a prefix of one")
@Outcome(id = "3, 12, 3", expect = ACCEPTABLE, desc = "it got a prefix of two")
@Outcome(id = "3, 123, 0", expect = ACCEPTABLE, desc = "it got the whole burst")
@Outcome(expect = FORBIDDEN, desc = "an unpublished field, a gap, a reordering, a lost or duplicated element")
@State
public class SpscBurstVsPoll {
    private final SpscRing<StressPayload> ring = new SpscRing<>(4);
    private final StressPayload[] burst = {new StressPayload(), new StressPayload(), new StressPayload()};

    /** Moves both indices to 2 so that the burst wraps. */
    public SpscBurstVsPoll() {
        for (int i = 0; i < 2; i++) {
            ring.offer(new StressPayload());
            ring.poll();
        }
    }

    /** Writes the three payloads, then one burst. */
    @Actor
    public void producer(III_Result r) {
        for (int i = 0; i < burst.length; i++) {
            burst[i].value = i + 1;
        }
        r.r1 = ring.offerBurst(burst, 0, burst.length);
    }

    /** One poll, then one pollBurst of up to four, racing the burst. */
    @Actor
    public void consumer(III_Result r) {
        int seen = 0;
        final StressPayload first = ring.poll();
        if (first != null) {
            seen = first.value;
        }
        final StressPayload[] got = new StressPayload[4];
        final int n = ring.pollBurst(got, 0, got.length);
        r.r2 = StressPayload.append(seen, got, n);
    }

    /** Polls the rest once both actors are done. */
    @Arbiter
    public void rest(III_Result r) {
        r.r3 = StressPayload.pollAll(ring);
    }
}
