package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.List;
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
 * {@link ExecScheduler#shutdownNow()} racing {@link ExecScheduler#execute}: the task is run, or in the list
 * shutdownNow returned (without waiting for the Exec), or refused — exactly one of those.
 *
 * <p>Every sample has its own running Exec. The scheduler tracks the task before offering it; shutdownNow stops the
 * Exec, then takes every tracked task that has not started by one CAS on the task's state, which the Exec's run of it
 * also CASes. A submitter whose offer is refused throws only if its own CAS (to refused) wins, so a task that
 * shutdownNow took while its offer was in flight counts as accepted.
 * <ul>
 *   <li>{@code r1}: {@code execute} returned (1) or threw {@link RejectedExecutionException} (0).</li>
 *   <li>{@code r2}: how many times the probe ran (after the Exec terminated, up to 10 s).</li>
 *   <li>{@code r3}: how many times the probe is in shutdownNow's list.</li>
 * </ul>
 */
@JCStressTest
@Description("ExecScheduler: a task executed concurrently with shutdownNow() is run, in its list, or refused")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "accepted and run before the stop took effect")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "accepted, not started, handed back")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "refused: the shutdown came first")
@Outcome(expect = FORBIDDEN, desc = "lost, run twice, run and handed back, or refused yet run or handed back")
@State
public class SchedulerShutdownNowVsExecute {
    private final Exec exec = Exec.builder().name("stress-sched").daemon(true).ringCapacity(2)
        .stallThreshold(0, TimeUnit.MILLISECONDS).build();
    private final ExecScheduler scheduler = ExecScheduler.of(exec);
    private final ExecProbe probe = new ExecProbe();
    private List<Runnable> handedBack;

    @Actor
    public void producer(III_Result r) {
        try {
            scheduler.execute(probe);
            r.r1 = 1;
        } catch (RejectedExecutionException e) {
            r.r1 = 0;
        }
    }

    @Actor
    public void closer() {
        handedBack = scheduler.shutdownNow();
    }

    @Arbiter
    public void verdict(III_Result r) {
        try {
            if (!exec.awaitTermination(10, TimeUnit.SECONDS)) {
                r.r2 = -1;
                return;
            }
        } catch (InterruptedException e) {
            r.r2 = -1;
            return;
        }
        int found = 0;
        for (Runnable task : handedBack) {
            found += task == probe ? 1 : 0;
        }
        r.r3 = found;
        r.r2 = probe.runs; // ordered after the run by the Exec's termination
    }
}
