package io.corepin.examples.resp;

/**
 * Commands that touch no key and run on the connection's own core: PING, ECHO, QUIT, COMMAND (what redis-cli and
 * redis-benchmark ask at start-up), CONFIG GET (a few read-only answers for redis-benchmark), CLIENT (names and the
 * client library info that Jedis sends), SELECT 0. The arity was checked by the caller.
 */
final class HomeCommands {
    private static final String[][] CONFIG = {
        {"save", ""}, {"appendonly", "no"}, {"databases", "1"}, {"maxmemory", "0"},
    };

    private HomeCommands() {
    }

    static void execute(Cmd cmd, Command c, Connection conn, Core core) {
        RespBuffer out = conn.replyTarget();
        switch (cmd) {
            case PING:
                if (c.argc == 1) {
                    out.raw(RespBuffer.PONG);
                } else if (c.argc == 2) {
                    out.bulk(c.buf, c.off[1], c.len[1]);
                } else {
                    wrongArgs(out, cmd);
                }
                return;
            case ECHO:
                out.bulk(c.buf, c.off[1], c.len[1]);
                return;
            case QUIT:
                out.raw(RespBuffer.OK);
                conn.closeAfterFlush = true;
                return;
            case COMMAND:
                command(c, out);
                return;
            case CONFIG:
                config(c, out);
                return;
            case CLIENT:
                client(c, conn, out);
                return;
            case SELECT:
                if (!c.parseLong(1)) {
                    out.error(Shard.NOT_INTEGER);
                } else if (c.number != 0) {
                    out.error("ERR DB index is out of range");
                } else {
                    out.raw(RespBuffer.OK);
                }
                return;
            default:
                throw new IllegalArgumentException(cmd + " is not a home command");
        }
    }

    private static void wrongArgs(RespBuffer out, Cmd cmd) {
        out.error("ERR wrong number of arguments for '" + cmd.lowerName + "' command");
    }

    /** COMMAND, COMMAND COUNT, COMMAND INFO name.., COMMAND LIST, COMMAND DOCS (no docs: an empty reply). */
    private static void command(Command c, RespBuffer out) {
        Cmd[] all = Cmd.values();
        if (c.argc == 1) {
            out.arrayHeader(all.length);
            for (Cmd cmd : all) {
                cmd.writeInfo(out);
            }
        } else if (c.argIs(1, "COUNT") && c.argc == 2) {
            out.integer(all.length);
        } else if (c.argIs(1, "LIST") && c.argc == 2) {
            out.arrayHeader(all.length);
            for (Cmd cmd : all) {
                out.bulk(cmd.lowerName);
            }
        } else if (c.argIs(1, "DOCS")) {
            out.arrayHeader(0);
        } else if (c.argIs(1, "INFO")) {
            out.arrayHeader(c.argc - 2);
            for (int i = 2; i < c.argc; i++) {
                Cmd found = named(c, i);
                if (found == null) {
                    out.arrayHeader(-1);
                } else {
                    found.writeInfo(out);
                }
            }
        } else {
            out.error("ERR unknown subcommand or wrong number of arguments for '" + c.arg(1) + "'. Try COMMAND HELP.");
        }
    }

    private static Cmd named(Command c, int arg) {
        for (Cmd cmd : Cmd.values()) {
            if (c.argIs(arg, cmd.name())) {
                return cmd;
            }
        }
        return null;
    }

    /** CONFIG GET name..: the few settings redis-benchmark reads; anything else is an empty answer. */
    private static void config(Command c, RespBuffer out) {
        if (!c.argIs(1, "GET") || c.argc < 3) {
            out.error("ERR CONFIG " + c.arg(1) + " is not supported by this server (only CONFIG GET)");
            return;
        }
        int matches = 0;
        for (String[] kv : CONFIG) {
            if (requested(c, kv[0])) {
                matches++;
            }
        }
        out.arrayHeader(matches * 2);
        for (String[] kv : CONFIG) {
            if (requested(c, kv[0])) {
                out.bulk(kv[0]);
                out.bulk(kv[1]);
            }
        }
    }

    private static boolean requested(Command c, String name) {
        for (int i = 2; i < c.argc; i++) {
            if (c.argIs(i, "*") || c.argIs(i, name.toUpperCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** CLIENT SETNAME/GETNAME/ID/SETINFO. */
    private static void client(Command c, Connection conn, RespBuffer out) {
        if (c.argIs(1, "SETNAME") && c.argc == 3) {
            conn.name = c.arg(2);
            out.raw(RespBuffer.OK);
        } else if (c.argIs(1, "GETNAME") && c.argc == 2) {
            out.bulk(conn.name == null ? null : RespBuffer.bytes(conn.name));
        } else if (c.argIs(1, "ID") && c.argc == 2) {
            out.integer(conn.id);
        } else if (c.argIs(1, "SETINFO") && c.argc == 4) {
            out.raw(RespBuffer.OK);
        } else {
            out.error("ERR unknown subcommand or wrong number of arguments for '" + c.arg(1) + "'. Try CLIENT HELP.");
        }
    }
}
