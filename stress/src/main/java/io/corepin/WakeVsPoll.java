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
 * The cross-thread wake against the owner's poll — lonely's unsound waker, which corepin must not repeat.
 *
 * <p>The task was spawned from another thread (its first poll is queued in the ring). The owner runs a turn, which
 * polls the task (twice, if the wake's entry arrived in time for the same burst): each poll reads a plain field
 * {@code ready}. Meanwhile a waker thread sets {@code ready = 1} and calls {@link AsyncTask#wake()}. Afterwards the
 * arbiter reports what the latest poll saw ({@code r1}) and how many polls are still queued in the ring ({@code r2}). A poll that missed the write while no further poll is queued is a lost
 * wake-up: the task would sleep forever with its condition true. Forbidden.
 */
@JCStressTest
@Description("AsyncTask: a cross-thread wake racing with the owner's poll is never lost")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the poll saw the write; the wake merged with it")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the poll saw the write; one more (spurious) poll is queued")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the poll came first; the wake queued another poll")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: the poll missed the write and no poll is queued")
@Outcome(expect = FORBIDDEN, desc = "more than one poll queued for one wake")
@State
public class WakeVsPoll {
    private final Exec exec = Driven.exec(Exec.builder().name("stress").ringCapacity(4));
    private final Probe task = new Probe();
    int ready; // plain: only the wake orders it

    /** Records what its latest poll saw; never finishes. */
    final class Probe extends AsyncTask {
        int seen = -1;

        @Override
        protected boolean poll() {
            seen = ready;
            return false;
        }
    }

    public WakeVsPoll() {
        exec.spawn(task); // not the owner thread: bound remotely, first poll queued in the ring
    }

    /** The Exec's owner: one turn drains the ring and polls the task. */
    @Actor
    public void owner() {
        Driven.turn(exec);
    }

    /** Another thread makes progress possible and wakes the task. */
    @Actor
    public void waker() {
        ready = 1;
        task.wake();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = task.seen;
        r.r2 = exec.depth();
    }
}
