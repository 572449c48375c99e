package io.corepin.examples.resp;

import java.util.concurrent.TimeUnit;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * One core's share of the key space: its {@link KeyTable} and its expiry timers. Keys expire two ways: lazily, when
 * an access finds a key past its deadline, and actively, when the core's {@link DeadlineTimerWheel} (polled once per
 * loop turn by {@link #expireDue}) fires. Owner thread only: no locks and no volatile fields; other cores reach it
 * only by sending a task to its Exec.
 *
 * <p>Time is milliseconds of {@link System#nanoTime()}, so a wall-clock step does not expire or revive keys.
 */
final class Shard {
    /** Result of {@link #incrBy} when the stored value is not an integer. */
    static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    /** Result of {@link #incrBy} on overflow. */
    static final String OVERFLOW = "ERR increment or decrement would overflow";

    private static final long TICK_MS = 8;
    private static final int TICKS_PER_WHEEL = 1024;
    private static final int EXPIRY_LIMIT = 1024;

    private final KeyTable table = new KeyTable();
    private final DeadlineTimerWheel wheel;
    private final Long2ObjectHashMap<byte[]> timerKeys = new Long2ObjectHashMap<>();
    private final DeadlineTimerWheel.TimerHandler onTimer = this::onTimer;
    private final Command scratch = new Command();
    private long now;

    long expiredKeys;
    long hits;
    long misses;
    /** Set by {@link #incrBy}: the new value when it returns {@code true}. */
    long incrResult;
    /** Set by {@link #incrBy} when it returns {@code false}: {@link #NOT_INTEGER} or {@link #OVERFLOW}. */
    String incrError;

    Shard() {
        now = clock();
        wheel = new DeadlineTimerWheel(TimeUnit.MILLISECONDS, now, TICK_MS, TICKS_PER_WHEEL);
    }

    static long clock() {
        return System.nanoTime() / 1_000_000;
    }

    /** Reads the clock once for a burst of commands. */
    long tick() {
        return now = clock();
    }

    long now() {
        return now;
    }

    // ----------------------------------------------------------------------------------------------- lookups

    /** The live slot of the key, or -1; a key past its deadline is deleted here (lazy expiry). */
    private int live(byte[] b, int off, int len, int hash) {
        int slot = table.find(b, off, len, hash);
        if (slot >= 0) {
            long deadline = table.expireAt[slot];
            if (deadline != KeyTable.NO_EXPIRY && deadline <= now) {
                delete(slot);
                expiredKeys++;
                return -1;
            }
        }
        return slot;
    }

    byte[] get(byte[] b, int off, int len, int hash) {
        int slot = live(b, off, len, hash);
        if (slot < 0) {
            misses++;
            return null;
        }
        hits++;
        return table.values[slot];
    }

    boolean exists(byte[] b, int off, int len, int hash) {
        return live(b, off, len, hash) >= 0;
    }

    /**
     * SET with its options.
     *
     * @param deadline absolute deadline in ms, {@link KeyTable#NO_EXPIRY} to clear it
     * @param keepTtl keep the key's current deadline (KEEPTTL); then {@code deadline} is ignored
     * @param nx only if absent; {@code xx}: only if present
     * @return whether the value was stored
     */
    boolean set(byte[] b, int off, int len, int hash, byte[] value, long deadline, boolean keepTtl,
                boolean nx, boolean xx) {
        if (nx || xx) {
            boolean present = live(b, off, len, hash) >= 0;
            if ((nx && present) || (xx && !present)) {
                return false;
            }
        }
        int slot = table.findOrInsert(b, off, len, hash);
        table.values[slot] = value;
        if (!keepTtl) {
            schedule(slot, deadline);
        }
        return true;
    }

    boolean del(byte[] b, int off, int len, int hash) {
        int slot = live(b, off, len, hash);
        if (slot < 0) {
            return false;
        }
        delete(slot);
        return true;
    }

    /**
     * INCRBY: {@code true} with the new value in {@link #incrResult}, or {@code false} with {@link #incrError} set.
     * A missing key counts as 0; the deadline is kept, as Redis does.
     */
    boolean incrBy(byte[] b, int off, int len, int hash, long delta) {
        int slot = live(b, off, len, hash);
        long current = 0;
        if (slot >= 0) {
            byte[] v = table.values[slot];
            if (!scratch.parseLong(v, 0, v.length)) {
                incrError = NOT_INTEGER;
                return false;
            }
            current = scratch.number;
        }
        long next = current + delta;
        if (((current ^ next) & (delta ^ next)) < 0) { // both operands' signs differ from the result's: overflow
            incrError = OVERFLOW;
            return false;
        }
        if (slot < 0) {
            slot = table.findOrInsert(b, off, len, hash);
        }
        table.values[slot] = RespBuffer.bytes(Long.toString(next));
        incrResult = next;
        return true;
    }

    /**
     * EXPIRE (seconds) or PEXPIRE (milliseconds) relative to now; a deadline not in the future deletes the key.
     *
     * @return whether the key exists (and so got the deadline)
     */
    boolean expire(byte[] b, int off, int len, int hash, long deadline) {
        int slot = live(b, off, len, hash);
        if (slot < 0) {
            return false;
        }
        if (deadline <= now) {
            delete(slot);
            expiredKeys++;
        } else {
            schedule(slot, deadline);
        }
        return true;
    }

    /** TTL in milliseconds: -2 no such key, -1 no deadline. */
    long pttl(byte[] b, int off, int len, int hash) {
        int slot = live(b, off, len, hash);
        if (slot < 0) {
            return -2;
        }
        long deadline = table.expireAt[slot];
        return deadline == KeyTable.NO_EXPIRY ? -1 : deadline - now;
    }

    /** PERSIST: whether a deadline was removed. */
    boolean persist(byte[] b, int off, int len, int hash) {
        int slot = live(b, off, len, hash);
        if (slot < 0 || table.expireAt[slot] == KeyTable.NO_EXPIRY) {
            return false;
        }
        schedule(slot, KeyTable.NO_EXPIRY);
        return true;
    }

    /** Live keys (those past their deadline are expired first). */
    int size() {
        expireDue(tick());
        return table.size();
    }

    /** Keys with a deadline. */
    int expiring() {
        return table.expiring();
    }

    void flush() {
        table.clear();
        wheel.clear();
        timerKeys.clear();
    }

    // ------------------------------------------------------------------------------------------------ timers

    private void schedule(int slot, long deadline) {
        if (deadline == KeyTable.NO_EXPIRY && table.expireAt[slot] == KeyTable.NO_EXPIRY) {
            return; // a plain SET of a key without a deadline: no timer to cancel (timerIds is NULL_DEADLINE with it)
        }
        long oldTimer = table.timerIds[slot];
        if (oldTimer != DeadlineTimerWheel.NULL_DEADLINE) {
            wheel.cancelTimer(oldTimer);
            timerKeys.remove(oldTimer);
        }
        if (deadline == KeyTable.NO_EXPIRY) {
            table.setExpiry(slot, KeyTable.NO_EXPIRY, DeadlineTimerWheel.NULL_DEADLINE);
        } else {
            long timer = wheel.scheduleTimer(deadline);
            timerKeys.put(timer, table.keys[slot]);
            table.setExpiry(slot, deadline, timer);
        }
    }

    private void delete(int slot) {
        long timer = table.timerIds[slot];
        if (timer != DeadlineTimerWheel.NULL_DEADLINE) {
            wheel.cancelTimer(timer);
            timerKeys.remove(timer);
        }
        table.removeAt(slot);
    }

    /**
     * Fires the timers that are due (at most a bounded number per call, so one turn stays short).
     *
     * @return how many keys expired
     */
    int expireDue(long nowMs) {
        now = nowMs;
        if (wheel.timerCount() == 0) {
            if (wheel.currentTickTime() <= nowMs) {
                wheel.currentTickTime(nowMs); // nothing scheduled: jump instead of walking the idle ticks
            }
            return 0;
        }
        long before = expiredKeys;
        int fired = 0;
        do {
            fired += wheel.poll(nowMs, onTimer, EXPIRY_LIMIT - fired); // one tick per poll
        } while (fired < EXPIRY_LIMIT && wheel.currentTickTime() <= nowMs && wheel.timerCount() > 0);
        return (int) (expiredKeys - before);
    }

    /** Milliseconds until the wheel next needs a poll, or -1 when no timer is scheduled. */
    long msUntilNextTimer(long nowMs) {
        return wheel.timerCount() == 0 ? -1 : Math.max(0, wheel.currentTickTime() - nowMs);
    }

    private boolean onTimer(TimeUnit unit, long nowMs, long timerId) {
        byte[] key = timerKeys.remove(timerId);
        if (key != null) {
            int slot = table.find(key, 0, key.length, Keys.hash(key));
            if (slot >= 0 && table.timerIds[slot] == timerId) {
                table.timerIds[slot] = DeadlineTimerWheel.NULL_DEADLINE; // the wheel already dropped this timer
                table.removeAt(slot);
                expiredKeys++;
            }
        }
        return true;
    }
}
