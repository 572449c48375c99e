package io.corepin.affinity;

import java.lang.System.Logger.Level;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.affinity.Affinity;

/**
 * Pins threads to CPUs through OpenHFT's Java-Thread-Affinity ({@code sched_setaffinity} on Linux), then reads the
 * mask back and reports what actually took effect. No lock files: the {@link AffinityPlan} decides who gets which CPU.
 *
 * <p>When pinning is impossible (no native access, a cpuset or seccomp policy that forbids it, another OS) threads run
 * unpinned, and one warning per process on the {@code io.corepin.affinity} {@link System.Logger} says why (later
 * failures are logged at {@code DEBUG}). Nothing here throws. The system property
 * {@code corepin.affinity.disable=true} turns pinning off, with one {@code INFO} line.
 */
public final class Pinning {
    /** Set to {@code true} to run every thread unpinned. */
    public static final String DISABLE_PROPERTY = "corepin.affinity.disable";

    private static final System.Logger LOG = System.getLogger("io.corepin.affinity");
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final AtomicBoolean DISABLED_LOGGED = new AtomicBoolean();

    private Pinning() {
    }

    /**
     * Pins the calling thread to exactly {@code cpu}, then reads its affinity back. If the mask did not end up as
     * exactly {@code {cpu}}, the thread's previous mask is put back (where possible). Never throws.
     *
     * <p>{@code cpu} is not checked against {@link AllowedCpus}: that is what {@link AffinityPlan} is for. The kernel
     * accepts any CPU of the cgroup cpuset, which may be wider than the mask the process was started with
     * ({@code taskset}), so pinning outside a plan can leave that mask.
     *
     * @param cpu the CPU id, or {@link AffinityPlan#UNPINNED} to leave the thread alone
     * @return {@code cpu} if the thread's mask is now exactly that CPU, else {@link AffinityPlan#UNPINNED}
     */
    public static int pinCurrentThread(int cpu) {
        if (cpu == AffinityPlan.UNPINNED) {
            return AffinityPlan.UNPINNED;
        }
        if (disabled()) {
            if (DISABLED_LOGGED.compareAndSet(false, true)) {
                LOG.log(Level.INFO, "corepin affinity: pinning disabled by -D" + DISABLE_PROPERTY
                    + "=true; all threads run unpinned");
            }
            return AffinityPlan.UNPINNED;
        }
        if (cpu < 0 || cpu >= CpuList.MAX_CPU_ID) {
            failed("cannot pin thread \"" + Thread.currentThread().getName() + "\" to CPU " + cpu
                + ": not a CPU id; running unpinned", null);
            return AffinityPlan.UNPINNED;
        }
        BitSet before = null;
        try {
            before = Affinity.getAffinity();
            BitSet want = new BitSet();
            want.set(cpu);
            Affinity.setAffinity(want);
            BitSet got = Affinity.getAffinity();
            if (want.equals(got)) {
                return cpu;
            }
            failed("asked to pin thread \"" + Thread.currentThread().getName() + "\" to CPU " + cpu
                + " but its affinity reads back as " + CpuList.show(got) + " (OpenHFT implementation "
                + implName() + "); running unpinned", null);
        } catch (RuntimeException | LinkageError e) {
            failed("cannot pin thread \"" + Thread.currentThread().getName() + "\" to CPU " + cpu + " ("
                + e + errnoHint(e) + "); running unpinned", e);
        }
        restore(before);
        return AffinityPlan.UNPINNED;
    }

    /**
     * Sets the calling thread's affinity mask, for example to put back one saved with {@link #currentAffinity()}.
     * Does nothing while {@code corepin.affinity.disable=true}. Never throws.
     *
     * @param cpus the CPUs the thread may run on
     * @return {@code true} if the mask now reads back equal to {@code cpus}
     */
    public static boolean setAffinity(BitSet cpus) {
        if (cpus == null || cpus.isEmpty() || disabled()) {
            return false;
        }
        try {
            Affinity.setAffinity(cpus);
            return cpus.equals(Affinity.getAffinity());
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * The calling thread's affinity mask ({@code sched_getaffinity}). Never throws.
     *
     * @return a new set; empty if it cannot be read
     */
    public static BitSet currentAffinity() {
        try {
            BitSet mask = Affinity.getAffinity();
            return mask == null ? new BitSet() : (BitSet) mask.clone();
        } catch (RuntimeException | LinkageError e) {
            return new BitSet();
        }
    }

    /**
     * The CPU the calling thread is running on right now ({@code sched_getcpu}, bound directly through JNA where it
     * can be: tens of ns a call). Never throws.
     *
     * @return the CPU id, or -1 if unknown
     */
    public static int currentCpu() {
        if (SchedGetCpu.BOUND) {
            final int cpu = SchedGetCpu.sched_getcpu();
            return cpu >= 0 ? cpu : -1;
        }
        try {
            int cpu = Affinity.getCpu();
            return cpu >= 0 ? cpu : -1;
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /**
     * The NUMA node of a CPU of this machine, from {@code /sys/devices/system/node} (read once per process, as
     * {@link CpuLayout#numaNode(int)} reads it). Never throws.
     *
     * @param cpu a CPU id, or {@link AffinityPlan#UNPINNED}
     * @return the node id, or -1 for {@link AffinityPlan#UNPINNED}, a CPU on no node, or when nodes are unknown
     */
    public static int numaNodeOf(int cpu) {
        return CpuSysfs.machine().nodeOf(cpu);
    }

    private static boolean disabled() {
        return Boolean.getBoolean(DISABLE_PROPERTY);
    }

    private static void restore(BitSet before) {
        if (before == null || before.isEmpty()) {
            return;
        }
        try {
            if (!before.equals(Affinity.getAffinity())) {
                Affinity.setAffinity(before);
            }
        } catch (RuntimeException | LinkageError e) {
            // nothing more to do: the thread runs with whatever mask it has
        }
    }

    /** Says what the two errno values sched_setaffinity gives in practice mean. */
    static String errnoHint(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (m.matches("(?s).*errno=22\\b.*")) {
            return " - EINVAL: that CPU is offline, not on this machine, or outside this process's cpuset";
        }
        if (m.matches("(?s).*errno=1\\b.*")) {
            return " - EPERM: the sandbox (seccomp, container policy) does not allow setting affinity";
        }
        return "";
    }

    private static String implName() {
        try {
            return Affinity.getAffinityImpl().getClass().getSimpleName();
        } catch (RuntimeException | LinkageError e) {
            return "unavailable";
        }
    }

    /** The first failure in the process is a WARNING; the rest go to DEBUG so a pool of Execs does not spam. */
    private static void failed(String message, Throwable cause) {
        Level level = WARNED.compareAndSet(false, true) ? Level.WARNING : Level.DEBUG;
        String text = "corepin affinity: " + message
            + (level == Level.WARNING ? " (further pinning failures are logged at DEBUG)" : "");
        if (cause == null || level == Level.WARNING) {
            LOG.log(level, text); // the cause is in the text; a stack trace would bury the one line that matters
        } else {
            LOG.log(level, text, cause);
        }
    }

    /** Forgets that the warning and the disabled notice were logged (tests only). */
    static void resetLogOnce() {
        WARNED.set(false);
        DISABLED_LOGGED.set(false);
    }
}
