package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link Exec#shutdownNow()} racing {@link Exec#execute}: the task is run, or handed back, or refused — exactly one
 * of those, never two, never none.
 *
 * <p>Every sample has its own running Exec (parked, idle). The producer executes a probe, which wakes the Exec; the
 * closer calls {@code shutdownNow()} at the same moment. The arbiter waits (up to 10 s) for the hand-back.
 * <ul>
 *   <li>{@code r1}: {@code execute} returned (1) or threw {@link RejectedExecutionException} (0).</li>
 *   <li>{@code r2}: how many times the probe ran.</li>
 *   <li>{@code r3}: how many times the probe is in the handed-back list; -1 if the hand-back did not complete.</li>
 * </ul>
 * Three paths are in play: the ring's claim CAS against the close CAS (accepted or refused), the owner's stop check
 * before each task against the drain (run or kept back), and {@code finish()}'s final drain of the closed ring
 * (handed back). Losing an accepted task, handing back one that ran, or running a refused one is forbidden.
 */
@JCStressTest
@Description("Exec: a task submitted concurrently with shutdownNow() is run, or handed back, or refused: exactly one")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "accepted and run before the stop took effect")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "accepted, stopped before it ran, handed back")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "refused: the close came first")
@Outcome(expect = FORBIDDEN, desc = "lost, run twice, run and handed back, or refused yet run")
@State
public class ExecCloseNowVsSubmit {
    private final Exec exec = Exec.builder().name("stress-close").daemon(true).ringCapacity(2).build();
    private final ExecProbe probe = new ExecProbe();
    private CompletableFuture<List<Runnable>> handedBack;

    /** Submits the probe from outside the Exec. */
    @Actor
    public void producer(III_Result r) {
        try {
            exec.execute(probe);
            r.r1 = 1;
        } catch (RejectedExecutionException e) {
            r.r1 = 0;
        }
    }

    /** Stops the Exec after its current task. */
    @Actor
    public void closer() {
        handedBack = exec.shutdownNow();
    }

    /** Collects the hand-back once the Exec's thread has finished. */
    @Arbiter
    public void verdict(III_Result r) {
        try {
            List<Runnable> back = handedBack.get(10, TimeUnit.SECONDS);
            int found = 0;
            for (Runnable task : back) {
                found += task == probe ? 1 : 0;
            }
            r.r3 = found;
        } catch (Exception e) {
            r.r3 = -1;
        }
        r.r2 = probe.runs; // ordered after the run by the hand-back's completion
    }
}
