package io.corepin.balance;

import java.util.Objects;
import java.util.function.ToLongFunction;

/** Routes a task by a key it carries; the key-to-index function is {@link LoadBalancer#indexFor(long, int)}. */
final class KeyHash implements LoadBalancer {
    private final ToLongFunction<? super Runnable> keyOf;

    KeyHash(ToLongFunction<? super Runnable> keyOf) {
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
    }

    @Override
    public int select(Runnable task, Targets targets) {
        return LoadBalancer.indexFor(keyOf.applyAsLong(task), targets.size());
    }

    @Override
    public String toString() {
        return "keyHash(" + keyOf + ")";
    }
}
