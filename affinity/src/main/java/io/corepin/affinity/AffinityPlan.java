package io.corepin.affinity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

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
    private final String description;

    private AffinityPlan(int[] cpus, String description) {
        this.cpus = cpus;
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
     * {@code execs} Execs over the allowed CPUs of {@code layout}, at most one per CPU:
     * <ul>
     *   <li>CPUs are taken in ascending order, but one per physical core first, then hyperthread siblings (when the
     *       layout knows siblings); a sibling of a skipped CPU 0 comes after the whole cores but before any CPU that
     *       would share a core with another Exec;</li>
     *   <li>with {@code skipCpu0}, CPU 0 (where the OS puts interrupts and housekeeping) is left out, unless that
     *       would leave fewer CPUs than Execs, in which case it is used and {@link #describe()} says so;</li>
     *   <li>Execs beyond the number of usable CPUs are {@link #UNPINNED}, and {@link #describe()} says so.</li>
     * </ul>
     *
     * @param execs number of Execs, at least 1
     * @param skipCpu0 leave CPU 0 alone when the other allowed CPUs suffice
     * @param layout the machine to plan for
     * @return the plan
     * @throws IllegalArgumentException naming the value if {@code execs < 1}
     */
    public static AffinityPlan auto(int execs, boolean skipCpu0, CpuLayout layout) {
        checkExecs(execs);
        Objects.requireNonNull(layout, "layout");
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
        // Order of preference, each tier in ascending CPU order:
        // 1. one CPU per physical core, on cores other than skipped CPU 0's;
        // 2. one hyperthread sibling of skipped CPU 0 (shares a core with the OS, not with another Exec);
        // 3. every other sibling.
        int osCore = cpu0Skipped ? layout.physicalCoreOf(0) : -1;
        List<Integer> ordered = new ArrayList<>(candidates.size());
        BitSet coresUsed = new BitSet();
        BitSet taken = new BitSet();
        for (int cpu : candidates) {
            int physical = layout.physicalCoreOf(cpu);
            if (physical != osCore && !coresUsed.get(physical)) {
                coresUsed.set(physical);
                taken.set(cpu);
                ordered.add(cpu);
            }
        }
        int cpu0Sibling = -1;
        for (int cpu : candidates) {
            if (layout.physicalCoreOf(cpu) == osCore) {
                cpu0Sibling = cpu;
                taken.set(cpu);
                ordered.add(cpu);
                break;
            }
        }
        for (int cpu : candidates) {
            if (!taken.get(cpu)) {
                ordered.add(cpu);
            }
        }
        int pinned = Math.min(execs, ordered.size());
        int[] cpus = new int[execs];
        BitSet coresPinned = new BitSet();
        boolean siblingsShared = false;
        for (int i = 0; i < execs; i++) {
            if (i < pinned) {
                cpus[i] = ordered.get(i);
                int physical = layout.physicalCoreOf(cpus[i]);
                siblingsShared |= coresPinned.get(physical);
                coresPinned.set(physical);
            } else {
                cpus[i] = UNPINNED;
            }
        }
        if (cpu0Sibling >= 0 && ordered.indexOf(cpu0Sibling) < pinned) {
            notes.add("CPU " + cpu0Sibling + " shares a physical core with CPU 0");
        }
        if (siblingsShared) {
            notes.add("some Execs share a physical core as hyperthread siblings");
        }
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
        return new AffinityPlan(cpus, description.toString());
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
        return new AffinityPlan(cpus.clone(), "as given, " + cpus.length + (cpus.length == 1 ? " Exec" : " Execs")
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
        return new AffinityPlan(cpus, "unpinned, " + execs + (execs == 1 ? " Exec" : " Execs"));
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
        if (execIndex < 0 || execIndex >= cpus.length) {
            throw new IndexOutOfBoundsException("Exec index " + execIndex + " is outside this plan of "
                + cpus.length + (cpus.length == 1 ? " Exec (index 0)" : " Execs (indexes 0-" + (cpus.length - 1) + ")"));
        }
        return cpus[execIndex];
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
