/**
 * Message channels between tasks: {@link io.corepin.channel.Channel} — FIFO, bounded or unbounded, whose full or
 * empty ends suspend the <em>task</em>, never the thread.
 *
 * <ul>
 *   <li>{@link io.corepin.channel.Channel} — the API and its factories: {@code bounded}/{@code unbounded} (any thread,
 *       a lock per operation) and {@code local} (confined to one Exec: no lock, no atomic);
 *   <li>{@link io.corepin.channel.ChannelClosedException} — a send on a closed channel, the end of a stream;
 *   <li>the package-private parts: the unsynchronized state ({@code ChannelBuffer}), its two disciplines
 *       ({@code SharedChannel}, {@code LocalChannel}) and the tasks behind the promise-returning
 *       {@code send}/{@code recv} ({@code ChannelTasks}).
 * </ul>
 *
 * <p>"Channel" in corepin means only this: a message channel carries elements between tasks. The priority queues
 * of an Exec's {@link io.corepin.levels.Levels} (smartpool's "channels") are {@link io.corepin.levels.Lane}s.
 *
 * <p>Uses only the public API of {@code io.corepin}: {@link io.corepin.Exec} ({@code current}, {@code spawn},
 * {@code inEventLoop}, {@code name}), {@link io.corepin.AsyncTask}, {@link io.corepin.Waker} and
 * {@link io.corepin.Promise} (a waiting task is the promise's producer, so a cancel wakes it). Nothing in
 * {@code io.corepin} refers to this package (checked by {@code PackageCycleTest}).
 */
package io.corepin.channel;
