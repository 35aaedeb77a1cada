package io.cmsrouter.cluster;

import org.springframework.stereotype.Component;

/**
 * This instance's share of a ceiling that holds for the whole cluster (contentstack.cda-rate and cma-rate, Contentful's,
 * each target's rate): the ceiling divided by the live instances as of the last heartbeat, rounded down, and at least
 * one request per period. The throttles read it for every request, so it follows instances joining and leaving
 * within a heartbeat.
 */
@Component("clusterShare")
public class ClusterShare {
    private final Instances instances;

    public ClusterShare(Instances instances) {
        this.instances = instances;
    }

    /** Requests per period this instance may make of a cluster-wide {@code ceiling} per period. */
    public int of(double ceiling) {
        return share(ceiling, instances.live());
    }

    static int share(double ceiling, int live) {
        return (int) Math.max(1, Math.floor(ceiling / Math.max(1, live)));
    }
}
