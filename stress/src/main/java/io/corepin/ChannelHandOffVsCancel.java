package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.corepin.channel.Channel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The channel's wake-one pass-on: an element handed to the first of two waiting receivers, while that receiver is
 * cancelled from another thread and its Exec's owner runs a turn. Two receivers (poll-style tasks) wait on a
 * capacity-1 shared channel, registered in order. A sender thread sends one element (handed to the first: its
 * hold's check, which wakes it, goes into the ring); the other thread, as the Exec's owner, runs one turn and then
 * cancels the first receiver's handle (from outside: the cancel reaches the Exec through the ring). Then the
 * arbiter runs turns until the Exec is idle and reports what the first and the second received and what is left in
 * the channel. The element must be in exactly one place: with the first (it polled before its cancel arrived) or
 * with the second (the first was cancelled before it polled: its hold was passed on). Lost or duplicated: forbidden.
 */
@JCStressTest
@Description("Channel: a wake handed to a receiver cancelled before it polls is passed on; nothing lost or doubled")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "the first receiver polled before its cancel and took it")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the first was cancelled first: the hold went to the second")
@Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "lost wake-up: the element sits while the second waits")
@Outcome(id = "0, 0, 0", expect = FORBIDDEN, desc = "the element vanished")
@Outcome(expect = FORBIDDEN, desc = "delivered twice")
@State
public class ChannelHandOffVsCancel {
    private final Exec exec = Driven.exec(Exec.builder().name("stress").ringCapacity(16));
    private final Channel<Integer> channel = Channel.bounded(1);
    private final Receiver first = new Receiver();
    private final Receiver second = new Receiver();
    private final TaskHandle firstHandle;

    /** Counts what it receives; waits until the channel is drained. */
    final class Receiver extends AsyncTask {
        int got; // owner thread (an actor's or the arbiter's turn); read by the arbiter after the actors

        @Override
        protected boolean poll() {
            while (channel.recv(this) != null) {
                got++;
            }
            return channel.isDrained();
        }
    }

    public ChannelHandOffVsCancel() {
        firstHandle = exec.spawn(first);
        Driven.turn(exec); // first registers
        exec.spawn(second);
        Driven.turn(exec); // then second
    }

    @Actor
    public void sender() {
        channel.trySend(1);
    }

    /** The Exec's owner runs a turn (which may poll the first receiver, woken by the hand-off), then cancels it. */
    @Actor
    public void ownerThenCanceller() {
        Driven.turn(exec);
        firstHandle.cancel();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        for (int i = 0; i < 16; i++) {
            Driven.turn(exec);
        }
        r.r1 = first.got;
        r.r2 = second.got;
        r.r3 = channel.size();
    }
}
