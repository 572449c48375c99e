package io.corepin.levels;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The declarative scheduling setup of an Exec (or, through {@code ExecGroup.Builder#execSettings}, of every Exec of
 * a group) — smartpool's levels, channels and schedulers; what smartpool calls a channel is a {@link Lane} here:
 *
 * <pre>{@code
 * Lane realtime = Lane.fifo("realtime");
 * Lane responsive = Lane.fifo("responsive");
 * Lane backlog = Lane.fifo("backlog").completeOnClose(false);
 * Lane deadlines = Lane.deadlineFirst("deadlines").completeOnClose(false);
 * Levels levels = Levels.builder()
 *     .level(realtime)                 // level 0: the highest
 *     .level(responsive)
 *     .level(backlog, deadlines)       // lanes of one level take turns
 *     .highestFirst()                  // or .roundRobin(slice0, slice1, slice2)
 *     .followup(backlog, responsive)   // a backlog task that suspended comes back in `responsive`
 *     .followup(deadlines, responsive)
 *     .defaultLane(responsive)         // where plain execute(Runnable) goes
 *     .build();
 * }</pre>
 *
 * <h2>Schedulers</h2>
 * <ul>
 *   <li><b>Highest first</b>: every task is taken from the highest (lowest-numbered) level that has one.
 *   <li><b>Round robin</b>: levels take turns, each for its time slice (or until it runs dry); the clock is read
 *       once per loop turn, so slices are honoured to within one turn's work.
 * </ul>
 * Which lanes hold work is a bitmask kept by the owner thread (no scan, no atomics); at most 64 lanes.
 *
 * <h2>Followup</h2>
 * A task taken from lane X that suspends and is woken is re-queued in {@code followup(X)} (default: X). Sending
 * followups to a higher level makes the Exec finish what it started before starting something new: with N
 * multi-step tasks queued, FIFO re-queueing interleaves their steps so that all of them finish near the end, while a
 * higher-priority followup runs each started task to completion first — same total work, the mean time to
 * completion roughly halves ({@code bench/}: FollowupBenchmark).
 *
 * <h2>Reading the configuration</h2>
 * The Exec's scheduler reads a built {@code Levels} through its accessors — {@link #lanes()}, {@link #indexOf},
 * {@link #lanesOf}, {@link #followup(Lane)}, {@link #defaultLane()}, {@link #isRoundRobin()}, {@link #sliceNanos}
 * — once, when an Exec is built; lanes are numbered by {@link #indexOf} in declaration order.
 *
 * <p>Immutable once built.
 */
public final class Levels {
    private final Lane[] lanes;
    private final int[][] lanesOfLevel;
    private final int[] followup;
    private final long[] sliceNanos; // null: highest first
    private final int defaultLane;

    private Levels(Builder b, List<Lane> all, int[][] lanesOfLevel) {
        this.lanes = all.toArray(new Lane[0]);
        this.lanesOfLevel = lanesOfLevel;
        this.followup = new int[all.size()];
        for (int i = 0; i < followup.length; i++) {
            this.followup[i] = i;
        }
        for (int i = 0; i < b.followupFrom.size(); i++) {
            this.followup[all.indexOf(b.followupFrom.get(i))] = all.indexOf(b.followupTo.get(i));
        }
        this.sliceNanos = b.sliceNanos;
        this.defaultLane = b.defaultLane == null ? 0 : all.indexOf(b.defaultLane);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of levels. */
    public int levels() {
        return lanesOfLevel.length;
    }

    /** The lanes, in declaration order: lane {@code i} of this list has {@link #indexOf index} {@code i}. */
    public List<Lane> lanes() {
        return List.of(lanes);
    }

    /**
     * The lanes of level {@code level} (0: the highest), in declaration order; they take turns within the level.
     *
     * @throws IllegalArgumentException naming the value if there is no such level
     */
    public List<Lane> lanesOf(int level) {
        final int[] ids = lanesOfLevel[requireLevel(level)];
        final Lane[] of = new Lane[ids.length];
        for (int i = 0; i < ids.length; i++) {
            of[i] = lanes[ids[i]];
        }
        return List.of(of);
    }

    /**
     * Where a task taken from {@code from} goes once it suspends and is woken ({@code from} itself unless a
     * {@link Builder#followup followup} was declared).
     *
     * @throws IllegalArgumentException naming the lane if it is not part of these levels
     */
    public Lane followup(Lane from) {
        return lanes[followup[indexOf(from)]];
    }

    /** Where submissions without a lane go (default: the first lane of the first level). */
    public Lane defaultLane() {
        return lanes[defaultLane];
    }

    /** Whether the round-robin scheduler is used (else highest first). */
    public boolean isRoundRobin() {
        return sliceNanos != null;
    }

    /**
     * The round-robin time slice of level {@code level}, in nanoseconds.
     *
     * @throws IllegalStateException if these levels are scheduled highest first (they have no slices)
     * @throws IllegalArgumentException naming the value if there is no such level
     */
    public long sliceNanos(int level) {
        if (sliceNanos == null) {
            throw new IllegalStateException("highest-first levels have no time slices (asked for level " + level + ")");
        }
        return sliceNanos[requireLevel(level)];
    }

    /**
     * The index of {@code lane} in these levels (its position in {@link #lanes()}).
     *
     * @throws IllegalArgumentException naming the lane if it is not part of these levels
     */
    public int indexOf(Lane lane) {
        Objects.requireNonNull(lane, "lane");
        if (!lane.belongsTo(this)) {
            throw new IllegalArgumentException("lane '" + lane.name() + "' is not part of these levels "
                + Arrays.toString(lanes));
        }
        return lane.index();
    }

    private int requireLevel(int level) {
        if (level < 0 || level >= lanesOfLevel.length) {
            throw new IllegalArgumentException("no level " + level + ": these levels have " + lanesOfLevel.length);
        }
        return level;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(isRoundRobin() ? "Levels{round robin" : "Levels{highest first");
        for (int l = 0; l < lanesOfLevel.length; l++) {
            sb.append(", ").append(l).append('=');
            for (int c : lanesOfLevel[l]) {
                sb.append(lanes[c].name()).append(followup[c] != c ? "→" + lanes[followup[c]].name() : "")
                    .append(' ');
            }
            if (sliceNanos != null) {
                sb.append('(').append(sliceNanos[l] / 1000).append(" µs)");
            }
        }
        return sb.append('}').toString();
    }

    /** Builds {@link Levels}: levels in priority order (the first is the highest). */
    public static final class Builder {
        private final List<Lane[]> levels = new ArrayList<>();
        private final List<Lane> followupFrom = new ArrayList<>();
        private final List<Lane> followupTo = new ArrayList<>();
        private long[] sliceNanos;
        private Lane defaultLane;

        private Builder() {
        }

        /**
         * Adds the next (lower) level with these lanes, which take turns within it.
         *
         * @throws IllegalArgumentException if no lane is given
         */
        public Builder level(Lane... lanes) {
            if (lanes.length == 0) {
                throw new IllegalArgumentException("a level needs at least one lane");
            }
            for (Lane c : lanes) {
                Objects.requireNonNull(c, "lane");
            }
            levels.add(lanes.clone());
            return this;
        }

        /** Highest level first (the default). */
        public Builder highestFirst() {
            sliceNanos = null;
            return this;
        }

        /**
         * Round robin across levels with one time slice per level, in level order.
         *
         * @throws IllegalArgumentException naming the value if a slice is not positive
         */
        public Builder roundRobin(Duration... slices) {
            long[] nanos = new long[slices.length];
            for (int i = 0; i < slices.length; i++) {
                nanos[i] = slices[i].toNanos();
                if (nanos[i] <= 0) {
                    throw new IllegalArgumentException("time slice of level " + i + " must be > 0, got " + slices[i]);
                }
            }
            sliceNanos = nanos;
            return this;
        }

        /** Tasks from {@code from} that suspend and are woken come back in {@code to}. */
        public Builder followup(Lane from, Lane to) {
            followupFrom.add(Objects.requireNonNull(from, "from"));
            followupTo.add(Objects.requireNonNull(to, "to"));
            return this;
        }

        /** Where {@code execute(Runnable)} without a lane goes (default: the first lane of the first level). */
        public Builder defaultLane(Lane lane) {
            this.defaultLane = Objects.requireNonNull(lane, "lane");
            return this;
        }

        /**
         * @throws IllegalArgumentException if there is no level, more than 64 lanes, a lane appears twice or already
         *     belongs to other levels, a followup or default lane is not declared here, or the number of round-robin
         *     slices differs from the number of levels
         */
        public Levels build() {
            if (levels.isEmpty()) {
                throw new IllegalArgumentException("Levels need at least one level");
            }
            List<Lane> all = new ArrayList<>();
            int[][] byLevel = new int[levels.size()][];
            for (int l = 0; l < levels.size(); l++) {
                Lane[] cs = levels.get(l);
                byLevel[l] = new int[cs.length];
                for (int i = 0; i < cs.length; i++) {
                    Lane c = cs[i];
                    if (c.isAttached() || all.contains(c)) {
                        throw new IllegalArgumentException("lane '" + c.name() + "' is declared twice or already "
                            + "belongs to other Levels (make a new Lane)");
                    }
                    byLevel[l][i] = all.size();
                    all.add(c);
                }
            }
            if (all.size() > 64) {
                throw new IllegalArgumentException("at most 64 lanes, got " + all.size());
            }
            for (Lane c : followupFrom) {
                requireDeclared(all, c, "followup source");
            }
            for (Lane c : followupTo) {
                requireDeclared(all, c, "followup target");
            }
            if (defaultLane != null) {
                requireDeclared(all, defaultLane, "default lane");
            }
            if (sliceNanos != null && sliceNanos.length != levels.size()) {
                throw new IllegalArgumentException("round robin needs one slice per level: " + levels.size()
                    + " levels, " + sliceNanos.length + " slices");
            }
            Levels built = new Levels(this, all, byLevel);
            for (int i = 0; i < all.size(); i++) {
                all.get(i).attach(built, i);
            }
            return built;
        }

        private static void requireDeclared(List<Lane> all, Lane c, String role) {
            if (!all.contains(c)) {
                throw new IllegalArgumentException(role + " '" + c.name() + "' is not declared in any level");
            }
        }
    }
}
