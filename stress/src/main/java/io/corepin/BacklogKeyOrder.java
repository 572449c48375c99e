package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Per-key order through the {@link Backlog}: a keyed submit {@code A} waits in the backlog behind a full ring; a
 * second keyed submit {@code R} that happens after {@code A} (its thread saw {@code A}'s flag) must run after it,
 * whether the owner took {@code A} before {@code R} was made (then {@code R} may take the ring) or not (then
 * {@code R} must join the backlog behind {@code A}, although the ring has room again).
 *
 * <p>The Exec is {@link Driven driven}, its ring (capacity 2) full with fillers. The sender appends
 * {@code A} and raises a flag; the other actor plays the owner for one turn (the filler, and {@code A} if it is
 * linked by then), then reads the flag and, if raised, submits {@code R}. The arbiter runs the remaining turns.
 * <ul>
 *   <li>{@code r1}: the flag was seen and {@code R} accepted (1), refused (-1: never, the backlog has room for
 *       two), or the flag not seen (0; then {@code R} is not submitted).</li>
 *   <li>{@code r2}: 1 if {@code A} ran before {@code R}, 2 if after it, 0 if only {@code A} ran, -1 if {@code A}
 *       did not run.</li>
 * </ul>
 */
@JCStressTest
@Description("Backlog: a keyed submit made after one waiting in the backlog runs after it")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "R happened after A and ran after it")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the flag was not seen yet: only A")
@Outcome(expect = FORBIDDEN, desc = "R overtook A, or A was lost")
@State
public class BacklogKeyOrder {
    private final Exec exec = Driven.exec(Exec.builder().name("stress-order").ringCapacity(2));
    private volatile boolean appended;
    private int clock;    // written by whichever thread plays the owner; read by the arbiter after the actors
    private int aRanAt;
    private int rRanAt;

    public BacklogKeyOrder() {
        exec.execute(() -> { }); // cross-thread: the ring (capacity 2) is full now
        exec.execute(() -> { });
    }

    /** An Exec thread under block: the ring is full, so A joins the backlog. */
    @Actor
    public void sender() {
        exec.offerKeyed(() -> aRanAt = ++clock, true);
        appended = true; // volatile: what follows in the other actor happens after A's submit
    }

    /** One owner turn, then, if A's submit is known to be done, R. */
    @Actor
    public void ownerThenLater(II_Result r) {
        Driven.turn(exec);
        if (appended) { // volatile
            r.r1 = exec.offerKeyed(() -> rRanAt = ++clock, true) >= 0 ? 1 : -1;
        }
    }

    @Arbiter
    public void arbiter(II_Result r) {
        for (int i = 0; i < 3; i++) {
            Driven.turn(exec);
        }
        Driven.finish(exec);
        r.r2 = aRanAt == 0 ? -1 : rRanAt == 0 ? 0 : aRanAt < rRanAt ? 1 : 2;
    }
}
