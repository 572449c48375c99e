package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.corepin.ring.MpscRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Safe publication through {@link MpscRing}: the producer writes two plain fields of an existing, mutable payload and
 * then offers it; a consumer that receives the payload must see both writes.
 *
 * <p>Nothing but the ring orders the field stores before the element becomes visible: the producer's release store of
 * the slot, paired with the consumer's acquire load of it. {@code r1, r2} are the fields as the consumer read them, or
 * {@code -1, -1} if its poll found the ring empty. A received payload with a field still 0 is a torn or unpublished
 * element and is forbidden.
 */
@JCStressTest
@Description("MPSC: a payload's plain fields written before offer() are visible to the consumer that polls it")
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "the poll came before the offer")
@Outcome(id = "42, 43", expect = ACCEPTABLE, desc = "received, fully written")
@Outcome(expect = FORBIDDEN, desc = "received a payload whose field writes were not (all) visible")
@State
public class MpscPublication {
    private final MpscRing<Payload> ring = new MpscRing<>(2);
    private final Payload payload = new Payload();

    /** Mutable, plain, non-final fields: only the ring's ordering publishes them. */
    static final class Payload {
        int a;
        int b;
    }

    /** Writes the payload, then offers it. */
    @Actor
    public void producer() {
        final Payload p = payload;
        p.a = 42;
        p.b = 43;
        ring.offer(p);
    }

    /** Polls once and reads the fields of what it got. */
    @Actor
    public void consumer(II_Result r) {
        final Payload p = ring.poll();
        if (p == null) {
            r.r1 = -1;
            r.r2 = -1;
        } else {
            r.r1 = p.a;
            r.r2 = p.b;
        }
    }
}
