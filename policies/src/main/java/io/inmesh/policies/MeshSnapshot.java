package io.inmesh.policies;

import io.inmesh.policies.cluster.RoundRobin;
import io.inmesh.policies.route.RouteTable;
import java.util.Map;

/**
 * Everything the data plane needs for one moment in time, immutable, published by the xDS bridge
 * with one volatile write per update.
 *
 * @param routesByTarget for each watched target ({@code host:port} as the application wrote it) that
 *     has a listener, the route configuration its HTTP connection manager names
 * @param endpointsByCluster for each cluster with an EDS assignment, its load balancer
 * @param version a counter that grows with every publication, for logs and the admin endpoint
 */
public record MeshSnapshot(Map<String, RouteTable> routesByTarget,
    Map<String, RoundRobin> endpointsByCluster, long version) {

  public static final MeshSnapshot EMPTY = new MeshSnapshot(Map.of(), Map.of(), 0);

  public MeshSnapshot {
    routesByTarget = Map.copyOf(routesByTarget);
    endpointsByCluster = Map.copyOf(endpointsByCluster);
  }
}
