package io.corepin;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A value per {@link Exec} — what a {@link ThreadLocal} is per thread, without the thread-local lookup: on an Exec's
 * own thread {@link #get()} is {@link Exec#current()} (a type check and a field read of the thread), then an array
 * read indexed by this local's id. Per-core state — a buffer pool, a counter, a cache, a connection — made once per
 * Exec and touched by that Exec only, with no lock and no atomic instruction:
 *
 * <pre>{@code
 * static final ExecLocal<ByteBuffer> SCRATCH = ExecLocal.withInitial(() -> ByteBuffer.allocateDirect(64 << 10));
 * group.execute(flowKey, () -> encode(packet, SCRATCH.get()));   // each core its own buffer
 * }</pre>
 *
 * <ul>
 *   <li><b>Threads.</b> {@link #get()}, {@link #set} and {@link #remove()} work on an Exec's thread — its own, or a
 *       caller's thread while it hosts an Exec ({@link Exec.Builder#runHere}, {@link Exec#blockOn}; found through
 *       {@code Exec.current()}'s thread-local for hosts) — and act on that Exec's value. Anywhere else they throw
 *       {@link IllegalStateException} naming the thread. So a value is only ever touched by its Exec's thread: the
 *       value needs no synchronization of its own.
 *   <li><b>Lifetime.</b> A value lives as long as its Exec: the Exec holds it (a slot in a small array of its own,
 *       grown on its thread when a local with a higher id is first set there) and nothing else does. A
 *       {@code blockOn} call hosts a fresh Exec, so each call starts from the initial value. An Exec that is not
 *       referenced any more takes its values with it; an {@code ExecLocal} itself is meant to be a constant (a
 *       {@code static final} field), as a {@code ThreadLocal} is: each one takes an id for the life of the JVM, and a
 *       slot in every Exec that uses it.
 *   <li><b>Initial value.</b> The supplier runs on the Exec's thread the first time {@link #get()} finds no value
 *       there (and again after {@link #remove()}); {@code null} is a value like any other.
 * </ul>
 *
 * @param <T> the value type
 */
public final class ExecLocal<T> {
    /** Ids, one per ExecLocal: an index into each Exec's slots. Only construction touches it. */
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    private final int id;
    private final Supplier<? extends T> initial;

    private ExecLocal(Supplier<? extends T> initial) {
        this.initial = initial;
        this.id = NEXT_ID.getAndIncrement(); // atomic: once per ExecLocal, never on an Exec's path
    }

    /**
     * An Exec-local whose value on each Exec starts as {@code initial.get()}, made on that Exec's thread at the first
     * {@link #get()} there.
     *
     * @throws NullPointerException if initial is null
     */
    public static <T> ExecLocal<T> withInitial(Supplier<? extends T> initial) {
        return new ExecLocal<>(Objects.requireNonNull(initial, "initial"));
    }

    /**
     * The calling Exec's value: the one {@link #set} there, else the initial value (made now and kept).
     *
     * @throws IllegalStateException naming the thread if it is not an Exec's
     */
    @SuppressWarnings("unchecked")
    public T get() {
        final ExecLocals slots = here("get()").locals();
        final Object v = slots.get(id); // plain: owner thread only
        if (v != null) {
            return v == ExecLocals.NULL ? null : (T) v;
        }
        final T made = initial.get();
        slots.set(id, made);
        return made;
    }

    /**
     * Sets the calling Exec's value ({@code null} included).
     *
     * @throws IllegalStateException naming the thread if it is not an Exec's
     */
    public void set(T value) {
        here("set()").locals().set(id, value);
    }

    /**
     * Forgets the calling Exec's value: the next {@link #get()} there makes the initial value again.
     *
     * @throws IllegalStateException naming the thread if it is not an Exec's
     */
    public void remove() {
        here("remove()").locals().remove(id);
    }

    private static Exec here(String call) {
        final Exec exec = Exec.current(); // an ExecThread: type check and field read; a host: its thread-local
        if (exec == null) {
            throw new IllegalStateException("ExecLocal." + call + " called on " + Thread.currentThread().getName()
                + ", which is not an Exec's thread: an ExecLocal has one value per Exec, touched by its thread only");
        }
        return exec;
    }

    @Override
    public String toString() {
        return "ExecLocal#" + id;
    }
}
