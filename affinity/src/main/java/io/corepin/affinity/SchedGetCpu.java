package io.corepin.affinity;

import com.sun.jna.Native;
import java.util.Locale;

/**
 * {@code sched_getcpu(3)} through JNA's direct mapping: a native method bound once, then called like any JNI method
 * (no argument array, no proxy per call) — 66–96 ns a call on this project's 2-vCPU VM against 120–200 ns through
 * OpenHFT's interface-mapped library (a loop of 200,000 calls, a probe), for a balancer that asks on a submit whose
 * target is parked ({@link Pinning#currentCpu()}).
 */
final class SchedGetCpu {
    /** Whether {@link #sched_getcpu()} is bound and answered once (Linux with glibc or musl). */
    static final boolean BOUND = bind();

    private SchedGetCpu() {
    }

    private static boolean bind() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return false;
        }
        try {
            Native.register(SchedGetCpu.class, "c");
            return sched_getcpu() >= 0;
        } catch (Throwable t) { // no JNA native library, no such symbol: OpenHFT's path answers instead
            return false;
        }
    }

    /** The CPU the calling thread runs on now, or -1 with errno set. Only when {@link #BOUND}. */
    static native int sched_getcpu();
}
