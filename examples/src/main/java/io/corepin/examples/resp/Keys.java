package io.corepin.examples.resp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Hashing of binary keys: one 32-bit hash per key, whose high bits pick the owning core ({@link #owner}) and whose
 * low bits pick the slot in that core's {@link KeyTable}. Pure functions, any thread.
 */
final class Keys {
    private static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN); // plain reads of 8 bytes

    private Keys() {
    }

    /** A well-mixed hash of {@code b[off, off + len)}: 8 bytes at a time, then murmur3's 64-bit finaliser. */
    static int hash(byte[] b, int off, int len) {
        long h = 0x9E3779B97F4A7C15L ^ len;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = Long.rotateLeft(h ^ (long) LONGS.get(b, off + i), 29) * 0xff51afd7ed558ccdL;
        }
        for (; i < len; i++) {
            h = (h ^ (b[off + i] & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }

    static int hash(byte[] key) {
        return hash(key, 0, key.length);
    }

    /** Murmur3's 32-bit finaliser: spreads a weak hash (an address and port) over all bits. */
    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** The core, in {@code [0, cores)}, that owns a key of this hash: the hash's high bits (Lemire's reduction). */
    static int owner(int hash, int cores) {
        return (int) (((hash & 0xFFFF_FFFFL) * cores) >>> 32);
    }
}
