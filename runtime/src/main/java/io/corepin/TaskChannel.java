package io.corepin;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A named channel of an Exec's {@link Levels}: the declaration, not the queue — every Exec built with the levels
 * creates its own {@link TaskSource} from {@link #source()}. Submit to it with {@link Exec#execute(TaskChannel,
 * Runnable)} or {@link ExecGroup#execute(TaskChannel, Runnable)}.
 *
 * <p>{@link #completeOnClose(boolean) completeOnClose} (smartpool's {@code complete_on_close}): when the Exec is
 * closed gracefully, tasks of such a channel still run to the end — suspended async tasks too, which are waited for
 * — while queued tasks of the other channels are handed back to the caller and their suspended tasks cancelled.
 * corepin's own entries queued in such a channel (promise completions and continuations, yields, scope children)
 * are not the caller's tasks: they still run, so that nothing the close waits for is left hanging.
 *
 * <p>Immutable; belongs to at most one {@link Levels}.
 */
public final class TaskChannel {
    private final String name;
    private final Supplier<? extends TaskSource> source;
    private final boolean completeOnClose;
    /** Index in its Levels, assigned once by {@link Levels.Builder#build()}; -1 before. */
    int id = -1;
    Levels owner;

    private TaskChannel(String name, Supplier<? extends TaskSource> source, boolean completeOnClose) {
        this.name = name;
        this.source = source;
        this.completeOnClose = completeOnClose;
    }

    /** A FIFO channel, complete-on-close. */
    public static TaskChannel fifo(String name) {
        return of(name, TaskSource::fifo);
    }

    /** A shortest-deadline-first channel, complete-on-close. */
    public static TaskChannel deadlineFirst(String name) {
        return of(name, TaskSource::shortestDeadlineFirst);
    }

    /** A channel over any {@link TaskSource} ({@code source} is called once per Exec), complete-on-close. */
    public static TaskChannel of(String name, Supplier<? extends TaskSource> source) {
        return new TaskChannel(Objects.requireNonNull(name, "name"), Objects.requireNonNull(source, "source"), true);
    }

    /** The same channel with the given close policy (a new, unattached channel). */
    public TaskChannel completeOnClose(boolean complete) {
        return new TaskChannel(name, source, complete);
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

    @Override
    public String toString() {
        return name + (completeOnClose ? "" : " (dropped on close)");
    }
}
