package io.corepin.examples.resp;

/**
 * Runs a keyed command ({@link Cmd.Route#KEYS}) against the {@link Shard} that owns all of its keys and writes the
 * Redis reply. The arity was checked by the caller. Runs on the shard's core; stateless.
 */
final class ShardCommands {
    private ShardCommands() {
    }

    static void execute(Cmd cmd, Command c, Shard s, RespBuffer out) {
        byte[] b = c.buf;
        switch (cmd) {
            case GET:
                get(c, s, out);
                return;
            case SET:
                set(c, s, out);
                return;
            case DEL:
            case EXISTS: {
                long n = 0;
                for (int i = 1; i < c.argc; i++) {
                    int o = c.off[i];
                    int l = c.len[i];
                    int h = Keys.hash(b, o, l);
                    if (cmd == Cmd.DEL ? s.del(b, o, l, h) : s.exists(b, o, l, h)) {
                        n++;
                    }
                }
                out.integer(n);
                return;
            }
            case INCR:
                incrBy(c, s, 1, out);
                return;
            case DECR:
                incrBy(c, s, -1, out);
                return;
            case INCRBY:
            case DECRBY:
                if (!c.parseLong(2)) {
                    out.error(Shard.NOT_INTEGER);
                } else if (cmd == Cmd.DECRBY && c.number == Long.MIN_VALUE) {
                    out.error("ERR decrement would overflow");
                } else {
                    incrBy(c, s, cmd == Cmd.DECRBY ? -c.number : c.number, out);
                }
                return;
            case MGET:
                out.arrayHeader(c.argc - 1);
                for (int i = 1; i < c.argc; i++) {
                    int o = c.off[i];
                    int l = c.len[i];
                    out.bulk(s.get(b, o, l, Keys.hash(b, o, l)));
                }
                return;
            case MSET:
                if ((c.argc & 1) == 0) {
                    out.error("ERR wrong number of arguments for 'mset' command");
                    return;
                }
                for (int i = 1; i < c.argc; i += 2) {
                    int o = c.off[i];
                    int l = c.len[i];
                    s.set(b, o, l, Keys.hash(b, o, l), c.copyArg(i + 1), KeyTable.NO_EXPIRY, false, false, false);
                }
                out.raw(RespBuffer.OK);
                return;
            case EXPIRE:
            case PEXPIRE:
                expire(cmd, c, s, out);
                return;
            case TTL:
            case PTTL: {
                long ms = s.pttl(b, c.off[1], c.len[1], Keys.hash(b, c.off[1], c.len[1]));
                out.integer(ms < 0 || cmd == Cmd.PTTL ? ms : (ms + 500) / 1000); // Redis rounds TTL to the nearest second
                return;
            }
            case PERSIST:
                out.integer(s.persist(b, c.off[1], c.len[1], Keys.hash(b, c.off[1], c.len[1])) ? 1 : 0);
                return;
            default:
                throw new IllegalArgumentException(cmd + " is not a keyed command");
        }
    }

    private static void get(Command c, Shard s, RespBuffer out) {
        byte[] b = c.buf;
        out.bulk(s.get(b, c.off[1], c.len[1], Keys.hash(b, c.off[1], c.len[1])));
    }

    /** SET key value [NX|XX] [EX seconds|PX milliseconds|KEEPTTL]. */
    private static void set(Command c, Shard s, RespBuffer out) {
        boolean nx = false;
        boolean xx = false;
        boolean keepTtl = false;
        int unitArg = -1;
        long multiplier = 0;
        for (int i = 3; i < c.argc; i++) {
            if (c.argIs(i, "NX") && !xx) {
                nx = true;
            } else if (c.argIs(i, "XX") && !nx) {
                xx = true;
            } else if (c.argIs(i, "KEEPTTL") && unitArg < 0) {
                keepTtl = true;
            } else if ((c.argIs(i, "EX") || c.argIs(i, "PX")) && unitArg < 0 && !keepTtl && i + 1 < c.argc) {
                multiplier = c.argIs(i, "EX") ? 1000 : 1;
                unitArg = ++i;
            } else {
                out.error("ERR syntax error");
                return;
            }
        }
        long deadline = KeyTable.NO_EXPIRY;
        if (unitArg > 0) {
            if (!c.parseLong(unitArg)) {
                out.error(Shard.NOT_INTEGER);
                return;
            }
            long amount = c.number;
            long now = s.now();
            if (amount <= 0 || amount > (Long.MAX_VALUE - now) / multiplier) {
                out.error("ERR invalid expire time in 'set' command");
                return;
            }
            deadline = now + amount * multiplier;
        }
        byte[] b = c.buf;
        int o = c.off[1];
        int l = c.len[1];
        if (s.set(b, o, l, Keys.hash(b, o, l), c.copyArg(2), deadline, keepTtl, nx, xx)) {
            out.raw(RespBuffer.OK);
        } else {
            out.raw(RespBuffer.NULL_BULK);
        }
    }

    private static void incrBy(Command c, Shard s, long delta, RespBuffer out) {
        byte[] b = c.buf;
        if (s.incrBy(b, c.off[1], c.len[1], Keys.hash(b, c.off[1], c.len[1]), delta)) {
            out.integer(s.incrResult);
        } else {
            out.error(s.incrError);
        }
    }

    private static void expire(Cmd cmd, Command c, Shard s, RespBuffer out) {
        if (!c.parseLong(2)) {
            out.error(Shard.NOT_INTEGER);
            return;
        }
        long amount = c.number;
        long multiplier = cmd == Cmd.EXPIRE ? 1000 : 1;
        long now = s.now();
        if (amount > (Long.MAX_VALUE - now) / multiplier || amount < (Long.MIN_VALUE + now) / multiplier) {
            out.error("ERR invalid expire time in '" + cmd.lowerName + "' command");
            return;
        }
        byte[] b = c.buf;
        boolean existed = s.expire(b, c.off[1], c.len[1], Keys.hash(b, c.off[1], c.len[1]), now + amount * multiplier);
        out.integer(existed ? 1 : 0);
    }
}
