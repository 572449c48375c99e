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
 * Waker and completion against close: another thread completes a {@link Promise} owned by an Exec (the completion
 * is handed to the Exec) exactly as the Exec terminates, while a suspended task of that Exec is woken.
 *
 * <p>Whatever the interleaving the promise must end up completed with the value (run by the Exec's termination, or by
 * the completer itself once it sees the Exec terminated — never lost), nothing may be handed back to the caller of
 * shutdownNow (neither is a user task), and the suspended task is cancelled exactly once and never polled again.
 * {@code r1} = the promise's value (-1 if not completed), {@code r2} = size of the hand-back list, {@code r3} =
 * polls after the first * 10 + cancels.
 */
@JCStressTest
@Description("Exec: a cross-thread promise completion and a wake racing with termination are never lost or doubled")
@Outcome(id = "42, 0, 1", expect = ACCEPTABLE, desc = "completed; the task cancelled once, not polled again")
@Outcome(expect = FORBIDDEN, desc = "lost or doubled completion, a hand-back, a poll after close or a double cancel")
@State
public class PromiseCompletionVsClose {
    private final Exec exec = Driven.exec(Exec.builder().name("stress").ringCapacity(4));
    private final Promise<Integer> promise = new Promise<>(exec);
    private final Sleeper task = new Sleeper();
    private int handedBack = -1;

    /** Suspends forever; counts polls and cancels (owner-side fields, read by the arbiter after both actors). */
    static final class Sleeper extends AsyncTask {
        int polls;
        int cancels;

        @Override
        protected boolean poll() {
            polls++;
            return false;
        }

        @Override
        protected void onCancel() {
            cancels++;
        }
    }

    public PromiseCompletionVsClose() {
        exec.spawn(task);  // remote spawn: one ring entry
        Driven.turn(exec);    // the first poll: now suspended
    }

    /** The Exec terminates (as after shutdownNow). */
    @Actor
    public void owner() {
        Driven.finish(exec);
        handedBack = exec.shutdownNow().join().size();
    }

    /** Another thread completes the promise and wakes the task. */
    @Actor
    public void other() {
        promise.complete(42);
        task.wake();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = promise.isDone() ? promise.join() : -1;
        r.r2 = handedBack;
        r.r3 = (task.polls - 1) * 10 + task.cancels;
    }
}
