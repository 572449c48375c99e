package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A periodic task firing back to back (fixed delay of 1 ns) while {@link ExecScheduler#shutdown()} and
 * {@link ExecScheduler#shutdownNow()} race, and the Exec itself cancels periodic timers as it stops: the task ends
 * up either in shutdownNow's list, undone, or cancelled — never neither (a future nobody completes), never both.
 * Three parties decide by CAS on the task's state: shutdownNow's hand-back (or, while an execution is under way,
 * its "last execution" mark), the graceful shutdown's cancel, and the Exec's cancel (which defers to shutdownNow
 * once it has begun).
 * <ul>
 *   <li>{@code r1}: the future is in shutdownNow's list (1) or not (0).</li>
 *   <li>{@code r2}: the future is cancelled (1) or not (0), after the Exec terminated.</li>
 *   <li>{@code r3}: the future is done (1) or not (0).</li>
 * </ul>
 */
@JCStressTest
@Description("ExecScheduler: a periodic task is handed back by shutdownNow or cancelled by a shutdown, exactly one")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE_INTERESTING, desc = "handed back between executions, undone")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "cancelled: by shutdown, or it was running at shutdownNow")
@Outcome(expect = FORBIDDEN, desc = "lost (neither listed nor completed), or listed and cancelled")
@State
public class SchedulerShutdownVsShutdownNowPeriodic {
    private final Exec exec = Exec.builder().name("stress-sched-periodic").daemon(true)
        .stallThreshold(0, TimeUnit.MILLISECONDS).build();
    private final ExecScheduler scheduler = ExecScheduler.of(exec);
    private final ScheduledFuture<?> periodic =
        scheduler.scheduleWithFixedDelay(() -> { }, 0, 1, TimeUnit.NANOSECONDS);
    private List<Runnable> handedBack;

    @Actor
    public void graceful() {
        scheduler.shutdown();
    }

    @Actor
    public void now() {
        handedBack = scheduler.shutdownNow();
    }

    @Arbiter
    public void verdict(III_Result r) {
        try {
            if (!exec.awaitTermination(10, TimeUnit.SECONDS)) {
                r.r1 = -1;
                return;
            }
        } catch (InterruptedException e) {
            r.r1 = -1;
            return;
        }
        r.r1 = handedBack.contains(periodic) ? 1 : 0;
        r.r2 = periodic.isCancelled() ? 1 : 0;
        r.r3 = periodic.isDone() ? 1 : 0;
    }
}
