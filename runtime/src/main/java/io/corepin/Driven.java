package io.corepin;

import io.corepin.affinity.AffinityPlan;

/**
 * An Exec whose loop its caller drives, turn by turn, instead of a thread of its own (Agrona's {@code AgentInvoker}
 * idea): its owner thread is a thread that never starts, so every call except {@link #turn} and {@link #finish}
 * takes the cross-thread path. {@code HeapReserve} walks the failure paths with one at start-up; jcstress tests play
 * the owner with one. Not API.
 */
final class Driven {
    private Driven() {
    }

    /** A new driven Exec: not stall-guarded, not pinned, already "started". */
    static Exec exec(Exec.Builder b) {
        final Exec exec = new Exec(b, b.name, AffinityPlan.UNPINNED, new Thread(b.name + " (driven, never started)"),
            WorkBalancing.off());
        exec.loop().markStarted();
        return exec;
    }

    /** One turn of the owner loop, on the calling thread. */
    static int turn(Exec exec) {
        return exec.loop().doWork();
    }

    /** One cycle of the owner loop on the calling thread: a turn and, if the Exec is running, its idling. */
    static boolean cycle(Exec exec) {
        return exec.loop().cycle();
    }

    /** The owner's stop and termination, on the calling thread (the hand-back completes). */
    static void finish(Exec exec) {
        exec.stopAndFinish();
    }
}
