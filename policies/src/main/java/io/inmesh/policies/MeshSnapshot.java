package io.inmesh.policies;

import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.listener.OutboundListeners;
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
 * @param listeners the outbound listeners of the sidecar shape ({@link OutboundListeners#NONE} in
 *     the proxyless shape)
 */
public record MeshSnapshot(Map<String, RouteTable> routesByTarget,
    Map<String, ClusterState> clusters, long version, OutboundListeners listeners) {

  public static final MeshSnapshot EMPTY = new MeshSnapshot(Map.of(), Map.of(), 0);

  public MeshSnapshot {
    routesByTarget = Map.copyOf(routesByTarget);
    clusters = Map.copyOf(clusters);
    if (listeners == null) {
      listeners = OutboundListeners.NONE;
    }
  }

  /** A proxyless snapshot: routes per target, no listeners. */
  public MeshSnapshot(Map<String, RouteTable> routesByTarget, Map<String, ClusterState> clusters,
      long version) {
    this(routesByTarget, clusters, version, OutboundListeners.NONE);
  }

  /**
   * The route table of an HTTP call, whichever shape the mesh came in: the target's own
   * (proxyless), else the HTTP chain of the listener {@code host}:{@code port} resolves to
   * (sidecar); null means the call is not the mesh's to route.
   *
   * @param target {@code host:port} as the application wrote it
   */
  public RouteTable httpRoutes(String target, String host, int port) {
    RouteTable table = routesByTarget.get(target);
    return table != null ? table : listeners.httpRoutes(host, port);
  }
}
