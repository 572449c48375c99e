package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.RejectedExecutionException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A cross-thread wake racing a refused spawn: the task must never be polled by (or linked into) an Exec that refused
 * it, and must not lose its first poll on the Exec that then accepted it.
 *
 * <p>The spawner spawns task T on Exec X, which is shut down and refuses it ({@code bind}, refused offer,
 * {@code unbind}), then spawns T on Exec Y, which accepts it. Meanwhile a waker calls {@code T.wake()}. Before the
 * fix, a waker that read {@code T.exec == X} before the unbind and swapped T's wake flag after it (the unbind had
 * reset the flag to 0) enqueued T's poll step on X (into X's overflow, its ring being closed); X's turn then polled
 * T — on X's thread, linking T into <em>Y's</em> live list — and consumed the wake flag that stood for Y's first
 * poll, so Y's own spawn entry was taken for a stale one and never polled T.
 *
 * <p>Afterwards the arbiter plays the owners: one turn of X, then one turn of Y.
 * <ul>
 *   <li>{@code r1}: what X's turn did with T: polls of T during X's turn plus X's task errors (an NPE when T was
 *       unbound).</li>
 *   <li>{@code r2}: polls of T during Y's turn.</li>
 * </ul>
 */
@JCStressTest
@Description("AsyncTask: a wake racing a refused spawn never makes the refusing Exec poll the task")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "X never touched T; Y polled it once")
@Outcome(expect = FORBIDDEN, desc = "X polled T (or failed on it), or Y lost T's first poll")
@State
public class RefusedSpawnVsWake {
    private final Exec x = Driven.exec(Exec.builder().name("stress-x").ringCapacity(2)
        .errorHandler((exec, task, error) -> { })); // counted in x.taskErrors()
    private final Exec y = Driven.exec(Exec.builder().name("stress-y").ringCapacity(2));
    private final Probe task = new Probe();
    /** Whose turn the arbiter is playing: 'X' or 'Y'. Plain: arbiter only (the polls run on its thread). */
    char turn;

    /** Records whose turn polled it; never finishes. */
    final class Probe extends AsyncTask {
        int pollsInX;
        int pollsInY;

        @Override
        protected boolean poll() {
            if (turn == 'X') {
                pollsInX++;
            } else {
                pollsInY++;
            }
            return false;
        }
    }

    public RefusedSpawnVsWake() {
        x.shutdown(); // ring closed: every spawn on X is refused
    }

    /** Spawns T on X (refused), then on Y (accepted). */
    @Actor
    public void spawner() {
        try {
            x.spawn(task);
        } catch (RejectedExecutionException expected) {
            // the task is left unspawned: spawn it elsewhere
        }
        y.spawn(task);
    }

    /** Another thread wakes T. */
    @Actor
    public void waker() {
        task.wake();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        turn = 'X';
        Driven.turn(x);
        turn = 'Y';
        Driven.turn(y);
        r.r1 = task.pollsInX + (int) x.taskErrors();
        r.r2 = task.pollsInY;
    }
}
