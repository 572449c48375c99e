package io.corepin.affinity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import net.openhft.affinity.Affinity;
import net.openhft.affinity.impl.VanillaCpuLayout;

/**
 * A snapshot of the machine as this process sees it: how many logical CPUs there are, which ones the process may
 * run on (its {@code sched_getaffinity} mask intersected with its cgroup cpuset), and which CPUs are hyperthread
 * siblings of one physical core (from {@code /proc/cpuinfo}, through OpenHFT's {@code VanillaCpuLayout}). Anything
 * that cannot be read degrades to a flat layout: every CPU its own core, all of {@code availableProcessors()}
 * allowed.
 */
public final class CpuLayout {
    private static final List<Path> CGROUP_CPUSETS = List.of(
        Path.of("/sys/fs/cgroup/cpuset.cpus.effective"),           // cgroup v2
        Path.of("/sys/fs/cgroup/cpuset/cpuset.effective_cpus"),    // cgroup v1
        Path.of("/sys/fs/cgroup/cpuset/cpuset.cpus"));

    private final int cpuCount;
    private final BitSet allowed;
    private final int[] physicalCore;
    private final String source;

    private CpuLayout(int cpuCount, BitSet allowed, int[] physicalCore, String source) {
        this.cpuCount = cpuCount;
        this.allowed = (BitSet) allowed.clone();
        this.physicalCore = physicalCore.clone();
        this.source = source;
    }

    /**
     * A layout from explicit facts (tests, or a machine description): {@code physicalCore[cpu]} is any id shared by
     * hyperthread siblings.
     *
     * @throws IllegalArgumentException if the allowed set is empty or names a CPU {@code >= physicalCore.length}
     */
    static CpuLayout of(BitSet allowed, int[] physicalCore) {
        if (allowed.isEmpty() || allowed.length() > physicalCore.length) {
            throw new IllegalArgumentException("allowed CPUs " + CpuList.format(allowed) + " do not fit a machine of "
                + physicalCore.length + " CPUs");
        }
        return new CpuLayout(physicalCore.length, allowed, physicalCore, "given");
    }

    /** Reads the layout of this machine and process. Never throws. */
    public static CpuLayout detect() {
        int[] cores = readPhysicalCores();
        StringBuilder source = new StringBuilder();
        BitSet allowed = readAffinityMask(source);
        BitSet cpuset = readCgroupCpuset(source);
        if (cpuset != null) {
            if (allowed == null) {
                allowed = cpuset;
            } else {
                allowed.and(cpuset);
            }
        }
        int count = Math.max(cores.length, allowed == null ? 0 : allowed.length());
        if (allowed == null || allowed.isEmpty()) {
            allowed = new BitSet();
            allowed.set(0, Runtime.getRuntime().availableProcessors());
            source.append("availableProcessors()");
            count = Math.max(count, allowed.length());
        }
        if (cores.length < count) {
            int[] flat = new int[count];
            for (int i = 0; i < count; i++) {
                flat[i] = i < cores.length ? cores[i] : i;
            }
            cores = flat;
        }
        return new CpuLayout(count, allowed, cores, source.toString());
    }

    private static BitSet readAffinityMask(StringBuilder source) {
        try {
            BitSet mask = Affinity.getAffinity();
            if (mask != null && !mask.isEmpty()) {
                source.append("sched_getaffinity");
                return (BitSet) mask.clone();
            }
        } catch (Throwable ignored) {
            // no native access: fall through to /proc
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    source.append("/proc/self/status");
                    return CpuList.parse(line.substring(line.indexOf(':') + 1));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or unreadable
        }
        return null;
    }

    private static BitSet readCgroupCpuset(StringBuilder source) {
        for (Path path : CGROUP_CPUSETS) {
            try {
                if (Files.isReadable(path)) {
                    BitSet set = CpuList.parse(Files.readString(path));
                    if (!set.isEmpty()) {
                        source.append(source.length() > 0 ? " ∩ " : "").append(path);
                        return set;
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // try the next location
            }
        }
        return null;
    }

    /** Physical core id per CPU, or the CPU's own id where /proc/cpuinfo says nothing useful. */
    private static int[] readPhysicalCores() {
        try {
            VanillaCpuLayout layout = VanillaCpuLayout.fromCpuInfo();
            int[] cores = new int[layout.cpus()];
            for (int cpu = 0; cpu < cores.length; cpu++) {
                cores[cpu] = layout.socketId(cpu) * 1_000_000 + layout.coreId(cpu);
            }
            return cores;
        } catch (Throwable e) {
            return new int[0];
        }
    }

    /** Logical CPUs on the machine (the highest id + 1 this process knows of). */
    public int cpuCount() {
        return cpuCount;
    }

    /** The CPUs this process may run on, ascending. */
    public int[] allowedCpus() {
        return allowed.stream().toArray();
    }

    /** {@code true} if this process may run on {@code cpu}. */
    public boolean isAllowed(int cpu) {
        return cpu >= 0 && allowed.get(cpu);
    }

    /** An id shared by {@code cpu} and its hyperthread siblings. */
    public int physicalCoreOf(int cpu) {
        return physicalCore[cpu];
    }

    /** The allowed CPUs in CPU-list syntax, e.g. {@code "1-3,6"}. */
    public String allowedList() {
        return CpuList.format(allowed);
    }

    @Override
    public String toString() {
        long cores = Arrays.stream(physicalCore).distinct().count();
        return cpuCount + " CPUs on " + cores + " physical cores, allowed " + allowedList()
            + (source.isEmpty() ? "" : " (from " + source + ")");
    }
}
