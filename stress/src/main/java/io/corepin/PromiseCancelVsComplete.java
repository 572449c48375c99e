package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The {@link java.util.concurrent.Future} contract for {@link Promise#cancel} racing {@link Promise#complete}, both
 * from threads that are not the promise's Exec (a driven Exec whose owner never runs): exactly one of them wins;
 * {@code cancel} returning {@code true} means {@code isCancelled()} and {@code isDone()} hold from then on — already in
 * the same actor, right after the call — and {@code cancel} returning {@code false} means the promise is done (here:
 * completed by the other actor).
 * <ul>
 *   <li>{@code r1}: what the canceller saw right after {@code cancel(false)}: 1 if it returned true, 10 if false;
 *       plus 2 if {@code isCancelled()} and 4 if {@code isDone()} right after. Sound: 7 (won: cancelled, done) and
 *       14 (lost: done, not cancelled).</li>
 *   <li>{@code r2}: {@code complete(1)} returned true (1, and then {@code isDone()}: else 2) or false (0).</li>
 *   <li>{@code r3}: the arbiter's final view: 1 cancelled, 2 completed with 1, 0 not done, 3 something else.</li>
 * </ul>
 * Today (lead: Promise is being rewritten) both calls hand their completion to the Exec and return {@code true}
 * while the promise is still incomplete: forbidden.
 */
@JCStressTest
@Description("Promise: cancel vs complete from non-owner threads meets the Future contract (one winner, done at once)")
@Outcome(id = "7, 0, 1", expect = ACCEPTABLE, desc = "cancel won: cancelled and done right after; complete lost")
@Outcome(id = "14, 1, 2", expect = ACCEPTABLE, desc = "complete won and was done; cancel lost, saw it done")
@Outcome(expect = FORBIDDEN, desc = "both won, neither won, or a winner's promise was not done right after")
@State
public class PromiseCancelVsComplete {
    private final Exec exec = Driven.exec(Exec.builder().name("stress").ringCapacity(4));
    private final Promise<Integer> promise = new Promise<>(exec);

    @Actor
    public void canceller(III_Result r) {
        final boolean won = promise.cancel(false);
        final int seen = (promise.isCancelled() ? 2 : 0) + (promise.isDone() ? 4 : 0);
        r.r1 = won ? 1 + seen : 10 + seen;
    }

    @Actor
    public void completer(III_Result r) {
        final boolean won = promise.complete(1);
        r.r2 = won ? (promise.isDone() ? 1 : 2) : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        if (!promise.isDone()) {
            r.r3 = 0;
        } else if (promise.isCancelled()) {
            r.r3 = 1;
        } else if (promise.isCompletedExceptionally()) {
            r.r3 = 3;
        } else {
            r.r3 = Integer.valueOf(1).equals(promise.getNow(null)) ? 2 : 3;
        }
    }
}
