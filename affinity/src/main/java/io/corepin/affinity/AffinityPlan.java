package io.corepin.affinity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which CPU each Exec of a group is pinned to: {@code cpuFor(i)} for Exec {@code i}, or {@link #UNPINNED}. Never
 * pins two Execs to one CPU. Immutable.
 */
public final class AffinityPlan {
    /** Marks an Exec that is not pinned (and what {@link Pinning} reports when pinning did not take). */
    public static final int UNPINNED = -1;

    private final int[] cpus;
    private final String description;

    private AffinityPlan(int[] cpus, String description) {
        this.cpus = cpus;
        this.description = description;
    }

    /** {@link #auto(int, boolean) auto(execs, true)}: skips CPU 0 when there are enough other CPUs. */
    public static AffinityPlan auto(int execs) {
        return auto(execs, true);
    }

    /**
     * One Exec per allowed CPU of this process, in ascending order, one per physical core before any hyperthread
     * sibling. With {@code skipCpu0}, CPU 0 (where the OS tends to put interrupts and housekeeping) is left out as
     * long as the other allowed CPUs suffice. Execs beyond the allowed CPUs are {@link #UNPINNED}.
     *
     * @throws IllegalArgumentException naming the value if {@code execs < 1}
     */
    public static AffinityPlan auto(int execs, boolean skipCpu0) {
        return auto(execs, skipCpu0, CpuLayout.detect());
    }

    static AffinityPlan auto(int execs, boolean skipCpu0, CpuLayout layout) {
        checkExecs(execs);
        List<Integer> candidates = new ArrayList<>();
        for (int cpu : layout.allowedCpus()) {
            candidates.add(cpu);
        }
        StringBuilder notes = new StringBuilder();
        if (skipCpu0 && layout.isAllowed(0)) {
            if (candidates.size() - 1 >= execs) {
                candidates.remove(Integer.valueOf(0));
                notes.append("; CPU 0 skipped");
            } else {
                notes.append("; CPU 0 used (only ").append(candidates.size()).append(" allowed CPUs)");
            }
        }
        List<Integer> ordered = new ArrayList<>(candidates.size());
        Set<Integer> coresUsed = new HashSet<>();
        for (int cpu : candidates) { // first pass: one CPU per physical core
            if (coresUsed.add(layout.physicalCoreOf(cpu))) {
                ordered.add(cpu);
            }
        }
        for (int cpu : candidates) { // second pass: hyperthread siblings
            if (!ordered.contains(cpu)) {
                ordered.add(cpu);
            }
        }
        int[] cpus = new int[execs];
        int pinned = Math.min(execs, ordered.size());
        for (int i = 0; i < execs; i++) {
            cpus[i] = i < pinned ? ordered.get(i) : UNPINNED;
        }
        if (pinned < execs) {
            notes.append("; ").append(execs - pinned).append(" Execs unpinned (only ").append(ordered.size())
                .append(" CPUs available)");
        }
        for (int i = 1; i < pinned; i++) {
            if (layout.physicalCoreOf(cpus[i]) == layout.physicalCoreOf(cpus[0]) || sharesCore(layout, cpus, i)) {
                notes.append("; hyperthread siblings share a core");
                break;
            }
        }
        return new AffinityPlan(cpus, "auto over allowed CPUs " + layout.allowedList() + notes);
    }

    private static boolean sharesCore(CpuLayout layout, int[] cpus, int upTo) {
        for (int j = 0; j < upTo; j++) {
            if (layout.physicalCoreOf(cpus[j]) == layout.physicalCoreOf(cpus[upTo])) {
                return true;
            }
        }
        return false;
    }

    /**
     * Exactly the CPUs given, one Exec per entry, in that order.
     *
     * @throws IllegalArgumentException naming the bad value if the list is empty, or has a negative id, a
     *     duplicate, or a CPU outside this process's allowed set (the message lists the allowed CPUs)
     */
    public static AffinityPlan of(int... cpus) {
        return of(CpuLayout.detect(), cpus);
    }

    static AffinityPlan of(CpuLayout layout, int... cpus) {
        Objects.requireNonNull(cpus, "cpus");
        if (cpus.length == 0) {
            throw new IllegalArgumentException("an affinity plan needs at least one CPU; allowed CPUs are "
                + layout.allowedList());
        }
        BitSet seen = new BitSet();
        for (int cpu : cpus) {
            if (cpu < 0) {
                throw new IllegalArgumentException("CPU id " + cpu + " is negative; allowed CPUs are "
                    + layout.allowedList());
            }
            if (seen.get(cpu)) {
                throw new IllegalArgumentException("CPU " + cpu + " is listed twice in " + Arrays.toString(cpus)
                    + ": one Exec per CPU");
            }
            seen.set(cpu);
            if (!layout.isAllowed(cpu)) {
                throw new IllegalArgumentException("CPU " + cpu + " is outside this process's allowed CPUs "
                    + layout.allowedList());
            }
        }
        return new AffinityPlan(cpus.clone(), "the CPUs given, " + Arrays.toString(cpus));
    }

    /**
     * {@code execs} Execs, none pinned.
     *
     * @throws IllegalArgumentException naming the value if {@code execs < 1}
     */
    public static AffinityPlan unpinned(int execs) {
        checkExecs(execs);
        int[] cpus = new int[execs];
        Arrays.fill(cpus, UNPINNED);
        return new AffinityPlan(cpus, execs + " unpinned Execs");
    }

    private static void checkExecs(int execs) {
        if (execs < 1) {
            throw new IllegalArgumentException("an affinity plan needs at least 1 Exec, got " + execs);
        }
    }

    /** Number of Execs the plan places. */
    public int execCount() {
        return cpus.length;
    }

    /**
     * The CPU for Exec {@code execIndex}, or {@link #UNPINNED}.
     *
     * @throws IndexOutOfBoundsException naming the index if it is outside {@code [0, execCount())}
     */
    public int cpuFor(int execIndex) {
        return cpus[Objects.checkIndex(execIndex, cpus.length)];
    }

    /** How the plan was made and what it decided, for logs. */
    public String describe() {
        StringBuilder sb = new StringBuilder(description).append(": ");
        for (int i = 0; i < cpus.length; i++) {
            sb.append(i == 0 ? "" : ", ").append("exec-").append(i).append("→")
                .append(cpus[i] == UNPINNED ? "unpinned" : "cpu" + cpus[i]);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "AffinityPlan" + Arrays.toString(cpus);
    }
}
