package io.corepin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The declarative scheduling setup of an Exec (or, through {@link ExecGroup.Builder#execSettings}, of every Exec of a
 * group) — smartpool's levels, channels and schedulers:
 *
 * <pre>{@code
 * TaskChannel realtime = TaskChannel.fifo("realtime");
 * TaskChannel responsive = TaskChannel.fifo("responsive");
 * TaskChannel backlog = TaskChannel.fifo("backlog").completeOnClose(false);
 * TaskChannel deadlines = TaskChannel.deadlineFirst("deadlines").completeOnClose(false);
 * Levels levels = Levels.builder()
 *     .level(realtime)                 // level 0: the highest
 *     .level(responsive)
 *     .level(backlog, deadlines)       // channels of one level take turns
 *     .highestFirst()                  // or .roundRobin(slice0, slice1, slice2)
 *     .followup(backlog, responsive)   // a backlog task that suspended comes back in `responsive`
 *     .followup(deadlines, responsive)
 *     .defaultChannel(responsive)      // where plain execute(Runnable) goes
 *     .build();
 * }</pre>
 *
 * <h2>Schedulers</h2>
 * <ul>
 *   <li><b>Highest first</b>: every task is taken from the highest (lowest-numbered) level that has one.
 *   <li><b>Round robin</b>: levels take turns, each for its time slice (or until it runs dry); the clock is read
 *       once per loop turn, so slices are honoured to within one turn's work.
 * </ul>
 * Which channels hold work is a bitmask kept by the owner thread (no scan, no atomics); at most 64 channels.
 *
 * <h2>Followup</h2>
 * A task taken from channel X that suspends and is woken is re-queued in {@code followup(X)} (default: X). Sending
 * followups to a higher level makes the Exec finish what it started before starting something new: with N
 * multi-step tasks queued, FIFO re-queueing interleaves their steps so that all of them finish near the end, while a
 * higher-priority followup runs each started task to completion first — same total work, the mean time to
 * completion roughly halves ({@code bench/}: FollowupBenchmark).
 *
 * <p>Immutable once built.
 */
public final class Levels {
    final TaskChannel[] channels;
    final int[] levelOf;
    final int[][] channelsOfLevel;
    final int[] followup;
    final long[] sliceNanos; // null: highest first
    final int defaultChannel;

    private Levels(Builder b, TaskChannel[] channels, int[] levelOf, int[][] channelsOfLevel) {
        this.channels = channels;
        this.levelOf = levelOf;
        this.channelsOfLevel = channelsOfLevel;
        this.followup = new int[channels.length];
        for (int i = 0; i < channels.length; i++) {
            this.followup[i] = i;
        }
        for (int i = 0; i < b.followupFrom.size(); i++) {
            this.followup[b.followupFrom.get(i).id] = b.followupTo.get(i).id;
        }
        this.sliceNanos = b.sliceNanos;
        this.defaultChannel = b.defaultChannel == null ? 0 : b.defaultChannel.id;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of levels. */
    public int levels() {
        return channelsOfLevel.length;
    }

    /** The channels, in declaration order. */
    public List<TaskChannel> channels() {
        return List.of(channels);
    }

    /** Whether the round-robin scheduler is used (else highest first). */
    public boolean isRoundRobin() {
        return sliceNanos != null;
    }

    /** Index of {@code channel} in these levels, or an exception naming it. */
    int idOf(TaskChannel channel) {
        Objects.requireNonNull(channel, "channel");
        if (channel.owner != this) {
            throw new IllegalArgumentException("channel '" + channel.name() + "' is not part of these levels "
                + Arrays.toString(channels));
        }
        return channel.id;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(isRoundRobin() ? "Levels{round robin" : "Levels{highest first");
        for (int l = 0; l < channelsOfLevel.length; l++) {
            sb.append(", ").append(l).append('=');
            for (int c : channelsOfLevel[l]) {
                sb.append(channels[c].name()).append(followup[c] != c ? "→" + channels[followup[c]].name() : "")
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
        private final List<TaskChannel[]> levels = new ArrayList<>();
        private final List<TaskChannel> followupFrom = new ArrayList<>();
        private final List<TaskChannel> followupTo = new ArrayList<>();
        private long[] sliceNanos;
        private TaskChannel defaultChannel;

        private Builder() {
        }

        /**
         * Adds the next (lower) level with these channels, which take turns within it.
         *
         * @throws IllegalArgumentException if no channel is given
         */
        public Builder level(TaskChannel... channels) {
            if (channels.length == 0) {
                throw new IllegalArgumentException("a level needs at least one channel");
            }
            for (TaskChannel c : channels) {
                Objects.requireNonNull(c, "channel");
            }
            levels.add(channels.clone());
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
        public Builder followup(TaskChannel from, TaskChannel to) {
            followupFrom.add(Objects.requireNonNull(from, "from"));
            followupTo.add(Objects.requireNonNull(to, "to"));
            return this;
        }

        /** Where {@code execute(Runnable)} without a channel goes (default: the first channel of the first level). */
        public Builder defaultChannel(TaskChannel channel) {
            this.defaultChannel = Objects.requireNonNull(channel, "channel");
            return this;
        }

        /**
         * @throws IllegalArgumentException if there is no level, more than 64 channels, a channel appears twice or
         *     already belongs to other levels, a followup or default channel is not declared here, or the number of
         *     round-robin slices differs from the number of levels
         */
        public Levels build() {
            if (levels.isEmpty()) {
                throw new IllegalArgumentException("Levels need at least one level");
            }
            List<TaskChannel> all = new ArrayList<>();
            int[][] byLevel = new int[levels.size()][];
            List<Integer> levelOf = new ArrayList<>();
            for (int l = 0; l < levels.size(); l++) {
                TaskChannel[] cs = levels.get(l);
                byLevel[l] = new int[cs.length];
                for (int i = 0; i < cs.length; i++) {
                    TaskChannel c = cs[i];
                    if (c.owner != null || all.contains(c)) {
                        throw new IllegalArgumentException("channel '" + c.name() + "' is declared twice or already "
                            + "belongs to other Levels (make a new TaskChannel)");
                    }
                    byLevel[l][i] = all.size();
                    all.add(c);
                    levelOf.add(l);
                }
            }
            if (all.size() > 64) {
                throw new IllegalArgumentException("at most 64 channels, got " + all.size());
            }
            for (TaskChannel c : followupFrom) {
                requireDeclared(all, c, "followup source");
            }
            for (TaskChannel c : followupTo) {
                requireDeclared(all, c, "followup target");
            }
            if (defaultChannel != null) {
                requireDeclared(all, defaultChannel, "default channel");
            }
            if (sliceNanos != null && sliceNanos.length != levels.size()) {
                throw new IllegalArgumentException("round robin needs one slice per level: " + levels.size()
                    + " levels, " + sliceNanos.length + " slices");
            }
            TaskChannel[] channels = all.toArray(new TaskChannel[0]);
            int[] levelOfArray = levelOf.stream().mapToInt(Integer::intValue).toArray();
            for (int i = 0; i < channels.length; i++) {
                channels[i].id = i;
            }
            Levels built = new Levels(this, channels, levelOfArray, byLevel);
            for (TaskChannel c : channels) {
                c.owner = built;
            }
            return built;
        }

        private static void requireDeclared(List<TaskChannel> all, TaskChannel c, String role) {
            if (!all.contains(c)) {
                throw new IllegalArgumentException(role + " '" + c.name() + "' is not declared in any level");
            }
        }
    }
}
