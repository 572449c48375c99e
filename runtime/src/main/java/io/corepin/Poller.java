package io.corepin;

/**
 * An event source an {@link Exec} polls on its own thread, once per loop turn — a NIO {@code Selector}, a NIC
 * queue, a timer — and blocks in when it has nothing else to do, instead of parking. One instance per Exec
 * ({@link Exec.Builder#poller(java.util.function.Supplier)} takes a factory).
 *
 * <p>Threading: {@link #poll()}, {@link #park(long)} and {@link #close()} are called only by the owning Exec's
 * thread; {@link #wakeup()} from any thread.
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
