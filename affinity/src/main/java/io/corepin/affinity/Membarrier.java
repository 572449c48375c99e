package io.corepin.affinity;

import com.sun.jna.Function;

/**
 * Linux's {@code membarrier(2)} with {@code MEMBARRIER_CMD_PRIVATE_EXPEDITED}: a full memory barrier executed on
 * every CPU that runs a thread of this process, before the call returns. It is the heavy half of an asymmetric
 * fence (the Linux kernel's and Folly's {@code asymmetricHeavyBarrier}): a thread that does a Dekker-style
 * "store, then load" without a fence of its own — so without a {@code lock}-prefixed instruction on its hot path —
 * is made safe against a rare other thread that stores, calls {@link #barrier()}, then loads: for every other
 * thread there is a point at which it executed a full barrier, so either its store before that point is visible to
 * the caller's load, or its load after that point sees the caller's store. The light side still needs its store to
 * come before its load in program order as compiled (a compiler barrier; on x86 no instruction).
 *
 * <p>Costs one system call and an inter-processor interrupt per CPU running this process's threads (about 20 µs
 * here, through JNA) — each of those threads is interrupted for the barrier, a few microseconds; meant for rare
 * events (corepin: a stalled Exec's rescue, at most once per stall guard period), never for a hot path. The process
 * registers for it once, on first use. Available on Linux 4.14 or later on x86-64 and AArch64; elsewhere
 * {@link #isAvailable()} is {@code false}, with {@link #unavailableReason()} saying why. Thread-safe.
 */
public final class Membarrier {
    private static final int CMD_QUERY = 0;
    private static final int CMD_PRIVATE_EXPEDITED = 1 << 3;
    private static final int CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4;

    private Membarrier() {
    }

    /** Whether {@link #barrier()} works here (checked and registered once, on the first call). */
    public static boolean isAvailable() {
        return Holder.REASON == null;
    }

    /** Why {@link #barrier()} is not available here, or {@code null} when it is. */
    public static String unavailableReason() {
        return Holder.REASON;
    }

    /**
     * Executes a full memory barrier on every CPU that runs a thread of this process, and returns once all have.
     *
     * @throws IllegalStateException naming the reason if it is not available ({@link #isAvailable()}), or the
     *     error number if the system call failed
     */
    public static void barrier() {
        if (Holder.REASON != null) {
            throw new IllegalStateException("membarrier(2) is not available: " + Holder.REASON);
        }
        final int r = Holder.SYSCALL.invokeInt(new Object[] {Holder.NR, CMD_PRIVATE_EXPEDITED, 0, 0});
        if (r != 0) {
            throw new IllegalStateException("membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) returned " + r
                + ", errno " + com.sun.jna.Native.getLastError());
        }
    }

    /** The system call, found and registered on first use. */
    private static final class Holder {
        static final int NR = syscallNumber(System.getProperty("os.arch", ""));
        static Function SYSCALL;
        static final String REASON = init();

        private static String init() {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
                return "not Linux (os.name " + System.getProperty("os.name") + ")";
            }
            if (NR < 0) {
                return "no membarrier system call number known for os.arch " + System.getProperty("os.arch");
            }
            try {
                SYSCALL = Function.getFunction("c", "syscall");
                final int commands = SYSCALL.invokeInt(new Object[] {NR, CMD_QUERY, 0, 0});
                if (commands < 0) {
                    return "membarrier(MEMBARRIER_CMD_QUERY) failed, errno " + com.sun.jna.Native.getLastError()
                        + " (kernel older than 4.3, or a seccomp filter)";
                }
                if ((commands & CMD_PRIVATE_EXPEDITED) == 0) {
                    return "the kernel has no MEMBARRIER_CMD_PRIVATE_EXPEDITED (Linux 4.14 or later has it)";
                }
                final int registered = SYSCALL.invokeInt(new Object[] {NR, CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0});
                if (registered != 0) {
                    return "membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) failed, errno "
                        + com.sun.jna.Native.getLastError();
                }
                return null;
            } catch (Throwable t) { // no JNA native library, say
                return "cannot call syscall(2) through JNA: " + t;
            }
        }
    }

    /** {@code __NR_membarrier}: 324 on x86-64, 283 on AArch64 (the generic table); -1 when not known. */
    static int syscallNumber(String arch) {
        switch (arch) {
            case "amd64":
            case "x86_64":
                return 324;
            case "aarch64":
                return 283;
            default:
                return -1;
        }
    }
}
