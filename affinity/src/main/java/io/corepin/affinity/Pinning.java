package io.corepin.affinity;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.affinity.Affinity;

/**
 * Pins threads to CPUs through OpenHFT's Java-Thread-Affinity ({@code sched_setaffinity} on Linux) and reports what
 * actually took effect. When pinning is impossible (no native access, a cpuset that forbids it, another OS) threads
 * run unpinned and one warning per process says why. The system property {@code corepin.affinity.disable=true}
 * turns pinning off.
 */
public final class Pinning {
    private static final System.Logger LOG = System.getLogger("io.corepin.affinity");
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private Pinning() {
    }

    /**
     * Pins the calling thread to exactly {@code cpu}, then reads its affinity back.
     *
     * @return {@code cpu} if the thread's mask is now exactly that CPU, else {@link AffinityPlan#UNPINNED}
     *     ({@code UNPINNED} in gives {@code UNPINNED} out without touching the thread)
     */
    public static int pinCurrentThread(int cpu) {
        if (cpu == AffinityPlan.UNPINNED) {
            return AffinityPlan.UNPINNED;
        }
        if (Boolean.getBoolean("corepin.affinity.disable")) {
            warnOnce(System.Logger.Level.INFO, "pinning disabled by -Dcorepin.affinity.disable=true", null);
            return AffinityPlan.UNPINNED;
        }
        try {
            BitSet want = new BitSet();
            want.set(cpu);
            Affinity.setAffinity(want);
            BitSet got = Affinity.getAffinity();
            if (want.equals(got)) {
                return cpu;
            }
            warnOnce(System.Logger.Level.WARNING, "asked for CPU " + cpu + " but the thread's affinity is "
                + (got == null ? "unknown" : CpuList.format(got)) + "; running unpinned", null);
        } catch (Throwable e) {
            warnOnce(System.Logger.Level.WARNING, "cannot pin threads here (" + e + "); running unpinned", e);
        }
        return AffinityPlan.UNPINNED;
    }

    /**
     * Restores the calling thread's affinity to {@code cpus} (for threads that were pinned temporarily).
     *
     * @return {@code true} if the mask now equals {@code cpus}
     */
    public static boolean setAffinity(BitSet cpus) {
        try {
            Affinity.setAffinity(cpus);
            return cpus.equals(Affinity.getAffinity());
        } catch (Throwable e) {
            return false;
        }
    }

    /** The calling thread's affinity mask, or {@code null} if it cannot be read. */
    public static BitSet currentAffinity() {
        try {
            return Affinity.getAffinity();
        } catch (Throwable e) {
            return null;
        }
    }

    /** The CPU the calling thread is running on right now ({@code sched_getcpu}), or -1 if unknown. */
    public static int currentCpu() {
        try {
            return Affinity.getCpu();
        } catch (Throwable e) {
            return -1;
        }
    }

    private static void warnOnce(System.Logger.Level level, String message, Throwable cause) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.log(level, "corepin affinity: " + message, cause);
        }
    }
}
