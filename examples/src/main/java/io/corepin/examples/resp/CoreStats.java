package io.corepin.examples.resp;

/**
 * One core's counters, written by that core only (plain fields). INFO asks each core for a snapshot through its
 * Exec ({@link #writeSnapshot}), so no counter is ever read from another thread.
 */
final class CoreStats {
    /** The snapshot's fields, in order (also INFO's names for them). */
    static final String[] FIELDS = {
        "core", "cpu", "connected_clients", "connections_received", "connections_closed", "commands",
        "batches_sent", "batches_executed", "commands_for_other_cores", "protocol_errors", "query_limit_closes",
        "output_limit_closes", "bytes_in", "bytes_out", "buffer_bytes", "replies_in_flight", "keys", "expires",
        "expired_keys", "keyspace_hits", "keyspace_misses", "parks", "client_memory", "client_peak_bytes",
        "memory_limit_closes", "connection_errors", "parse_scanned",
    };

    long accepted;
    long closed;
    long commands;
    long batchesSent;
    long batchesExecuted;
    long commandsForOthers;
    long protocolErrors;
    long queryLimitCloses;
    long outputLimitCloses;
    long bytesIn;
    long bytesOut;
    /** Connections closed to keep this core's client buffers within its share of the server's client memory. */
    long memoryLimitCloses;
    /** Connections closed because handling them threw (an Error such as OutOfMemoryError, or a bug). */
    long connectionErrors;
    /** Header and inline bytes the request parsers examined (linear in the input when parsing resumes). */
    long parseScanned;
    /** The most heap one client's buffers held on this core (input, replies, replies built here for another core). */
    long peakClientBytes;

    /** Records that one client's buffers held {@code bytes}. */
    void peak(long bytes) {
        if (bytes > peakClientBytes) {
            peakClientBytes = bytes;
        }
    }

    /** Owner thread: the snapshot as a RESP array of integers in {@link #FIELDS} order. */
    void writeSnapshot(Core core, RespBuffer out) {
        long[] totals = core.connectionTotals();
        Shard s = core.shard;
        int keys = s.size();
        long[] v = {
            core.index, core.exec.cpu(), core.connectionCount(), accepted, closed, commands,
            batchesSent, batchesExecuted, commandsForOthers, protocolErrors, queryLimitCloses,
            outputLimitCloses, bytesIn, bytesOut, totals[0], totals[1], keys, s.expiring(),
            s.expiredKeys, s.hits, s.misses, core.exec.parks(), core.clientMemory(), peakClientBytes,
            memoryLimitCloses, connectionErrors, parseScanned,
        };
        out.arrayHeader(v.length);
        for (long x : v) {
            out.integer(x);
        }
    }
}
