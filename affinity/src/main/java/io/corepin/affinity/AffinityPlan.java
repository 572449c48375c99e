package io.corepin.affinity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which CPU each Exec of a group is pinned to: {@link #cpuFor(int) cpuFor(i)} for Exec {@code i}, or
 * {@link #UNPINNED}. A plan never pins two Execs to one CPU. Immutable.
 *
 * <p>Plans are decisions, not actions: {@link Pinning#pinCurrentThread(int)} carries one out on the Exec's own
 * thread and reports whether it took.
 */
public final class AffinityPlan {
    /** Marks an Exec that is not pinned (and is what {@link Pinning} reports when pinning did not take). */
    public static final int UNPINNED = -1;

    private final int[] cpus;
    private final int[] nodes;
    private final String description;

    private AffinityPlan(int[] cpus, int[] nodes, String description) {
        this.cpus = cpus;
        this.nodes = nodes;
        this.description = description;
    }

    /**
     * {@code execs} Execs over the allowed CPUs of this process, skipping CPU 0 when the other CPUs suffice:
     * {@link #auto(int, boolean, CpuLayout) auto(execs, true, CpuLayout.detect())}.
     *
     * @param execs number of Execs, at least 1
     * @return the plan
     * @throws IllegalArgumentException naming the value if {@code execs < 1}
     */
    public static AffinityPlan auto(int execs) {
        return auto(execs, true, CpuLayout.detect());
    }

    /**
     * {@code execs} Execs over the allowed CPUs of this process:
     * {@link #auto(int, boolean, CpuLayout) auto(execs, skipCpu0, CpuLayout.detect())}.
     *
     * @param execs number of Execs, at least 1
     * @param skipCpu0 leave CPU 0 alone when the other allowed CPUs suffice
     * @return the plan
     * @throws IllegalArgumentException naming the value if {@code execs < 1}
     */
    public static AffinityPlan auto(int execs, boolean skipCpu0) {
        return auto(execs, skipCpu0, CpuLayout.detect());
    }

    /**
     * {@code execs} Execs over the allowed CPUs of {@code layout}, skipping CPU 0 when the other CPUs suffice:
     * {@link #auto(int, boolean, CpuLayout) auto(execs, true, layout)}.
     *
     * @param execs number of Execs, at least 1
     * @param layout the machine to plan for
     * @return the plan
     * @throws IllegalArgumentException naming the value if {@code execs < 1}
     */
    public static AffinityPlan auto(int execs, CpuLayout layout) {
        return auto(execs, true, layout);
    }

    /**
     * {@code execs} Execs over the allowed CPUs of this process, CPU 0 skipped when the others suffice, with a choice
     * of NUMA placement: {@link #auto(int, boolean, CpuLayout, Numa) auto(execs, true, CpuLayout.detect(), numa)}.
     *
     * @param execs number of Execs, at least 1
     * @param numa keep the group on one node ({@link Numa#ONE_NODE}, the default elsewhere) or deal it across nodes
     * @return the plan
     * @throws IllegalArgumentException naming the value if {@code execs < 1}
     */
    public static AffinityPlan auto(int execs, Numa numa) {
        return auto(execs, true, CpuLayout.detect(), numa);
    }

    /**
     * {@code execs} Execs over the allowed CPUs of {@code layout}, kept on one NUMA node:
     * {@link #auto(int, boolean, CpuLayout, Numa) auto(execs, skipCpu0, layout, Numa.ONE_NODE)}.
     *
     * @param execs number of Execs, at least 1
     * @param skipCpu0 leave CPU 0 alone when the other allowed CPUs suffice
     * @param layout the machine to plan for
     * @return the plan
     * @throws IllegalArgumentException naming the value if {@code execs < 1}
     */
    public static AffinityPlan auto(int execs, boolean skipCpu0, CpuLayout layout) {
        return auto(execs, skipCpu0, layout, Numa.ONE_NODE);
    }

    /** Where a default plan puts a group's Execs when the machine has several NUMA nodes. */
    public enum Numa {
        /**
         * All on one node when one node has enough usable CPUs (the Execs then share local memory, and a message
         * between two of them never crosses the socket interconnect): of the nodes that hold every Exec, the one whose
         * best CPUs (isolated, nohz_full) are best, then the lowest node id. When no node holds the group, the node
         * holding most of it is filled first, then the next.
         */
        ONE_NODE,
        /** Exec {@code i} on node {@code i mod nodes} (nodes in id order, a node that runs out is passed over). */
        SPREAD
    }

    /**
     * {@code execs} Execs over the allowed CPUs of {@code layout}, at most one per CPU:
     * <ul>
     *   <li>isolated CPUs first ({@link CpuLayout#isolated()}, booted with {@code isolcpus=}: the scheduler puts no
     *       other task there), then {@code nohz_full} ones ({@link CpuLayout#nohzFull()}: no tick while one task runs),
     *       then the rest; precisely, in this order: isolated and nohz_full, isolated only, nohz_full only, neither.
     *       Only CPUs of the allowed set count: {@code isolcpus=} takes CPUs out of every process's default mask, so
     *       start the JVM under {@code taskset -c} naming them; {@link #describe()} names the isolated CPUs that are
     *       not allowed;</li>
     *   <li>within each of those classes CPUs are taken in ascending order, but one per physical core first, then
     *       hyperthread siblings (when the layout knows siblings); a sibling of a skipped CPU 0 comes after the whole
     *       cores but before any CPU that would share a core with another Exec;</li>
     *   <li>on a machine with several NUMA nodes ({@link CpuLayout#numaKnown()}), the group is placed as
     *       {@code numa} says: on one node, the node chosen before the CPUs within it (so a node that holds every
     *       Exec wins over isolated CPUs on a node that does not, and {@link #describe()} names the isolated CPUs left
     *       unused), or spread across nodes;</li>
     *   <li>with {@code skipCpu0}, CPU 0 (where the OS puts interrupts and housekeeping) is left out, unless that
     *       would leave fewer CPUs than Execs, in which case it is used and {@link #describe()} says so;</li>
     *   <li>Execs beyond the number of usable CPUs are {@link #UNPINNED}, and {@link #describe()} says so.</li>
     * </ul>
     *
     * @param execs number of Execs, at least 1
     * @param skipCpu0 leave CPU 0 alone when the other allowed CPUs suffice
     * @param layout the machine to plan for
     * @param numa keep the group on one NUMA node, or spread it
     * @return the plan
     * @throws IllegalArgumentException naming the value if {@code execs < 1}
     */
    public static AffinityPlan auto(int execs, boolean skipCpu0, CpuLayout layout, Numa numa) {
        checkExecs(execs);
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(numa, "numa");
        int[] allowed = layout.allowedCpus();
        List<String> notes = new ArrayList<>();
        List<Integer> candidates = new ArrayList<>(allowed.length);
        for (int cpu : allowed) {
            candidates.add(cpu);
        }
        boolean cpu0Skipped = false;
        if (layout.isAllowed(0)) {
            if (!skipCpu0) {
                notes.add("CPU 0 used (skipping it was turned off)");
            } else if (allowed.length - 1 >= execs) {
                candidates.remove(Integer.valueOf(0));
                cpu0Skipped = true;
                notes.add("CPU 0 skipped (left to the OS)");
            } else {
                notes.add("CPU 0 used: without it only " + (allowed.length - 1) + " allowed CPU"
                    + (allowed.length - 1 == 1 ? "" : "s") + " for " + execs + " Execs");
            }
        }
        int osCore = cpu0Skipped ? layout.physicalCoreOf(0) : -1;
        // The candidates of each node (one group, node -1, when nodes are unknown), each in order of preference.
        TreeMap<Integer, List<Integer>> byNode = new TreeMap<>();
        for (int cpu : candidates) {
            byNode.computeIfAbsent(layout.numaNode(cpu), n -> new ArrayList<>()).add(cpu);
        }
        List<List<Integer>> nodeOrders = new ArrayList<>();
        for (List<Integer> cpusOfNode : byNode.values()) {
            nodeOrders.add(preferenceOrder(cpusOfNode, layout, osCore));
        }
        List<Integer> ordered = new ArrayList<>(candidates.size());
        if (numa == Numa.SPREAD) {
            for (int round = 0; ordered.size() < candidates.size(); round++) {
                for (List<Integer> node : nodeOrders) {
                    if (round < node.size()) {
                        ordered.add(node.get(round));
                    }
                }
            }
        } else {
            nodeOrders.sort((a, b) -> compareNodes(a, b, execs, layout));
            for (List<Integer> node : nodeOrders) {
                ordered.addAll(node);
            }
        }
        int pinned = Math.min(execs, ordered.size());
        int[] cpus = new int[execs];
        int[] nodes = new int[execs];
        BitSet coresPinned = new BitSet();
        BitSet cpusPinned = new BitSet();
        boolean siblingsShared = false;
        for (int i = 0; i < execs; i++) {
            if (i < pinned) {
                cpus[i] = ordered.get(i);
                nodes[i] = layout.numaNode(cpus[i]);
                cpusPinned.set(cpus[i]);
                int physical = layout.physicalCoreOf(cpus[i]);
                siblingsShared |= coresPinned.get(physical);
                coresPinned.set(physical);
            } else {
                cpus[i] = UNPINNED;
                nodes[i] = UNPINNED;
            }
        }
        if (cpu0Skipped) {
            for (int i = 0; i < pinned; i++) {
                if (layout.physicalCoreOf(cpus[i]) == osCore) {
                    notes.add("CPU " + cpus[i] + " shares a physical core with CPU 0");
                    break;
                }
            }
        }
        if (siblingsShared) {
            notes.add("some Execs share a physical core as hyperthread siblings");
        }
        isolationNotes(layout, candidates, cpusPinned, pinned, cpus, notes);
        numaNotes(layout, numa, execs, pinned, nodes, notes);
        if (pinned < execs) {
            notes.add((execs - pinned) + " of " + execs + " Execs unpinned: only " + ordered.size()
                + " usable CPU" + (ordered.size() == 1 ? "" : "s"));
        }
        StringBuilder description = new StringBuilder("auto, ").append(execs).append(execs == 1 ? " Exec" : " Execs")
            .append(" over allowed CPUs ").append(layout.allowedList());
        if (!layout.topologyKnown()) {
            description.append(" (topology unknown)");
        }
        for (String note : notes) {
            description.append("; ").append(note);
        }
        return new AffinityPlan(cpus, nodes, description.toString());
    }

    /** 0: isolated and nohz_full; 1: isolated; 2: nohz_full; 3: neither. Lower is preferred. */
    private static int isolationClass(CpuLayout layout, int cpu) {
        return (layout.isIsolated(cpu) ? 0 : 2) + (layout.isNohzFull(cpu) ? 0 : 1);
    }

    private static final int CLASSES = 4;

    /**
     * The CPUs (ascending) in order of preference: by isolation class, and within a class, one CPU per physical core
     * not already taken (nor skipped CPU 0's), then one sibling of CPU 0, then the rest, each in ascending order.
     */
    private static List<Integer> preferenceOrder(List<Integer> cpus, CpuLayout layout, int osCore) {
        List<Integer> ordered = new ArrayList<>(cpus.size());
        BitSet coresUsed = new BitSet();
        BitSet taken = new BitSet();
        boolean osCoreUsed = false;
        for (int c = 0; c < CLASSES; c++) {
            for (int cpu : cpus) {
                int physical = layout.physicalCoreOf(cpu);
                if (isolationClass(layout, cpu) == c && physical != osCore && !coresUsed.get(physical)) {
                    coresUsed.set(physical);
                    taken.set(cpu);
                    ordered.add(cpu);
                }
            }
            for (int cpu : cpus) {
                if (!osCoreUsed && isolationClass(layout, cpu) == c && layout.physicalCoreOf(cpu) == osCore) {
                    osCoreUsed = true;
                    taken.set(cpu);
                    ordered.add(cpu);
                }
            }
            for (int cpu : cpus) {
                if (isolationClass(layout, cpu) == c && !taken.get(cpu)) {
                    coresUsed.set(layout.physicalCoreOf(cpu));
                    taken.set(cpu);
                    ordered.add(cpu);
                }
            }
        }
        return ordered;
    }

    /**
     * For {@link Numa#ONE_NODE}: the node missing fewer of the {@code execs} CPUs first, then the one whose first
     * {@code execs} CPUs have the better isolation classes (compared in order), then the lower node id (unknown last).
     */
    private static int compareNodes(List<Integer> a, List<Integer> b, int execs, CpuLayout layout) {
        int byShortfall = Integer.compare(Math.max(0, execs - a.size()), Math.max(0, execs - b.size()));
        if (byShortfall != 0) {
            return byShortfall;
        }
        for (int i = 0; i < execs; i++) {
            int ca = i < a.size() ? isolationClass(layout, a.get(i)) : CLASSES;
            int cb = i < b.size() ? isolationClass(layout, b.get(i)) : CLASSES;
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
        }
        return Integer.compareUnsigned(layout.numaNode(a.get(0)), layout.numaNode(b.get(0))); // -1 sorts last
    }

    /** Which isolated / nohz_full CPUs the plan uses, which it cannot (not allowed) and which it left unused. */
    private static void isolationNotes(CpuLayout layout, List<Integer> candidates, BitSet cpusPinned, int pinned,
                                       int[] cpus, List<String> notes) {
        BitSet allowed = layout.allowedSet();
        String[] names = {"isolated", "nohz_full"};
        BitSet[] sets = {layout.isolatedSet(), layout.nohzFullSet()};
        for (int k = 0; k < 2; k++) {
            BitSet used = (BitSet) sets[k].clone();
            used.and(cpusPinned);
            if (!used.isEmpty()) {
                notes.add("on " + names[k] + " CPUs " + CpuList.format(used));
            }
        }
        for (int k = 0; k < 2; k++) {
            BitSet outside = (BitSet) sets[k].clone();
            outside.andNot(allowed);
            if (!outside.isEmpty()) {
                boolean one = outside.cardinality() == 1;
                notes.add(names[k] + (one ? " CPU " : " CPUs ") + CpuList.format(outside) + (one ? " is" : " are")
                    + " not allowed to this process (start it under taskset -c to use " + (one ? "it)" : "them)"));
            }
        }
        // Preferred CPUs left over while a worse one was used: only the choice of one NUMA node does that.
        int worstUsed = -1;
        for (int i = 0; i < pinned; i++) {
            worstUsed = Math.max(worstUsed, isolationClass(layout, cpus[i]));
        }
        BitSet unused = new BitSet();
        for (int cpu : candidates) {
            if (!cpusPinned.get(cpu) && isolationClass(layout, cpu) < worstUsed) {
                unused.set(cpu);
            }
        }
        if (!unused.isEmpty()) {
            BitSet iso = (BitSet) unused.clone();
            iso.and(sets[0]);
            notes.add((iso.equals(unused) ? "isolated" : "isolated/nohz_full") + " CPUs " + CpuList.format(unused)
                + " unused: the group is kept on one NUMA node (Numa.SPREAD would use them)");
        }
    }

    private static void numaNotes(CpuLayout layout, Numa numa, int execs, int pinned, int[] nodes,
                                  List<String> notes) {
        if (!layout.numaKnown()) {
            if (numa == Numa.SPREAD) {
                notes.add("NUMA nodes unknown: nothing to spread over");
            }
            return;
        }
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < pinned; i++) {
            if (nodes[i] >= 0 && !used.contains(nodes[i])) {
                used.add(nodes[i]);
            }
        }
        if (used.isEmpty()) {
            return;
        }
        StringBuilder list = new StringBuilder();
        for (int n : used) {
            list.append(list.length() == 0 ? "" : ",").append(n);
        }
        if (used.size() == 1) {
            notes.add("on NUMA node " + list);
        } else if (numa == Numa.SPREAD) {
            List<Integer> sorted = new ArrayList<>(used);
            sorted.sort(null);
            StringBuilder s = new StringBuilder();
            for (int n : sorted) {
                s.append(s.length() == 0 ? "" : ",").append(n);
            }
            notes.add("spread over NUMA nodes " + s);
        } else {
            notes.add("over NUMA nodes " + list + ": no node has " + execs + " usable CPUs");
        }
    }

    /**
     * Exactly the CPUs given, one Exec per entry, in that order, checked against the allowed CPUs of this process:
     * {@link #of(CpuLayout, int...) of(CpuLayout.detect(), cpus)}.
     *
     * @param cpus one CPU id per Exec
     * @return the plan
     * @throws IllegalArgumentException naming the bad value and listing the allowed CPUs if the list is empty, or
     *     has a negative id, a duplicate, or a CPU outside the allowed set
     */
    public static AffinityPlan of(int... cpus) {
        return of(CpuLayout.detect(), cpus);
    }

    /**
     * Exactly the CPUs given, one Exec per entry, in that order, checked against the allowed CPUs of {@code layout}.
     *
     * @param layout the machine to check against
     * @param cpus one CPU id per Exec
     * @return the plan
     * @throws IllegalArgumentException naming the bad value and listing the allowed CPUs if the list is empty, or
     *     has a negative id, a duplicate, or a CPU outside the allowed set
     */
    public static AffinityPlan of(CpuLayout layout, int... cpus) {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(cpus, "cpus");
        String allowedCpus = "; allowed CPUs are " + layout.allowedList();
        if (cpus.length == 0) {
            throw new IllegalArgumentException("an affinity plan needs at least one CPU, got an empty list"
                + allowedCpus);
        }
        BitSet seen = new BitSet();
        for (int cpu : cpus) {
            if (cpu < 0) {
                throw new IllegalArgumentException("CPU id " + cpu + " is negative" + allowedCpus);
            }
            if (!layout.isAllowed(cpu)) {
                throw new IllegalArgumentException("CPU " + cpu + " is not one this process may run on"
                    + allowedCpus);
            }
            if (seen.get(cpu)) {
                throw new IllegalArgumentException("CPU " + cpu + " is listed twice in " + Arrays.toString(cpus)
                    + " (one Exec per CPU)" + allowedCpus);
            }
            seen.set(cpu);
        }
        int[] nodes = new int[cpus.length];
        for (int i = 0; i < cpus.length; i++) {
            nodes[i] = layout.numaNode(cpus[i]);
        }
        return new AffinityPlan(cpus.clone(), nodes, "as given, " + cpus.length
            + (cpus.length == 1 ? " Exec" : " Execs")
            + " on " + Arrays.toString(cpus));
    }

    /**
     * {@code execs} Execs, none pinned.
     *
     * @param execs number of Execs, at least 1
     * @return the plan
     * @throws IllegalArgumentException naming the value if {@code execs < 1}
     */
    public static AffinityPlan unpinned(int execs) {
        checkExecs(execs);
        int[] cpus = new int[execs];
        Arrays.fill(cpus, UNPINNED);
        return new AffinityPlan(cpus, cpus.clone(), "unpinned, " + execs + (execs == 1 ? " Exec" : " Execs"));
    }

    private static void checkExecs(int execs) {
        if (execs < 1) {
            throw new IllegalArgumentException("an affinity plan needs at least 1 Exec, got execs=" + execs);
        }
    }

    /**
     * Number of Execs the plan places.
     *
     * @return at least 1
     */
    public int execCount() {
        return cpus.length;
    }

    /**
     * The CPU for one Exec.
     *
     * @param execIndex the Exec, {@code 0 .. execCount()-1}
     * @return its CPU id, or {@link #UNPINNED}
     * @throws IndexOutOfBoundsException naming the index if it is outside {@code [0, execCount())}
     */
    public int cpuFor(int execIndex) {
        return cpus[check(execIndex)];
    }

    /**
     * The NUMA node of one Exec's CPU, as the layout the plan was made from knew it.
     *
     * @param execIndex the Exec, {@code 0 .. execCount()-1}
     * @return the node id, or -1 if the Exec is {@link #UNPINNED} or the node is unknown
     * @throws IndexOutOfBoundsException naming the index if it is outside {@code [0, execCount())}
     */
    public int nodeFor(int execIndex) {
        return nodes[check(execIndex)];
    }

    private int check(int execIndex) {
        if (execIndex < 0 || execIndex >= cpus.length) {
            throw new IndexOutOfBoundsException("Exec index " + execIndex + " is outside this plan of "
                + cpus.length + (cpus.length == 1 ? " Exec (index 0)" : " Execs (indexes 0-" + (cpus.length - 1) + ")"));
        }
        return execIndex;
    }

    /**
     * How the plan was made and what it decided, one line for logs, e.g.
     * {@code "auto, 2 Execs over allowed CPUs 0-3; CPU 0 skipped (left to the OS): exec0->cpu1, exec1->cpu2"}.
     *
     * @return the description
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(description).append(':');
        for (int i = 0; i < cpus.length; i++) {
            sb.append(i == 0 ? " " : ", ").append("exec").append(i).append("->")
                .append(cpus[i] == UNPINNED ? "unpinned" : "cpu" + cpus[i]);
        }
        return sb.toString();
    }

    /**
     * The CPUs in Exec order, {@code -1} for unpinned, e.g. {@code "AffinityPlan[1, 2, -1]"}.
     *
     * @return a short form
     */
    @Override
    public String toString() {
        return "AffinityPlan" + Arrays.toString(cpus);
    }
}
