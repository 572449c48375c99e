package io.corepin.cluster;

import io.aeron.ExclusivePublication;

/**
 * One sending Exec's view of a membership: the membership and its publications, {@code pubs[hostIndex][exec]}
 * (host index in the membership's id order). Immutable once handed to the Exec.
 */
final class Route {
    final Membership membership;
    final ExclusivePublication[][] pubs;
    /** The sending Exec's unacknowledged frames per (host, Exec), {@code unacked[hostIndex][exec]}; null: replay off. */
    final ReplayBuffer[][] unacked;

    Route(Membership membership, ExclusivePublication[][] pubs, ReplayBuffer[][] unacked) {
        this.membership = membership;
        this.pubs = pubs;
        this.unacked = unacked;
    }
}
