package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.corepin.affinity.AffinityPlan;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link Scope#spawn(Runnable)} racing {@link Scope#close()}: the child is either counted before the close can
 * finish — then it has run when {@code close()} returns — or the spawn throws {@link IllegalStateException}. A spawn
 * that checked "not closed" and only then counted itself could slip in after the close saw the count reach 0: the
 * child would run after {@code close()} returned.
 * <ul>
 *   <li>{@code r1}: {@code spawn} returned (1) or threw (0).</li>
 *   <li>{@code r2}: whether the child had run when {@code close()} returned (-1: the close timed out).</li>
 * </ul>
 * One Exec for the whole run (a third thread, idle between samples); each sample has its own scope.
 */
@JCStressTest
@Description("Scope: a child spawned concurrently with close() has run when close() returns, or was refused")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "accepted: close waited for it")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "refused: the scope was closing")
@Outcome(expect = FORBIDDEN, desc = "accepted but not run when close() returned, refused yet run, or a hang")
@State
public class ScopeSpawnVsClose {
    private static final ExecGroup GROUP = ExecGroup.builder().affinity(AffinityPlan.unpinned(1))
        .execSettings(Exec.builder().name("stress-scope").daemon(true)).build();

    private final Scope scope = GROUP.scope();
    private final Runnable child = () -> ran = 1;
    private int ran; // plain: published to close() by the scope's count (the property under test)
    private int accepted;

    /** Spawns one child from outside the group. */
    @Actor
    public void spawner() {
        try {
            scope.spawn(child);
            accepted = 1;
        } catch (IllegalStateException closed) {
            accepted = 0;
        }
    }

    /** Closes the scope (bounded) and looks at once whether the child ran. */
    @Actor
    public void closer(II_Result r) {
        try {
            scope.close(Duration.ofSeconds(10));
            r.r2 = ran;
        } catch (Exception e) {
            r.r2 = -1;
        }
    }

    @Arbiter
    public void verdict(II_Result r) {
        r.r1 = accepted;
    }
}
