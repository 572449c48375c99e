package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * No lost wake-up: a producer that enqueues exactly as the Exec decides to park still gets its task run.
 *
 * <p>The Dekker under test is {@code OwnerLoop.parkUntilWoken} (owner: store {@code parked = 1}, then re-check the ring
 * and the state) against {@code Exec.wakeIfParked} (producer: CAS-claim a ring slot, then load {@code parked}).
 * One of the two must see the other; if neither did, the Exec would park with a task in its ring and nobody to
 * unpark it.
 *
 * <p>The owner side is a real Exec thread: one Exec per test JVM, with {@link IdleStrategy#park(int, int)
 * park(0, 0)}, so it decides to park on its first empty turn. The producer aims at that moment: it submits probe A
 * and spins until A flags that it is running; A then keeps the Exec busy for a random 0..255 spins, after which the
 * Exec's next turn finds the ring empty and parks. The producer spins a random 0..15 times and submits probe B, so
 * B's claim lands on either side of the park decision. The observer waits for B (up to 2 s), mostly parked: jcstress
 * gives a two-actor test two CPUs, and the parked observer leaves its CPU to the Exec's thread, which therefore runs
 * beside the producer, not time-sliced with it.
 * <ul>
 *   <li>{@code r1}: B ran (1), or did not run within 2 s (0): a lost wake-up, since nothing else ever wakes an Exec
 *       that parks until woken.</li>
 *   <li>{@code r2}: the Exec parked between A and B (1), or B's enqueue beat the park (0); -1 if B never ran.</li>
 * </ul>
 * Both {@code 1, 0} and {@code 1, 1} showing up is the evidence that B's enqueue landed on both sides of the park
 * decision. Making the owner's {@code parked} store opaque (no StoreLoad fence) or dropping its re-check of the ring
 * turns samples into {@code 0, -1}.
 */
@JCStressTest
@Description("Exec: a producer enqueueing exactly as the Exec decides to park still wakes it (no lost wake-up)")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the enqueue beat the park decision; the Exec did not park")
@Outcome(id = "1, 1", expect = ACCEPTABLE_INTERESTING, desc = "the Exec parked; the producer's enqueue woke it")
@Outcome(expect = FORBIDDEN, desc = "the task did not run within 2 s: a lost wake-up")
@State
public class ExecParkWake {
    /** One Exec per test JVM (a thread per sample would be far too slow); parks on its first idle turn. */
    static final Exec EXEC = Exec.builder().name("stress-park-wake").daemon(true)
        .idleStrategy(IdleStrategy.park(0, 0)).build();

    /** A flags that it ran, then keeps the Exec busy for a random 0..255 spins before it goes idle. */
    private final ExecProbe a = new ExecProbe(ThreadLocalRandom.current().nextInt(256));
    private final ExecProbe b = new ExecProbe();
    /** The producer's own random delay (0..15 spins) after seeing A's flag. */
    private final int spins = ThreadLocalRandom.current().nextInt(16);

    /** Runs A to catch the Exec at the end of a turn, then enqueues B as the Exec goes idle. */
    @Actor
    public void producer() {
        EXEC.execute(a);
        if (!a.await(2_000)) {
            return; // A was not run (itself a lost wake-up): B is never submitted, the observer reports 0
        }
        for (int i = 0; i < spins; i++) {
            Thread.onSpinWait();
        }
        EXEC.execute(b);
    }

    /** Waits for B, parked, and reports whether it ran and whether the Exec parked before it. */
    @Actor
    public void observer(II_Result r) {
        if (b.awaitParked(2_000)) {
            r.r1 = 1;
            r.r2 = b.parksWhenRun > a.parksWhenRun ? 1 : 0; // plain: the Exec wrote both before B's volatile flag
        } else {
            r.r1 = 0;
            r.r2 = -1;
        }
    }
}
