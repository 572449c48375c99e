package io.corepin.examples.resp;

/**
 * The commands the server knows, with Redis' arity and key positions (what {@code COMMAND} reports) and how each is
 * routed between cores. GET and SET come first because {@link #lookup} walks this order.
 */
enum Cmd {
    GET(2, 1, 1, 1, Route.KEYS, "readonly", "fast"),
    SET(-3, 1, 1, 1, Route.KEYS, "write", "denyoom"),
    PING(-1, 0, 0, 0, Route.HOME, "fast"),
    ECHO(2, 0, 0, 0, Route.HOME, "fast"),
    QUIT(-1, 0, 0, 0, Route.HOME, "fast"),
    COMMAND(-1, 0, 0, 0, Route.HOME, "random", "loading", "stale"),
    CONFIG(-2, 0, 0, 0, Route.HOME, "admin", "noscript", "loading", "stale"),
    CLIENT(-2, 0, 0, 0, Route.HOME, "noscript", "loading", "stale"),
    SELECT(2, 0, 0, 0, Route.HOME, "loading", "stale", "fast"),
    DEL(-2, 1, -1, 1, Route.KEYS, "write"),
    EXISTS(-2, 1, -1, 1, Route.KEYS, "readonly", "fast"),
    INCR(2, 1, 1, 1, Route.KEYS, "write", "denyoom", "fast"),
    DECR(2, 1, 1, 1, Route.KEYS, "write", "denyoom", "fast"),
    INCRBY(3, 1, 1, 1, Route.KEYS, "write", "denyoom", "fast"),
    DECRBY(3, 1, 1, 1, Route.KEYS, "write", "denyoom", "fast"),
    MGET(-2, 1, -1, 1, Route.KEYS, "readonly", "fast"),
    MSET(-3, 1, -1, 2, Route.KEYS, "write", "denyoom"),
    EXPIRE(3, 1, 1, 1, Route.KEYS, "write", "fast"),
    PEXPIRE(3, 1, 1, 1, Route.KEYS, "write", "fast"),
    TTL(2, 1, 1, 1, Route.KEYS, "readonly", "random", "fast"),
    PTTL(2, 1, 1, 1, Route.KEYS, "readonly", "random", "fast"),
    PERSIST(2, 1, 1, 1, Route.KEYS, "write", "fast"),
    DBSIZE(1, 0, 0, 0, Route.ALL, "readonly", "fast"),
    FLUSHALL(-1, 0, 0, 0, Route.ALL, "write"),
    INFO(-1, 0, 0, 0, Route.ALL, "random", "loading", "stale");

    /** Where a command runs. */
    enum Route {
        /** On the connection's own core: it touches no key. */
        HOME,
        /** On the core that owns its keys; split into one part per owner when its keys have several owners. */
        KEYS,
        /** On every core, the parts combined on the connection's core. */
        ALL
    }

    private static final Cmd[] ALL_CMDS = values();

    /** Lower-case name, as Redis reports it. */
    final String lowerName;
    private final byte[] upper;
    /** Redis arity: {@code n} exactly n arguments including the name, {@code -n} at least n. */
    final int arity;
    final int firstKey;
    /** Last key position; -1 means the last argument. */
    final int lastKey;
    final int step;
    final Route route;
    final String[] flags;

    Cmd(int arity, int firstKey, int lastKey, int step, Route route, String... flags) {
        this.lowerName = name().toLowerCase(java.util.Locale.ROOT);
        this.upper = RespBuffer.bytes(name());
        this.arity = arity;
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.step = step;
        this.route = route;
        this.flags = flags;
    }

    /** The command named by argument 0 of {@code c}, ignoring case, or {@code null}. */
    static Cmd lookup(Command c) {
        byte[] b = c.buf;
        int off = c.off[0];
        int len = c.len[0];
        for (Cmd cmd : ALL_CMDS) {
            byte[] u = cmd.upper;
            if (u.length == len && equalsUpper(u, b, off)) {
                return cmd;
            }
        }
        return null;
    }

    private static boolean equalsUpper(byte[] upper, byte[] b, int off) {
        for (int i = 0; i < upper.length; i++) {
            int c = b[off + i];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != upper[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code argc} arguments (the name included) satisfy the arity. */
    boolean arityOk(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** Index of the last key for a request of {@code argc} arguments. */
    int lastKeyIndex(int argc) {
        return lastKey < 0 ? argc + lastKey : lastKey;
    }

    /** Writes this command's {@code COMMAND INFO} entry: name, arity, flags, first key, last key, step. */
    void writeInfo(RespBuffer out) {
        out.arrayHeader(6);
        out.bulk(lowerName);
        out.integer(arity);
        out.arrayHeader(flags.length);
        for (String f : flags) {
            out.simple(f);
        }
        out.integer(firstKey);
        out.integer(lastKey);
        out.integer(step);
    }
}
