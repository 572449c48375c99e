package io.corepin;

import java.util.Objects;
import java.util.function.ToLongFunction;

/** Routes a task by a key it carries; the key-to-index function is {@link #index(long, int)}, fixed forever. */
final class KeyHash implements LoadBalancer {
    private final ToLongFunction<? super Runnable> keyOf;

    KeyHash(ToLongFunction<? super Runnable> keyOf) {
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
    }

    @Override
    public int select(Runnable task, ExecGroup group) {
        return index(keyOf.applyAsLong(task), group.size());
    }

    /**
     * Maps a key to {@code [0, size)}: MurmurHash3's 64-bit finaliser spreads every key bit, then Lemire's
     * multiply-shift reduces the high 32 bits without a division. Pure, so the same key always maps the same way.
     */
    static int index(long key, int size) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) (((h >>> 32) * size) >>> 32);
    }

    @Override
    public String toString() {
        return "keyHash(" + keyOf + ")";
    }
}
