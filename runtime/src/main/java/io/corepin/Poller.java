package io.corepin;

/**
 * An event source an {@link Exec} polls on its own thread, once per loop turn — a NIO {@code Selector}, a NIC
 * queue, a timer — and blocks in when it has nothing else to do, instead of parking. One instance per Exec
 * ({@link Exec.Builder#poller(java.util.function.Supplier)} takes a factory).
 *
 * <p>Threading: {@link #poll()}, {@link #park(long)} and {@link #close()} are called only by the owning Exec's
 * thread; {@link #wakeup()} from any thread.
 *
 * <p>Failures: a {@code poll()} or {@code park()} that throws (anything, {@link Error}s included) is a failed task
 * of the Exec: counted in {@link Exec#taskErrors()} and handed to its {@link TaskErrorHandler} (the "task" names the
 * poller and the call), and the Exec goes on — a throwing poll counts as an idle one, a throwing park as a park that
 * returned at once. A poller that keeps throwing is called, counted and reported every turn: the Exec never drops its
 * event source on its own. A source that is broken for good is the handler's to act on (for instance
 * {@code exec.shutdown()}); a park that always throws keeps the Exec from sleeping. {@code close()} throwing is
 * logged.
 */
public interface Poller {
    /**
     * Handles whatever is ready without blocking (for a selector: {@code selectNow} and dispatch). Called once per
     * loop turn, after the turn's ring and local tasks.
     *
     * @return how many events were handled; 0 tells the Exec this source was idle
     */
    int poll();

    /**
     * Blocks until {@link #wakeup()} is called or {@code nanos} pass ({@code nanos <= 0}: no limit). Called instead
     * of {@code LockSupport.park} when the Exec's idle strategy decides to park; a {@code wakeup()} that came before
     * the call must make it return at once (as {@code Selector.wakeup} does). The Exec calls {@link #poll()} next.
     *
     * <p>With a NIO selector, mind that {@code select} here adds the ready keys to the selected-key set, and a later
     * {@code selectNow} does not count a key that is already in it: handle the selected keys before returning (the
     * resp-kv example's poller does), or have {@code poll()} also handle keys left in the set — otherwise an event
     * that arrives while the Exec is parked is never handled.
     */
    void park(long nanos);

    /** Makes a concurrent or the next {@link #park(long)} return promptly. Any thread; called only when parked. */
    void wakeup();

    /** Called once on the owning thread when the Exec terminates: release the source. Default: nothing. */
    default void close() {
    }
}
