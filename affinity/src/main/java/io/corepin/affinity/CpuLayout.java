package io.corepin.affinity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import net.openhft.affinity.impl.VanillaCpuLayout;

/**
 * A snapshot of the machine as this process sees it: how many logical CPUs there are, which of them the process may
 * run on ({@link AllowedCpus}), and, where OpenHFT's {@link VanillaCpuLayout#fromCpuInfo()} can tell from
 * {@code /proc/cpuinfo}, the socket, core and hyperthread of each CPU. Immutable.
 *
 * <p>Nothing here throws on an odd machine: if {@code /proc/cpuinfo} is missing or not understood (another OS,
 * unparsable ids, a CPU count that does not match {@code /sys/devices/system/cpu/online}), the layout is flat:
 * topology unknown, every CPU its own physical core. An architecture whose {@code /proc/cpuinfo} has no
 * {@code core id} lines (most ARM) comes out the same way, as one core per CPU.
 * The topology is read once per process; the allowed set afresh on every {@link #detect()}.
 *
 * <p>From {@code /sys} (also once per process) it knows which CPUs the kernel isolates ({@link #isolated()}:
 * {@code isolcpus=}), which run without the scheduler tick ({@link #nohzFull()}: {@code nohz_full=}) and the NUMA
 * node of each CPU ({@link #numaNode(int)}); {@link AffinityPlan#auto(int)} prefers the first two and keeps a group on
 * one node. Absent files mean nothing isolated and nodes unknown; a malformed one is ignored, and {@link #toString()}
 * (and one WARNING per process on the {@code io.corepin.affinity} logger) names the file and its text.
 */
public final class CpuLayout {
    private static final int UNKNOWN = -1;

    private final BitSet allowed;
    private final int[] socket;
    private final int[] core;
    private final int[] thread;
    private final int[] physicalCore;
    private final int physicalCores;
    private final boolean topologyKnown;
    private final String allowedSource;
    private final String topologySource;
    private final CpuSysfs sysfs;

    private CpuLayout(BitSet allowed, int[] socket, int[] core, int[] thread, boolean topologyKnown,
                      String allowedSource, String topologySource, CpuSysfs sysfs) {
        this.sysfs = sysfs;
        this.allowed = (BitSet) allowed.clone();
        this.socket = socket;
        this.core = core;
        this.thread = thread;
        this.topologyKnown = topologyKnown;
        this.allowedSource = allowedSource;
        this.topologySource = topologySource;
        this.physicalCore = new int[socket.length];
        Map<Long, Integer> ids = new HashMap<>();
        int next = 0;
        for (int cpu = 0; cpu < socket.length; cpu++) {
            if (socket[cpu] == UNKNOWN || core[cpu] == UNKNOWN) {
                physicalCore[cpu] = next++;
            } else {
                Integer id = ids.get(((long) socket[cpu] << 32) | core[cpu]);
                if (id == null) {
                    id = next++;
                    ids.put(((long) socket[cpu] << 32) | core[cpu], id);
                }
                physicalCore[cpu] = id;
            }
        }
        this.physicalCores = next;
    }

    /**
     * Reads the layout of this machine and process. Never throws.
     *
     * @return a new snapshot; the allowed CPUs are read now, the topology was read once per process
     */
    public static CpuLayout detect() {
        AllowedCpus.Reading reading = AllowedCpus.read();
        return build(reading.cpus(), reading.source(), TopologyHolder.TOPOLOGY, CpuSysfs.machine());
    }

    // ---- construction from explicit facts (tests) and from what was read ----

    /**
     * A layout from explicit facts: {@code physicalCore[cpu]} is any id shared by hyperthread siblings, one socket.
     *
     * @throws IllegalArgumentException if the allowed set is empty or names a CPU {@code >= physicalCore.length}
     */
    static CpuLayout of(BitSet allowed, int[] physicalCore) {
        return of(allowed, new int[physicalCore.length], physicalCore);
    }

    /**
     * A layout from explicit facts: CPU {@code n} is on socket {@code socket[n]}, core {@code core[n]}; CPUs sharing
     * both are hyperthread siblings, numbered in CPU order.
     *
     * @throws IllegalArgumentException if the arrays differ in length, an id is negative, or the allowed set is
     *     empty or names a CPU beyond the arrays
     */
    static CpuLayout of(BitSet allowed, int[] socket, int[] core) {
        if (socket.length != core.length) {
            throw new IllegalArgumentException("socket and core arrays differ in length: " + socket.length + " vs "
                + core.length);
        }
        if (allowed.isEmpty() || allowed.length() > socket.length) {
            throw new IllegalArgumentException("allowed CPUs \"" + CpuList.format(allowed)
                + "\" do not fit a machine of " + socket.length + " CPUs");
        }
        int[] thread = new int[socket.length];
        Map<Long, Integer> seen = new HashMap<>();
        for (int cpu = 0; cpu < socket.length; cpu++) {
            if (socket[cpu] < 0 || core[cpu] < 0) {
                throw new IllegalArgumentException("negative socket or core id for CPU " + cpu);
            }
            thread[cpu] = seen.merge(((long) socket[cpu] << 32) | core[cpu], 1, Integer::sum) - 1;
        }
        return new CpuLayout(allowed, socket.clone(), core.clone(), thread, true, "given", "given", CpuSysfs.NONE);
    }

    /** This layout with isolation and NUMA facts read from a (fake) {@code /sys} instead of its own (tests). */
    CpuLayout withSysfs(CpuSysfs facts) {
        return new CpuLayout(allowed, socket, core, thread, topologyKnown, allowedSource, topologySource, facts);
    }

    /** A layout from the allowed set and a topology, nothing known from {@code /sys}. */
    static CpuLayout build(BitSet allowed, String allowedSource, Topology topology) {
        return build(allowed, allowedSource, topology, CpuSysfs.NONE);
    }

    /** A layout from the allowed set, a topology (known or not) and {@code /sys} facts; sized to fit the first two. */
    static CpuLayout build(BitSet allowed, String allowedSource, Topology topology, CpuSysfs sysfs) {
        int n = Math.max(topology.cpuCount(), allowed.length());
        int[] socket = new int[n];
        int[] core = new int[n];
        int[] thread = new int[n];
        Arrays.fill(socket, UNKNOWN);
        Arrays.fill(core, UNKNOWN);
        Arrays.fill(thread, UNKNOWN);
        if (topology.known()) {
            System.arraycopy(topology.socket(), 0, socket, 0, topology.socket().length);
            System.arraycopy(topology.core(), 0, core, 0, topology.core().length);
            System.arraycopy(topology.thread(), 0, thread, 0, topology.thread().length);
        }
        return new CpuLayout(allowed, socket, core, thread, topology.known(), allowedSource, topology.source(),
            sysfs);
    }

    /**
     * Socket, core and thread id per CPU id (arrays of equal length, {@code -1} where unknown), the number of CPU ids
     * on the machine, and where that came from.
     */
    record Topology(int[] socket, int[] core, int[] thread, int cpuCount, boolean known, String source) {
        static Topology unknown(int cpuCount, String why) {
            return new Topology(new int[0], new int[0], new int[0], cpuCount, false, why);
        }
    }

    /** Reads /proc/cpuinfo through OpenHFT once, lazily. */
    private static final class TopologyHolder {
        static final Topology TOPOLOGY = topology(VanillaCpuLayout::fromCpuInfo,
            readCpuList(Path.of("/sys/devices/system/cpu/online")));
    }

    /**
     * Maps OpenHFT's layout onto CPU ids. OpenHFT numbers CPUs by their position in {@code /proc/cpuinfo}, which lists
     * online CPUs only, in ascending order; so position {@code i} is the {@code i}-th online CPU. If the counts do not
     * match, or OpenHFT fails (older versions throw {@link AssertionError} when sockets × cores × threads does not add
     * up, as on hybrid CPUs; 2026.2 only logs it), the topology is unknown.
     *
     * @param online the online CPUs, or {@code null} if unknown (then positions are taken as ids)
     */
    static Topology topology(Callable<? extends net.openhft.affinity.CpuLayout> reader, BitSet online) {
        int onlineCount = online == null ? 0 : online.length();
        try {
            net.openhft.affinity.CpuLayout layout = reader.call();
            int n = layout.cpus();
            if (n <= 0) {
                return Topology.unknown(onlineCount, "topology unknown: /proc/cpuinfo lists no CPUs");
            }
            int[] ids;
            if (online == null) {
                ids = new int[n];
                Arrays.setAll(ids, i -> i);
            } else if (online.cardinality() == n) {
                ids = online.stream().toArray();
            } else {
                return Topology.unknown(onlineCount, "topology unknown: /proc/cpuinfo lists " + n
                    + " CPUs but " + CpuList.format(online) + " are online");
            }
            int size = ids[n - 1] + 1;
            int[] socket = new int[size];
            int[] core = new int[size];
            int[] thread = new int[size];
            Arrays.fill(socket, UNKNOWN);
            Arrays.fill(core, UNKNOWN);
            Arrays.fill(thread, UNKNOWN);
            for (int i = 0; i < n; i++) {
                int s = layout.socketId(i);
                int c = layout.coreId(i);
                int t = layout.threadId(i);
                if (s < 0 || c < 0 || t < 0) {
                    return Topology.unknown(Math.max(onlineCount, size), "topology unknown: /proc/cpuinfo gives CPU "
                        + ids[i] + " a negative socket, core or thread id");
                }
                socket[ids[i]] = s;
                core[ids[i]] = c;
                thread[ids[i]] = t;
            }
            return new Topology(socket, core, thread, Math.max(onlineCount, size), true, "/proc/cpuinfo");
        } catch (Exception | LinkageError | AssertionError e) {
            return Topology.unknown(onlineCount, "topology unknown: /proc/cpuinfo not understood ("
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()))
                + ")");
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static BitSet readCpuList(Path path) {
        try {
            BitSet cpus = CpuList.parse(Files.readString(path));
            return cpus.isEmpty() ? null : cpus;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // ---- accessors ----

    /**
     * Number of logical CPU ids on the machine: ids run {@code 0 .. cpuCount()-1} (some may be offline).
     *
     * @return at least 1
     */
    public int cpuCount() {
        return socket.length;
    }

    /**
     * The CPUs this process may run on.
     *
     * @return a new array, ascending, never empty
     */
    public int[] allowedCpus() {
        return allowed.stream().toArray();
    }

    /**
     * Whether this process may run on a CPU.
     *
     * @param cpu a CPU id
     * @return {@code true} if allowed; {@code false} for any id not on the machine
     */
    public boolean isAllowed(int cpu) {
        return cpu >= 0 && allowed.get(cpu);
    }

    /**
     * The allowed CPUs in Linux CPU-list syntax.
     *
     * @return for example {@code "1-3,6"}
     */
    public String allowedList() {
        return CpuList.format(allowed);
    }

    /**
     * Whether socket, core and thread ids came from the machine.
     *
     * @return {@code false} for a flat layout (every CPU its own core, ids -1)
     */
    public boolean topologyKnown() {
        return topologyKnown;
    }

    /**
     * The socket ({@code physical id} in {@code /proc/cpuinfo}) of a CPU.
     *
     * @param cpu a CPU id in {@code [0, cpuCount())}
     * @return the socket id, or -1 if unknown
     * @throws IndexOutOfBoundsException if {@code cpu} is not in {@code [0, cpuCount())}
     */
    public int socketId(int cpu) {
        return socket[check(cpu)];
    }

    /**
     * The core id of a CPU within its socket ({@code core id} in {@code /proc/cpuinfo}).
     *
     * @param cpu a CPU id in {@code [0, cpuCount())}
     * @return the core id, or -1 if unknown
     * @throws IndexOutOfBoundsException if {@code cpu} is not in {@code [0, cpuCount())}
     */
    public int coreId(int cpu) {
        return core[check(cpu)];
    }

    /**
     * Which hyperthread of its physical core a CPU is.
     *
     * @param cpu a CPU id in {@code [0, cpuCount())}
     * @return 0 for the core's first CPU, 1 for its sibling, ...; -1 if unknown
     * @throws IndexOutOfBoundsException if {@code cpu} is not in {@code [0, cpuCount())}
     */
    public int threadId(int cpu) {
        return thread[check(cpu)];
    }

    /**
     * A dense physical-core index shared by a CPU and its hyperthread siblings, across sockets.
     *
     * @param cpu a CPU id in {@code [0, cpuCount())}
     * @return an index {@code >= 0}; a CPU of unknown topology is its own core
     * @throws IndexOutOfBoundsException if {@code cpu} is not in {@code [0, cpuCount())}
     */
    public int physicalCoreOf(int cpu) {
        return physicalCore[check(cpu)];
    }

    /**
     * The CPUs the kernel isolates from general scheduling and load balancing, booted with {@code isolcpus=}
     * ({@code /sys/devices/system/cpu/isolated}): all of them, whether this process may run on them or not. A default
     * {@link AffinityPlan} puts Execs on the allowed ones first.
     *
     * @return a new array, ascending; empty if none (or the file is absent or malformed)
     */
    public int[] isolated() {
        return sysfs.isolated().stream().toArray();
    }

    /**
     * The CPUs that run without the periodic scheduler tick while they have one task, booted with {@code nohz_full=}
     * ({@code /sys/devices/system/cpu/nohz_full}). A default {@link AffinityPlan} prefers the allowed ones after the
     * isolated ones.
     *
     * @return a new array, ascending; empty if none (or the file is absent or malformed)
     */
    public int[] nohzFull() {
        return sysfs.nohzFull().stream().toArray();
    }

    /**
     * Whether the NUMA node of each CPU was read from {@code /sys}.
     *
     * @return {@code false} on a kernel without NUMA support, or if a node file was malformed (then every node is -1)
     */
    public boolean numaKnown() {
        return sysfs.numaKnown();
    }

    /**
     * The NUMA node of a CPU ({@code /sys/devices/system/node/node<N>/cpulist}).
     *
     * @param cpu a CPU id in {@code [0, cpuCount())}
     * @return the node id ({@code >= 0}), or -1 if NUMA is unknown or the CPU is on no node (offline)
     * @throws IndexOutOfBoundsException if {@code cpu} is not in {@code [0, cpuCount())}
     */
    public int numaNode(int cpu) {
        return sysfs.nodeOf(check(cpu));
    }

    boolean isIsolated(int cpu) {
        return sysfs.isIsolated(cpu);
    }

    BitSet allowedSet() {
        return (BitSet) allowed.clone();
    }

    BitSet isolatedSet() {
        return sysfs.isolated();
    }

    BitSet nohzFullSet() {
        return sysfs.nohzFull();
    }

    boolean isNohzFull(int cpu) {
        return sysfs.isNohzFull(cpu);
    }

    /** What /sys had that was malformed and ignored (tests, {@link #toString()}). */
    List<String> sysfsProblems() {
        return sysfs.problems();
    }

    private int check(int cpu) {
        if (cpu < 0 || cpu >= socket.length) {
            throw new IndexOutOfBoundsException("CPU " + cpu + " is not on this machine (CPU ids 0-"
                + (socket.length - 1) + ")");
        }
        return cpu;
    }

    /**
     * A readable summary, for example
     * {@code "2 CPUs, 1 socket, 2 physical cores; allowed 0-1 (sched_getaffinity ...); topology from /proc/cpuinfo:
     * cpu0=s0/c0/t0 cpu1=s0/c1/t0"}.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(cpuCount()).append(cpuCount() == 1 ? " CPU" : " CPUs");
        if (topologyKnown) {
            long sockets = Arrays.stream(socket).filter(s -> s != UNKNOWN).distinct().count();
            sb.append(", ").append(sockets).append(sockets == 1 ? " socket, " : " sockets, ")
                .append(physicalCores).append(physicalCores == 1 ? " physical core" : " physical cores");
        }
        sb.append("; allowed ").append(allowedList()).append(" (").append(allowedSource).append("); ");
        appendSysfs(sb);
        if (!topologyKnown) {
            return sb.append(topologySource).append(", treating every CPU as its own core").toString();
        }
        sb.append("topology from ").append(topologySource);
        if (cpuCount() <= 64) {
            sb.append(" (cpu=socket/core/thread):");
            for (int cpu = 0; cpu < cpuCount(); cpu++) {
                sb.append(' ').append(cpu).append('=');
                if (socket[cpu] == UNKNOWN) {
                    sb.append('?');
                } else {
                    sb.append(socket[cpu]).append('/').append(core[cpu]).append('/').append(thread[cpu]);
                }
            }
        }
        return sb.toString();
    }

    /** {@code "isolated 2-5; nohz_full 4-5; 2 NUMA nodes (0: 0-3, 1: 4-7); "}, and what was ignored. */
    private void appendSysfs(StringBuilder sb) {
        sb.append("isolated ").append(CpuList.show(sysfs.isolated()))
            .append("; nohz_full ").append(CpuList.show(sysfs.nohzFull())).append("; ");
        if (sysfs.numaKnown()) {
            TreeMap<Integer, BitSet> nodes = new TreeMap<>();
            for (int cpu = 0; cpu < cpuCount(); cpu++) {
                if (sysfs.nodeOf(cpu) >= 0) {
                    nodes.computeIfAbsent(sysfs.nodeOf(cpu), n -> new BitSet()).set(cpu);
                }
            }
            sb.append(nodes.size()).append(nodes.size() == 1 ? " NUMA node (" : " NUMA nodes (");
            String sep = "";
            for (Map.Entry<Integer, BitSet> e : nodes.entrySet()) {
                sb.append(sep).append(e.getKey()).append(": ").append(CpuList.format(e.getValue()));
                sep = ", ";
            }
            sb.append("); ");
        } else {
            sb.append("NUMA nodes unknown; ");
        }
        for (String problem : sysfs.problems()) {
            sb.append(problem).append("; ");
        }
    }
}
