package io.corepin.examples.resp;

import java.util.Arrays;

/**
 * One core's keys: an open-addressing hash table (linear probing, backward-shift deletion) from binary keys to
 * values and expiry deadlines, looked up straight from a slice of the request buffer so a GET allocates nothing.
 * A probe reads only {@link #tags} (the key's hash with the top bit set; 0 marks an empty slot) and dereferences a
 * stored key only when its tag matches: with many keys every slot read is a cache miss, and sixteen tags share a
 * line where a key reference costs a line and then its array another. Owner thread only; no locks, no volatile fields.
 */
final class KeyTable {
    /** {@link #expireAt} of a key without a deadline. */
    static final long NO_EXPIRY = -1;

    private static final int MIN_CAPACITY = 1024;

    /** {@link #EMPTY} marks an empty slot. */
    private static final int EMPTY = 0;

    byte[][] keys;
    /** Per slot: {@link #tag} of its key's hash, or {@link #EMPTY}. */
    private int[] tags;
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
        tags = new int[capacity];
        values = new byte[capacity][];
        expireAt = new long[capacity];
        timerIds = new long[capacity];
        mask = capacity - 1;
    }

    /** Never {@link #EMPTY}; its low bits are the hash's, so it gives the key's ideal slot as the hash does. */
    private static int tag(int hash) {
        return hash | Integer.MIN_VALUE;
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
        final int tag = tag(hash);
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            final int t = tags[i];
            if (t == EMPTY) {
                return -1;
            }
            if (t == tag && matches(keys[i], b, off, len)) {
                return i;
            }
        }
    }

    private static boolean matches(byte[] k, byte[] b, int off, int len) {
        return k.length == len && Arrays.equals(k, 0, len, b, off, off + len);
    }

    /**
     * The slot of the key, inserting it (key copied, value null, no expiry) when absent. The caller must then store a
     * non-null value there.
     */
    int findOrInsert(byte[] b, int off, int len, int hash) {
        if ((size + 1) * 4L > (mask + 1) * 3L) { // load factor 0.75
            resize((mask + 1) * 2);
        }
        final int tag = tag(hash);
        int i = hash & mask;
        for (int t; (t = tags[i]) != EMPTY; i = (i + 1) & mask) {
            if (t == tag && matches(keys[i], b, off, len)) {
                return i;
            }
        }
        keys[i] = Arrays.copyOfRange(b, off, off + len);
        tags[i] = tag;
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
        for (int j = (hole + 1) & mask; tags[j] != EMPTY; j = (j + 1) & mask) {
            int ideal = tags[j] & mask;
            if (((j - ideal) & mask) >= ((j - hole) & mask)) { // j may move back to the hole without passing its ideal slot
                move(j, hole);
                hole = j;
            }
        }
        tags[hole] = EMPTY;
        keys[hole] = null;
        values[hole] = null;
    }

    private void move(int from, int to) {
        keys[to] = keys[from];
        tags[to] = tags[from];
        values[to] = values[from];
        expireAt[to] = expireAt[from];
        timerIds[to] = timerIds[from];
    }

    private void resize(int capacity) {
        byte[][] oldKeys = keys;
        int[] oldTags = tags;
        byte[][] oldValues = values;
        long[] oldExpire = expireAt;
        long[] oldTimers = timerIds;
        allocate(capacity);
        for (int s = 0; s < oldKeys.length; s++) {
            if (oldTags[s] != EMPTY) {
                int i = oldTags[s] & mask;
                while (tags[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[s];
                tags[i] = oldTags[s];
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
