/**
 * Levels: the declarative priority scheduling of an Exec — {@link io.corepin.levels.Levels} of
 * {@link io.corepin.levels.Lane}s (one priority queue each; smartpool calls them "channels"), a highest-first or
 * round-robin scheduler across levels, followup lanes for tasks that suspended, and per-lane close policies — and
 * the {@link io.corepin.levels.TaskSource} SPI for a lane's queue (FIFO, shortest deadline first, alternating, or a
 * poller of your own).
 *
 * <p><b>Configuration only.</b> This package holds what a user declares; it runs nothing and depends on no other
 * corepin package. The kernel ({@code io.corepin}) reads a built {@code Levels} through its public accessors when an
 * Exec is built ({@code Exec.Builder#levels}), creates that Exec's own {@code TaskSource}s, and schedules them on
 * the owner thread; submissions name a lane ({@code Exec#execute(Lane, Runnable)},
 * {@code ExecGroup#execute(Lane, Runnable)}). The dependency goes one way: {@code io.corepin} →
 * {@code io.corepin.levels}.
 *
 * <p><b>Threading.</b> {@code Levels} and {@code Lane} are immutable once built and may be shared by any thread and
 * by every Exec of a group. A {@code TaskSource} instance belongs to one Exec and is used on its owner thread only.
 */
package io.corepin.levels;
