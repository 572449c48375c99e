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
 * Two completers of one {@link Promise}, both on threads that are not its Exec's (a driven Exec whose owner never
 * runs): exactly one {@code complete} returns {@code true}, the promise is done right after it returns (in the same
 * actor), and it holds the winner's value.
 * <ul>
 *   <li>{@code r1}, {@code r2}: {@code complete(1)}, {@code complete(2)}: 0 returned false; 1 returned true and
 *       {@code isDone()} right after; 2 returned true but not done.</li>
 *   <li>{@code r3}: the arbiter's final value (-1 not done).</li>
 * </ul>
 * Today (lead: Promise is being rewritten) both hand their completion to the Exec and return {@code true} while the
 * promise is still incomplete: forbidden.
 */
@JCStressTest
@Description("Promise: two non-owner completers, one winner, done at once with the winner's value")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "the first completer won")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "the second completer won")
@Outcome(expect = FORBIDDEN, desc = "both won, neither won, a winner's promise not done, or the loser's value")
@State
public class PromiseCompleteVsComplete {
    private final Exec exec = Driven.exec(Exec.builder().name("stress").ringCapacity(4));
    private final Promise<Integer> promise = new Promise<>(exec);

    @Actor
    public void one(III_Result r) {
        r.r1 = promise.complete(1) ? (promise.isDone() ? 1 : 2) : 0;
    }

    @Actor
    public void two(III_Result r) {
        r.r2 = promise.complete(2) ? (promise.isDone() ? 1 : 2) : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = promise.isDone() ? promise.getNow(-1) : -1;
    }
}
