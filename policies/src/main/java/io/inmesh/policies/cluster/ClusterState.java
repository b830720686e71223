package io.inmesh.policies.cluster;

import java.util.List;

/**
 * Everything routing needs about one cluster in a snapshot: its CDS settings and its load
 * balancer over the current endpoints.
 */
public record ClusterState(UpstreamCluster cluster, ClusterLoadBalancer loadBalancer) {

  /** Builds the state; {@code previous} (may be null) keeps active-request counters. */
  public static ClusterState of(UpstreamCluster cluster, LoadAssignment assignment,
      ClusterState previous) {
    return new ClusterState(cluster, ClusterLoadBalancer.build(cluster, assignment,
        previous == null ? null : previous.loadBalancer()));
  }

  public LoadAssignment assignment() {
    return loadBalancer.assignment();
  }

  public List<Endpoint> endpoints() {
    return loadBalancer.assignment().endpoints();
  }
}
