package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A submit that finds the ring full and joins the Exec's {@link Backlog} (what an Exec thread does under
 * {@code Backpressure.block}) racing a graceful {@code shutdown()} and the owner's turns: the task is run, handed
 * back, or refused — exactly one.
 *
 * <p>The Exec is {@link Driven driven}: its ring (capacity 1) holds a filler, so the producer's
 * keyed offer meets a full ring and appends to the backlog, unless the close came first. The closer shuts the Exec
 * down and plays its owner for two turns (the filler, then the backlog entry once the ring was consumed past it); the
 * arbiter terminates it and collects the hand-back.
 * <ul>
 *   <li>{@code r1}: the offer was accepted (1) or refused as closed (0); -1 for FULL (never: there is room).</li>
 *   <li>{@code r2}: how many times the probe ran.</li>
 *   <li>{@code r3}: how many times the probe is in the hand-back.</li>
 * </ul>
 */
@JCStressTest
@Description("Exec: a backlog append racing shutdown() and the owner's turns is run, handed back or refused: one")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "accepted before the close, run by the owner's turn")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "accepted, the turns had passed: handed back")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "refused: the close came first")
@Outcome(expect = FORBIDDEN, desc = "lost, run twice, run and handed back, refused yet kept, or FULL")
@State
public class BacklogAppendVsClose {
    private final Exec exec = Driven.exec(Exec.builder().name("stress-backlog").ringCapacity(1));
    private final Probe probe = new Probe();
    private int found = -1;

    static final class Probe implements Runnable {
        int runs; // written by the closer (the owner), read by the arbiter after both actors

        @Override
        public void run() {
            runs++;
        }
    }

    public BacklogAppendVsClose() {
        exec.execute(() -> { }); // cross-thread: the ring (capacity 1) is full now
    }

    /** Another Exec's thread under block: a full ring sends the task to the backlog. */
    @Actor
    public void producer(III_Result r) {
        int result = exec.offerKeyed(probe, true);
        r.r1 = result >= 0 ? 1 : result == Exec.CLOSED ? 0 : -1;
    }

    /** Graceful close, then two turns of the owner. */
    @Actor
    public void closer() {
        exec.shutdown();
        Driven.turn(exec);
        Driven.turn(exec);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        Driven.finish(exec);
        List<Runnable> back = exec.shutdownNow().join();
        found = 0;
        for (Runnable task : back) {
            found += task == probe ? 1 : 0;
        }
        r.r2 = probe.runs;
        r.r3 = found;
    }
}
