package io.corepin.cluster;

import io.corepin.balance.LoadBalancer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The hosts of a cluster at one epoch, immutable. A key maps to a host by weighted rendezvous hashing (each host
 * weighted by its Exec count), then to one of that host's Execs by {@link LoadBalancer#indexFor(long, int)}, the
 * same map a local {@code ExecGroup} uses for keyed work. When a host joins, only keys that the new host wins move
 * (to it); when one leaves, only its keys move. Each change makes a new {@code Membership} with the next epoch;
 * every message carries the epoch of the membership its sender routed it by.
 *
 * <p>{@link #hostIndexFor(long)} does not allocate: senders call it per message.
 */
public final class Membership {
    private final long epoch;
    private final Host[] hosts; // sorted by id

    private Membership(long epoch, Host[] hosts) {
        this.epoch = epoch;
        this.hosts = hosts;
    }

    /**
     * A membership of the given hosts at the given epoch.
     *
     * @throws IllegalArgumentException naming the value if {@code epoch < 0}, there are no hosts, or two share an id
     */
    public static Membership of(long epoch, Host... hosts) {
        return of(epoch, Arrays.asList(hosts));
    }

    /** As {@link #of(long, Host...)}. */
    public static Membership of(long epoch, List<Host> hosts) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        Host[] sorted = hosts.toArray(new Host[0]);
        for (Host h : sorted) {
            Objects.requireNonNull(h, "host");
        }
        if (sorted.length == 0) {
            throw new IllegalArgumentException("a membership needs at least one host");
        }
        Arrays.sort(sorted, Comparator.comparingInt(Host::id));
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].id() == sorted[i - 1].id()) {
                throw new IllegalArgumentException("two hosts with id " + sorted[i].id() + ": " + sorted[i - 1] + ", " + sorted[i]);
            }
        }
        return new Membership(epoch, sorted);
    }

    /** This membership plus {@code host}, at the next epoch. @throws IllegalArgumentException if its id is taken */
    public Membership join(Host host) {
        List<Host> next = new ArrayList<>(hosts());
        next.add(Objects.requireNonNull(host, "host"));
        return of(epoch + 1, next);
    }

    /**
     * This membership without host {@code hostId}, at the next epoch.
     *
     * @throws IllegalArgumentException naming the id if no such host is a member, or it is the last one
     */
    public Membership leave(int hostId) {
        List<Host> next = new ArrayList<>(hosts());
        if (!next.removeIf(h -> h.id() == hostId)) {
            throw new IllegalArgumentException("host " + hostId + " is not a member of epoch " + epoch + ": " + next);
        }
        return of(epoch + 1, next);
    }

    /** The epoch: 0 or more, one more at each join or leave. */
    public long epoch() {
        return epoch;
    }

    /** The hosts, by id. */
    public List<Host> hosts() {
        return List.of(hosts);
    }

    /** How many hosts. */
    public int size() {
        return hosts.length;
    }

    /** The host at {@code index} in id order. */
    public Host host(int index) {
        return hosts[index];
    }

    /** The index (in id order) of host {@code hostId}, or -1 if it is not a member. */
    public int indexOf(int hostId) {
        for (int i = 0; i < hosts.length; i++) {
            if (hosts[i].id() == hostId) {
                return i;
            }
        }
        return -1;
    }

    /** The index (in id order) of the host that owns {@code key}: the highest weighted rendezvous score. */
    public int hostIndexFor(long key) {
        int best = 0;
        double bestScore = Rendezvous.score(key, hosts[0].id(), hosts[0].execs());
        for (int i = 1; i < hosts.length; i++) {
            double s = Rendezvous.score(key, hosts[i].id(), hosts[i].execs());
            if (s > bestScore) { // ties keep the lower id (hosts are sorted by id)
                best = i;
                bestScore = s;
            }
        }
        return best;
    }

    /** The host that owns {@code key}. */
    public Host hostFor(long key) {
        return hosts[hostIndexFor(key)];
    }

    /** The Exec of {@link #hostFor(long)} that owns {@code key}: {@code LoadBalancer.indexFor(key, host.execs())}. */
    public int execFor(long key) {
        return LoadBalancer.indexFor(key, hostFor(key).execs());
    }

    @Override
    public String toString() {
        return "Membership{epoch=" + epoch + ", hosts=" + Arrays.toString(hosts) + "}";
    }
}
