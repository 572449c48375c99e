/**
 * corepin's kernel and API: {@link io.corepin.Exec}, {@link io.corepin.ExecGroup}, {@link io.corepin.Promise},
 * {@link io.corepin.AsyncTask}, timers, scopes, levels of lanes. Subsystems that need only this API live in
 * subpackages and depend on it, never the other way round.
 *
 * <h2>Threading vocabulary (used in every comment of this package)</h2>
 * <ul>
 *   <li><b>owner thread</b> — the one thread that runs an Exec's loop: its {@code ExecThread}, or the caller's
 *       thread while it hosts the Exec ({@code runHere}, {@code blockOn}). {@link io.corepin.Exec#inEventLoop()}
 *       tells whether the caller is it. Owner-only state is plain fields, read and written by that thread alone
 *       ({@code OwnerLoop}, {@code RunQueue}s, {@code LiveTasks}, {@code Idler}, {@code ExecTimers}' wheel).
 *       "Not thread-safe" on a class means: owner thread only.
 *   <li><b>any thread</b> — producers (submitters, wakers, completers) and readers (getters, telemetry). What they
 *       touch is in {@code Inbound} (ring, backlog, overflow, parked flag), {@code Lifecycle} (the state word) and
 *       the padded {@code ExecCounters}.
 *   <li><b>the owner/any-thread split</b> — each operation of {@code Exec} is written once as
 *       {@code inEventLoop() ? loop.local path : inbound.cross-thread path} (Aeron's {@code SenderProxy}).
 * </ul>
 *
 * <h2>Ordering vocabulary</h2>
 * Accessors of concurrently used fields are named by the ordering of the access (JCTools' convention), and every
 * other concurrent access carries a comment saying which it is:
 * <ul>
 *   <li>{@code lp} / "plain" — a plain load; {@code sp} a plain store: owner-only data, or data published by a
 *       later release;
 *   <li>{@code lo} / "opaque" — an opaque load or store (a plain {@code mov} on x86, never torn, never hoisted out
 *       of a loop): the stall guard's stamps, the per-task stop check;
 *   <li>{@code la} / "acquire" — a load-acquire; {@code so} / "release" (store ordered) — a store-release: the
 *       ring's publication and consumption (one release store per burst);
 *   <li>{@code lv} / "volatile" — a volatile load; {@code sv} a volatile store (on x86 followed by a StoreLoad
 *       fence: the park announcement is the idle path's only one);
 *   <li>{@code cas} — compare-and-set, {@code gas}/"swap" — get-and-set, {@code add} — get-and-add: the atomic
 *       read-modify-writes. Producers pay one per submit (the ring claim); the owner loop pays none, which
 *       {@code bench/asm-audit.sh} checks on the JIT's output in CI.
 * </ul>
 */
package io.corepin;
