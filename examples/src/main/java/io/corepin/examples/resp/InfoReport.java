package io.corepin.examples.resp;

/**
 * Renders INFO from every core's {@link CoreStats} snapshot: Redis' usual sections (totals over the cores) and a
 * {@code # Cores} section with one line per core. Pure function; runs on the connection's core.
 */
final class InfoReport {
    private InfoReport() {
    }

    static String render(RespServer server, byte[][] parts) {
        long[][] cores = new long[parts.length][];
        long[] sum = new long[CoreStats.FIELDS.length];
        for (int i = 0; i < parts.length; i++) {
            cores[i] = Replies.integers(parts[i]);
            for (int f = 0; f < sum.length; f++) {
                sum[f] += cores[i][f];
            }
        }
        StringBuilder sb = new StringBuilder(1024);
        sb.append("# Server\r\n")
            .append("redis_version:7.0.0\r\n")
            .append("server_name:corepin-resp-kv\r\n")
            .append("redis_mode:standalone\r\n")
            .append("arch_bits:64\r\n")
            .append("process_id:").append(ProcessHandle.current().pid()).append("\r\n")
            .append("tcp_port:").append(server.port()).append("\r\n")
            .append("uptime_in_seconds:").append(server.uptimeSeconds()).append("\r\n")
            .append("cores:").append(parts.length).append("\r\n")
            .append("accept_mode:").append(server.acceptMode().name().toLowerCase(java.util.Locale.ROOT))
            .append("\r\n\r\n");
        sb.append("# Clients\r\n");
        line(sb, "connected_clients", sum, "connected_clients");
        line(sb, "replies_in_flight", sum, "replies_in_flight");
        sb.append("\r\n# Memory\r\n");
        line(sb, "client_buffer_bytes", sum, "buffer_bytes");
        line(sb, "client_memory", sum, "client_memory");
        sb.append("\r\n# Stats\r\n");
        line(sb, "total_connections_received", sum, "connections_received");
        line(sb, "total_connections_closed", sum, "connections_closed");
        line(sb, "total_commands_processed", sum, "commands");
        line(sb, "total_net_input_bytes", sum, "bytes_in");
        line(sb, "total_net_output_bytes", sum, "bytes_out");
        line(sb, "keyspace_hits", sum, "keyspace_hits");
        line(sb, "keyspace_misses", sum, "keyspace_misses");
        line(sb, "expired_keys", sum, "expired_keys");
        line(sb, "protocol_errors", sum, "protocol_errors");
        line(sb, "query_limit_closes", sum, "query_limit_closes");
        line(sb, "output_limit_closes", sum, "output_limit_closes");
        line(sb, "memory_limit_closes", sum, "memory_limit_closes");
        line(sb, "connection_errors", sum, "connection_errors");
        line(sb, "cross_core_batches", sum, "batches_sent");
        sb.append("\r\n# Keyspace\r\n");
        long keys = sum[field("keys")];
        if (keys > 0) {
            sb.append("db0:keys=").append(keys).append(",expires=").append(sum[field("expires")])
                .append(",avg_ttl=0\r\n");
        }
        sb.append("\r\n# Cores\r\n");
        for (long[] core : cores) {
            sb.append("core").append(core[0]).append(':');
            for (int f = 1; f < CoreStats.FIELDS.length; f++) {
                sb.append(f == 1 ? "" : ",").append(CoreStats.FIELDS[f]).append('=').append(core[f]);
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, long[] values, String field) {
        sb.append(name).append(':').append(values[field(field)]).append("\r\n");
    }

    private static int field(String name) {
        for (int i = 0; i < CoreStats.FIELDS.length; i++) {
            if (CoreStats.FIELDS[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no such statistic: " + name);
    }
}
