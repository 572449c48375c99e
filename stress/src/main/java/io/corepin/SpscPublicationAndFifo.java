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
 * {@link SpscRing} publication and FIFO: the producer writes the plain field of payload 1 and offers it, then does the
 * same for payload 2, while the consumer polls twice; the arbiter drains the rest.
 *
 * <p>The SPSC producer uses no atomic instruction at all: each element goes into its slot with a plain store and is
 * published by the release store of the producer index that follows, which orders the payload write and the slot
 * store before it; the consumer acquires that index before it reads the slot. {@code r1, r2} are the
 * fields the two polls read ({@code -1} for {@code null}), {@code r3} the fields the arbiter drained (digit encoding).
 * A received payload whose field is still 0 (unpublished), 2 before 1, or a lost or duplicated element is
 * forbidden.
 */
@JCStressTest
@Description("SPSC: elements arrive fully written, in order, none lost or duplicated")
@Outcome(id = "-1, -1, 12", expect = ACCEPTABLE, desc = "both polls came first")
@Outcome(id = "-1, 1, 2", expect = ACCEPTABLE, desc = "the second poll got the first element")
@Outcome(id = "1, -1, 2", expect = ACCEPTABLE, desc = "the first poll got the first element, the second nothing")
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "both, in order")
@Outcome(expect = FORBIDDEN, desc = "an unpublished field, a reordering, or a lost or duplicated element")
@State
public class SpscPublicationAndFifo {
    private final SpscRing<StressPayload> ring = new SpscRing<>(4);
    private final StressPayload first = new StressPayload();
    private final StressPayload second = new StressPayload();

    /** Writes and offers payload 1, then payload 2. */
    @Actor
    public void producer() {
        first.value = 1;
        ring.offer(first);
        second.value = 2;
        ring.offer(second);
    }

    /** Polls twice and reads the field of what it got. */
    @Actor
    public void consumer(III_Result r) {
        final StressPayload a = ring.poll();
        final StressPayload b = ring.poll();
        r.r1 = a == null ? -1 : a.value;
        r.r2 = b == null ? -1 : b.value;
    }

    /** Consumes the rest once both actors are done. */
    @Arbiter
    public void rest(III_Result r) {
        r.r3 = StressPayload.pollAll(ring);
    }
}
