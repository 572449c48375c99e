package io.corepin.cluster;

import java.util.Objects;

/**
 * One member of a cluster: its id, how many Execs it runs, and the UDP endpoint ({@code host:port}) its Execs'
 * subscriptions listen on. Exec {@code i} of the host receives on stream {@code i} of that endpoint.
 *
 * @param id the host's id, unique in a {@link Membership}, at least 0
 * @param execs the number of Execs the host runs, at least 1: its weight in the rendezvous hash
 * @param endpoint {@code address:port} of the host's receive channel, for instance {@code 127.0.0.1:40123}
 */
public record Host(int id, int execs, String endpoint) {
    /**
     * @throws IllegalArgumentException naming the value if {@code id < 0}, {@code execs < 1} or {@code execs > 65535},
     *     or the endpoint is not {@code address:port}
     */
    public Host {
        if (id < 0) {
            throw new IllegalArgumentException("host id must be >= 0, got " + id);
        }
        if (execs < 1 || execs > Frame.MAX_EXECS) {
            throw new IllegalArgumentException("host " + id + ": execs must be in [1, " + Frame.MAX_EXECS + "], got " + execs);
        }
        Objects.requireNonNull(endpoint, "endpoint");
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException("host " + id + ": endpoint must be address:port, got '" + endpoint + "'");
        }
    }

    /** The Aeron channel of this host's receive endpoint. */
    String channel() {
        return "aeron:udp?endpoint=" + endpoint;
    }
}
