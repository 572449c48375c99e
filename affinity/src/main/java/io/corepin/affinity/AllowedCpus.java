package io.corepin.affinity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import net.openhft.affinity.Affinity;

/**
 * The CPUs this process may run on.
 *
 * <p>Read from three places:
 * <ol>
 *   <li>the calling thread's {@code sched_getaffinity} mask, through OpenHFT's {@link Affinity#getAffinity()};</li>
 *   <li>the process's mask, {@code Cpus_allowed_list} in {@code /proc/self/status} (the main thread's mask, which is
 *       what {@code taskset} set). It is joined to the first so that asking from a thread that is already pinned
 *       (an Exec building another group) still sees every CPU the process was given, not just that one;</li>
 *   <li>the cgroup cpuset, which the mask is intersected with when readable: {@code /sys/fs/cgroup/cpuset.cpus.effective}
 *       (cgroup v2), else {@code /sys/fs/cgroup/cpuset/cpuset.effective_cpus} or {@code .../cpuset.cpus} (v1).</li>
 * </ol>
 * When none of these can be read (no native access, not Linux) the answer is CPUs {@code 0 .. availableProcessors()-1}.
 */
public final class AllowedCpus {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final List<String> CGROUP_FILES = List.of(
        "cpuset.cpus.effective",           // cgroup v2
        "cpuset/cpuset.effective_cpus",    // cgroup v1
        "cpuset/cpuset.cpus");             // cgroup v1, older kernels

    private AllowedCpus() {
    }

    /**
     * The CPUs this process may run on, as a new set. Never empty, never throws.
     *
     * @return a fresh {@link BitSet}: bit {@code n} set if CPU {@code n} is allowed
     */
    public static BitSet detect() {
        return read().cpus();
    }

    /** The allowed set with a note of where it came from. */
    static Reading read() {
        return combine(threadMask(), processMask(PROC_STATUS), cgroupCpuset(CGROUP_ROOT),
            Runtime.getRuntime().availableProcessors());
    }

    /** A set read from somewhere; {@code cpus} is never empty. */
    record Source(String name, BitSet cpus) {
    }

    /** The result: {@code cpus} is never empty; {@code source} says how it was worked out. */
    record Reading(BitSet cpus, String source) {
    }

    /**
     * Joins the thread and process masks (either may be {@code null}), intersects with the cgroup cpuset (may be
     * {@code null}), and falls back to {@code 0..availableProcessors-1} if nothing was readable.
     */
    static Reading combine(Source thread, Source process, Source cgroup, int availableProcessors) {
        BitSet mask = null;
        StringBuilder source = new StringBuilder();
        for (Source s : new Source[] {thread, process}) {
            if (s != null) {
                if (mask == null) {
                    mask = (BitSet) s.cpus().clone();
                } else {
                    mask.or(s.cpus());
                    source.append(" + ");
                }
                source.append(s.name());
            }
        }
        if (cgroup != null) {
            if (mask == null) {
                return new Reading((BitSet) cgroup.cpus().clone(), "cgroup " + cgroup.name());
            }
            BitSet both = (BitSet) mask.clone();
            both.and(cgroup.cpus());
            if (both.isEmpty()) {
                return new Reading(mask, source + " (cgroup " + cgroup.name() + " says " + CpuList.format(cgroup.cpus())
                    + ", disjoint: ignored)");
            }
            return new Reading(both, source + " within cgroup " + cgroup.name());
        }
        if (mask != null) {
            return new Reading(mask, source.toString());
        }
        BitSet all = new BitSet();
        all.set(0, Math.max(1, availableProcessors));
        return new Reading(all, "availableProcessors() (no affinity mask or cpuset readable)");
    }

    /** The calling thread's mask via OpenHFT, or {@code null}. */
    static Source threadMask() {
        try {
            BitSet mask = Affinity.getAffinity();
            if (mask != null && !mask.isEmpty()) {
                return new Source("sched_getaffinity", (BitSet) mask.clone());
            }
        } catch (RuntimeException | LinkageError e) {
            // no native access (JNA missing, not Linux): other sources decide
        }
        return null;
    }

    /** {@code Cpus_allowed_list} from a {@code /proc/<pid>/status} file, or {@code null}. */
    static Source processMask(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    BitSet cpus = CpuList.parse(line.substring(line.indexOf(':') + 1));
                    return cpus.isEmpty() ? null : new Source(status + " Cpus_allowed_list", cpus);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable
        }
        return null;
    }

    /** The first readable, well-formed, non-empty cpuset file under a cgroup mount, or {@code null}. */
    static Source cgroupCpuset(Path root) {
        for (String file : CGROUP_FILES) {
            Path path = root.resolve(file);
            try {
                if (Files.isReadable(path)) {
                    BitSet cpus = CpuList.parse(Files.readString(path));
                    if (!cpus.isEmpty()) {
                        return new Source(path.toString(), cpus);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable or malformed: try the next location
            }
        }
        return null;
    }
}
