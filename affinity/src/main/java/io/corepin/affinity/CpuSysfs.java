package io.corepin.affinity;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;

/**
 * What {@code /sys} says about the CPUs beyond their topology: which the kernel isolates ({@code isolcpus=},
 * {@code devices/system/cpu/isolated}), which run without the scheduler tick ({@code nohz_full=},
 * {@code devices/system/cpu/nohz_full}), and the NUMA node of each ({@code devices/system/node/node<N>/cpulist}, or
 * where that directory is missing, the {@code devices/system/cpu/cpu<N>/node<M>} links). Immutable.
 *
 * <p>Absent files are normal (no {@code isolcpus=}, a kernel without NUMA or without {@code CONFIG_NO_HZ_FULL}): they
 * mean nothing isolated, nothing tickless, NUMA nodes unknown. A malformed file is ignored the same way, and
 * {@link #problems()} says so, naming the file and its text. NUMA is all or nothing: one malformed node file, a node
 * without a {@code cpulist}, or a CPU on two nodes leaves every CPU's node unknown, so that a plan never keeps a group
 * "on one node" from half a map.
 */
final class CpuSysfs {
    /** Nothing known: what a layout made from explicit facts has. */
    static final CpuSysfs NONE = new CpuSysfs(new BitSet(), new BitSet(), new int[0], false, List.of());

    private static final int UNKNOWN = -1;

    private final BitSet isolated;
    private final BitSet nohzFull;
    private final int[] node;
    private final boolean numaKnown;
    private final List<String> problems;

    private CpuSysfs(BitSet isolated, BitSet nohzFull, int[] node, boolean numaKnown, List<String> problems) {
        this.isolated = isolated;
        this.nohzFull = nohzFull;
        this.node = node;
        this.numaKnown = numaKnown;
        this.problems = List.copyOf(problems);
    }

    /** This machine's {@code /sys}, read once per process; problems are logged once, as one WARNING. */
    static CpuSysfs machine() {
        return Machine.SYSFS;
    }

    private static final class Machine {
        static final CpuSysfs SYSFS = read(Path.of("/sys"));

        static {
            if (!SYSFS.problems.isEmpty()) {
                System.getLogger("io.corepin.affinity").log(Level.WARNING, "corepin affinity: "
                    + String.join("; ", SYSFS.problems));
            }
        }
    }

    /**
     * Reads a directory laid out like {@code /sys}. Never throws.
     *
     * @param sysRoot {@code /sys}, or a test's stand-in
     */
    static CpuSysfs read(Path sysRoot) {
        List<String> problems = new ArrayList<>();
        Path cpuDir = sysRoot.resolve("devices/system/cpu");
        BitSet isolated = cpuListFile(cpuDir.resolve("isolated"), problems);
        BitSet nohzFull = cpuListFile(cpuDir.resolve("nohz_full"), problems);
        TreeMap<Integer, Integer> nodeOf = new TreeMap<>(); // cpu -> node
        boolean known;
        Path nodeDir = sysRoot.resolve("devices/system/node");
        if (Files.isDirectory(nodeDir)) {
            known = nodesFromNodeDirectory(nodeDir, nodeOf, problems);
        } else {
            known = nodesFromCpuLinks(cpuDir, nodeOf, problems);
        }
        boolean numaKnown = known && !nodeOf.isEmpty();
        int[] node = new int[numaKnown ? nodeOf.lastKey() + 1 : 0];
        Arrays.fill(node, UNKNOWN);
        if (numaKnown) {
            nodeOf.forEach((cpu, n) -> node[cpu] = n);
        }
        return new CpuSysfs(isolated, nohzFull, node, numaKnown, problems);
    }

    /** A CPU-list file: absent or blank is the empty set; malformed is the empty set and a problem. */
    private static BitSet cpuListFile(Path file, List<String> problems) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return new BitSet();
        } catch (IOException | RuntimeException e) {
            if (Files.exists(file)) {
                problems.add(file + " unreadable (" + e + "); ignored");
            }
            return new BitSet();
        }
        if (text.strip().equals("(null)")) { // older kernels print an unallocated nohz_full mask so
            return new BitSet();
        }
        try {
            return CpuList.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(file + ": " + e.getMessage() + "; ignored");
            return new BitSet();
        }
    }

    /** {@code node<N>/cpulist} for every {@code node<N>}; false (and a problem) if any is missing or malformed. */
    private static boolean nodesFromNodeDirectory(Path nodeDir, TreeMap<Integer, Integer> nodeOf,
                                                  List<String> problems) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(nodeDir)) {
            for (Path entry : entries) {
                int n = numberAfter("node", entry.getFileName().toString());
                if (n < 0 || !Files.isDirectory(entry)) {
                    continue; // online, possible, has_cpu, power, ...
                }
                Path cpulist = entry.resolve("cpulist");
                String text;
                try {
                    text = Files.readString(cpulist);
                } catch (IOException | RuntimeException e) {
                    problems.add(cpulist + " missing or unreadable (" + e.getClass().getSimpleName()
                        + "); NUMA nodes unknown");
                    return false;
                }
                BitSet cpus;
                try {
                    cpus = CpuList.parse(text);
                } catch (IllegalArgumentException e) {
                    problems.add(cpulist + ": " + e.getMessage() + "; NUMA nodes unknown");
                    return false;
                }
                for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1)) {
                    if (!assign(nodeOf, cpu, n, problems)) {
                        return false;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(nodeDir + " unreadable (" + e + "); NUMA nodes unknown");
            return false;
        }
        return true;
    }

    /** The {@code cpu<N>/node<M>} links; false (and a problem) if a CPU has two. No links at all: unknown. */
    private static boolean nodesFromCpuLinks(Path cpuDir, TreeMap<Integer, Integer> nodeOf, List<String> problems) {
        if (!Files.isDirectory(cpuDir)) {
            return false;
        }
        try (DirectoryStream<Path> cpus = Files.newDirectoryStream(cpuDir)) {
            for (Path cpuEntry : cpus) {
                int cpu = numberAfter("cpu", cpuEntry.getFileName().toString());
                if (cpu < 0 || cpu >= CpuList.MAX_CPU_ID || !Files.isDirectory(cpuEntry)) {
                    continue; // cpufreq, cpuidle, online, isolated, ...
                }
                try (DirectoryStream<Path> links = Files.newDirectoryStream(cpuEntry)) {
                    for (Path link : links) {
                        int n = numberAfter("node", link.getFileName().toString());
                        if (n >= 0 && !assign(nodeOf, cpu, n, problems)) {
                            return false;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(cpuDir + " unreadable (" + e + "); NUMA nodes unknown");
            return false;
        }
        return true;
    }

    private static boolean assign(TreeMap<Integer, Integer> nodeOf, int cpu, int n, List<String> problems) {
        Integer before = nodeOf.putIfAbsent(cpu, n);
        if (before != null && before != n) {
            problems.add("CPU " + cpu + " is listed on node" + Math.min(before, n) + " and node"
                + Math.max(before, n) + "; NUMA nodes unknown");
            return false;
        }
        return true;
    }

    /** The number in {@code prefix<digits>} (at most 6 digits), else -1. */
    private static int numberAfter(String prefix, String name) {
        if (!name.startsWith(prefix) || name.length() == prefix.length() || name.length() > prefix.length() + 6) {
            return -1;
        }
        int v = 0;
        for (int i = prefix.length(); i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The isolated CPUs, as a new set (any CPU the file names, allowed to this process or not). */
    BitSet isolated() {
        return (BitSet) isolated.clone();
    }

    /** The {@code nohz_full} CPUs, as a new set. */
    BitSet nohzFull() {
        return (BitSet) nohzFull.clone();
    }

    boolean isIsolated(int cpu) {
        return cpu >= 0 && isolated.get(cpu);
    }

    boolean isNohzFull(int cpu) {
        return cpu >= 0 && nohzFull.get(cpu);
    }

    /** Whether every CPU's node was read (some CPUs, offline ones, may still be on no node). */
    boolean numaKnown() {
        return numaKnown;
    }

    /** The node of a CPU, or -1 if unknown, on no node, or not a CPU id. */
    int nodeOf(int cpu) {
        return cpu >= 0 && cpu < node.length ? node[cpu] : UNKNOWN;
    }

    /** What was malformed and ignored, one line each naming the file and its text; empty when all was well. */
    List<String> problems() {
        return problems;
    }
}
