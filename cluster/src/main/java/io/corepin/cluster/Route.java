package io.corepin.cluster;

import io.aeron.ExclusivePublication;

/**
 * One sending Exec's view of a membership: the membership and its publications, {@code pubs[hostIndex][exec]}
 * (host index in the membership's id order). Immutable once handed to the Exec.
 */
final class Route {
    final Membership membership;
    final ExclusivePublication[][] pubs;

    Route(Membership membership, ExclusivePublication[][] pubs) {
        this.membership = membership;
        this.pubs = pubs;
    }
}
