package io.corepin;

import java.util.Arrays;

/**
 * One Exec's {@link ExecLocal} values: an array indexed by the locals' ids, grown when a local with a higher id is
 * first set. <b>Owner thread only</b> (the Exec's thread, or its host's while it hosts it): plain fields, no
 * synchronization — {@link ExecLocal} reaches it only through {@link Exec#current()}.
 */
final class ExecLocals {
    /** The stored form of a {@code null} value ({@code null} in a slot means "no value"). */
    static final Object NULL = new Object();
    private static final Object[] NONE = new Object[0];

    private Object[] slots = NONE; // created by the first set: an Exec without locals pays one empty array reference

    /** The value in slot {@code id}, {@link #NULL} for a null value, or {@code null} when there is none. */
    Object get(int id) {
        final Object[] s = slots;
        return id < s.length ? s[id] : null;
    }

    void set(int id, Object value) {
        Object[] s = slots;
        if (id >= s.length) {
            s = Arrays.copyOf(s, Math.max(8, Integer.highestOneBit(id) << 1)); // the next power of two above id
            slots = s;
        }
        s[id] = value == null ? NULL : value;
    }

    void remove(int id) {
        final Object[] s = slots;
        if (id < s.length) {
            s[id] = null;
        }
    }
}
