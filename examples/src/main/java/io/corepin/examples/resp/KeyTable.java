package io.corepin.examples.resp;

import java.util.Arrays;

/**
 * One core's keys: an open-addressing hash table (linear probing, backward-shift deletion) from binary keys to
 * values and expiry deadlines, looked up straight from a slice of the request buffer so a GET allocates nothing.
 * Owner thread only; no locks, no volatile fields.
 */
final class KeyTable {
    /** {@link #expireAt} of a key without a deadline. */
    static final long NO_EXPIRY = -1;

    private static final int MIN_CAPACITY = 1024;

    byte[][] keys;
    int[] hashes;
    byte[][] values;
    /** Deadline in milliseconds of the monotonic clock, or {@link #NO_EXPIRY}. */
    long[] expireAt;
    /** The key's timer in the core's wheel, or {@code DeadlineTimerWheel.NULL_DEADLINE}. */
    long[] timerIds;
    private int mask;
    private int size;
    private int expiring;

    KeyTable() {
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        keys = new byte[capacity][];
        hashes = new int[capacity];
        values = new byte[capacity][];
        expireAt = new long[capacity];
        timerIds = new long[capacity];
        mask = capacity - 1;
    }

    int size() {
        return size;
    }

    /** Keys that have a deadline. */
    int expiring() {
        return expiring;
    }

    /** The slot of the key {@code b[off, off + len)}, or -1. */
    int find(byte[] b, int off, int len, int hash) {
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            byte[] k = keys[i];
            if (k == null) {
                return -1;
            }
            if (hashes[i] == hash && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
                return i;
            }
        }
    }

    /**
     * The slot of the key, inserting it (key copied, value null, no expiry) when absent. The caller must then store a
     * non-null value there.
     */
    int findOrInsert(byte[] b, int off, int len, int hash) {
        if ((size + 1) * 4L > (mask + 1) * 3L) { // load factor 0.75
            resize((mask + 1) * 2);
        }
        int i = hash & mask;
        for (; keys[i] != null; i = (i + 1) & mask) {
            byte[] k = keys[i];
            if (hashes[i] == hash && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
                return i;
            }
        }
        keys[i] = Arrays.copyOfRange(b, off, off + len);
        hashes[i] = hash;
        expireAt[i] = NO_EXPIRY;
        timerIds[i] = org.agrona.DeadlineTimerWheel.NULL_DEADLINE;
        size++;
        return i;
    }

    /** Sets or clears the deadline of the key in {@code slot} (keeps the count of expiring keys). */
    void setExpiry(int slot, long deadline, long timerId) {
        if (expireAt[slot] == NO_EXPIRY && deadline != NO_EXPIRY) {
            expiring++;
        } else if (expireAt[slot] != NO_EXPIRY && deadline == NO_EXPIRY) {
            expiring--;
        }
        expireAt[slot] = deadline;
        timerIds[slot] = timerId;
    }

    /** Removes the key in {@code slot}, shifting later keys of its probe run back so lookups stay correct. */
    void removeAt(int slot) {
        if (expireAt[slot] != NO_EXPIRY) {
            expiring--;
        }
        size--;
        int hole = slot;
        for (int j = (hole + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
            int ideal = hashes[j] & mask;
            if (((j - ideal) & mask) >= ((j - hole) & mask)) { // j may move back to the hole without passing its ideal slot
                move(j, hole);
                hole = j;
            }
        }
        keys[hole] = null;
        values[hole] = null;
    }

    private void move(int from, int to) {
        keys[to] = keys[from];
        hashes[to] = hashes[from];
        values[to] = values[from];
        expireAt[to] = expireAt[from];
        timerIds[to] = timerIds[from];
    }

    private void resize(int capacity) {
        byte[][] oldKeys = keys;
        int[] oldHashes = hashes;
        byte[][] oldValues = values;
        long[] oldExpire = expireAt;
        long[] oldTimers = timerIds;
        allocate(capacity);
        for (int s = 0; s < oldKeys.length; s++) {
            if (oldKeys[s] != null) {
                int i = oldHashes[s] & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[s];
                hashes[i] = oldHashes[s];
                values[i] = oldValues[s];
                expireAt[i] = oldExpire[s];
                timerIds[i] = oldTimers[s];
            }
        }
    }

    /** Drops every key and shrinks back to the initial capacity. */
    void clear() {
        allocate(MIN_CAPACITY);
        size = 0;
        expiring = 0;
    }
}
