package io.corepin.levels;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A named lane of an Exec's {@link Levels}: one priority queue (smartpool calls these "channels"; in corepin a
 * channel is only the async message channel, {@code io.corepin.Channel}). A lane is the declaration, not the queue —
 * every Exec built with the levels creates its own {@link TaskSource} from {@link #source()}. Submit to it with
 * {@link io.corepin.Exec#execute(Lane, Runnable)} or {@link io.corepin.ExecGroup#execute(Lane, Runnable)}.
 *
 * <p>{@link #completeOnClose(boolean) completeOnClose} (smartpool's {@code complete_on_close}): when the Exec is
 * closed gracefully, tasks of such a lane still run to the end — suspended async tasks too, which are waited for —
 * while queued tasks of the other lanes are handed back to the caller and their suspended tasks cancelled.
 * corepin's own entries queued in such a lane (promise completions and continuations, yields, scope children) are
 * not the caller's tasks: they still run, so that nothing the close waits for is left hanging.
 *
 * <p>Immutable once its {@link Levels} are built; belongs to at most one {@link Levels}.
 */
public final class Lane {
    private final String name;
    private final Supplier<? extends TaskSource> source;
    private final boolean completeOnClose;
    // plain: both set once by Levels.Builder#build() (attach), before the Levels reach any Exec (published with them)
    /** Index in its Levels; -1 before {@link #attach}. */
    private int index = -1;
    /** Its Levels; {@code null} before {@link #attach}. */
    private Levels owner;

    private Lane(String name, Supplier<? extends TaskSource> source, boolean completeOnClose) {
        this.name = name;
        this.source = source;
        this.completeOnClose = completeOnClose;
    }

    /** A FIFO lane, complete-on-close. */
    public static Lane fifo(String name) {
        return of(name, TaskSource::fifo);
    }

    /** A shortest-deadline-first lane, complete-on-close. */
    public static Lane deadlineFirst(String name) {
        return of(name, TaskSource::shortestDeadlineFirst);
    }

    /** A lane over any {@link TaskSource} ({@code source} is called once per Exec), complete-on-close. */
    public static Lane of(String name, Supplier<? extends TaskSource> source) {
        return new Lane(Objects.requireNonNull(name, "name"), Objects.requireNonNull(source, "source"), true);
    }

    /** The same lane with the given close policy (a new, unattached lane). */
    public Lane completeOnClose(boolean complete) {
        return new Lane(name, source, complete);
    }

    /** Its name. */
    public String name() {
        return name;
    }

    /** The factory of its per-Exec sources. */
    public Supplier<? extends TaskSource> source() {
        return source;
    }

    /** Whether its tasks run to the end when the Exec is closed gracefully. */
    public boolean isCompleteOnClose() {
        return completeOnClose;
    }

    /** Joins {@code levels} at {@code index}; once, by {@link Levels.Builder#build()}. */
    void attach(Levels levels, int index) {
        this.owner = levels;
        this.index = index;
    }

    /** Whether it already belongs to some {@link Levels}. */
    boolean isAttached() {
        return owner != null;
    }

    /** Whether it belongs to {@code levels}. */
    boolean belongsTo(Levels levels) {
        return owner == levels;
    }

    /** Its index in its Levels (-1 before it joins them). */
    int index() {
        return index;
    }

    @Override
    public String toString() {
        return name + (completeOnClose ? "" : " (dropped on close)");
    }
}
