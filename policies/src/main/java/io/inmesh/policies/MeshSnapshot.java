package io.inmesh.policies;

import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.route.RouteTable;
import java.util.Map;

/**
 * Everything the data plane needs for one moment in time, immutable, published by the xDS bridge
 * with one volatile write per update.
 *
 * @param routesByTarget for each watched target ({@code host:port} as the application wrote it) that
 *     has a listener, the route configuration its HTTP connection manager names (with the
 *     listener's session affinity attached)
 * @param clusters for each cluster with endpoints (EDS or inline), its settings and load balancer
 * @param version a counter that grows with every publication, for logs and the admin endpoint
 */
public record MeshSnapshot(Map<String, RouteTable> routesByTarget,
    Map<String, ClusterState> clusters, long version) {

  public static final MeshSnapshot EMPTY = new MeshSnapshot(Map.of(), Map.of(), 0);

  public MeshSnapshot {
    routesByTarget = Map.copyOf(routesByTarget);
    clusters = Map.copyOf(clusters);
  }
}
