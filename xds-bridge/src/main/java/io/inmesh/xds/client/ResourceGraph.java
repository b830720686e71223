package io.inmesh.xds.client;

import io.inmesh.xds.resource.ClusterUpdate;
import io.inmesh.xds.resource.EndpointUpdate;
import io.inmesh.xds.resource.ListenerUpdate;
import io.inmesh.xds.resource.RouteConfigUpdate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * How the four caches hang together, following proxyless gRPC: target = LDS name; listener ->
 * RDS name (unless inline); route configuration -> every cluster its routes name; EDS cluster ->
 * its EDS service name. Confined to the client's executor.
 */
final class ResourceGraph implements XdsGraph {

  final ResourceCache<ListenerUpdate> lds;
  final ResourceCache<RouteConfigUpdate> rds;
  final ResourceCache<ClusterUpdate> cds;
  final ResourceCache<EndpointUpdate> eds;

  /**
   * The route configuration each target is served with: the newest one whose clusters have all
   * settled. A route change that names a new cluster keeps the previous configuration serving
   * until the cluster's endpoints arrive, as Envoy warms clusters before routes use them and gRPC
   * queues picks for a cluster that is not ready; without it, calls would fail with 503 meanwhile.
   */
  private final Map<String, RouteConfigUpdate> serving = new HashMap<>();

  ResourceGraph(ResourceCache<ListenerUpdate> lds, ResourceCache<RouteConfigUpdate> rds,
      ResourceCache<ClusterUpdate> cds, ResourceCache<EndpointUpdate> eds) {
    this.lds = lds;
    this.rds = rds;
    this.cds = cds;
    this.eds = eds;
  }

  @Override
  public List<ResourceCache<?>> caches() {
    return List.of(lds, rds, cds, eds);
  }

  @Override
  public ResourceCache<?> setTargets(Set<String> targets) {
    return lds.subscribe(targets) ? lds : null;
  }

  /** RDS follows the listeners, CDS the route configurations, EDS the clusters. */
  @Override
  public void follow(Consumer<ResourceCache<?>> changed) {
    if (rds.subscribe(wantedRouteConfigs())) {
      changed.accept(rds);
    }
    if (cds.subscribe(wantedClusters())) {
      changed.accept(cds);
    }
    if (eds.subscribe(wantedEdsServices())) {
      changed.accept(eds);
    }
  }

  /** The route configuration of a target, or null while unknown. */
  RouteConfigUpdate routesOf(String target) {
    ListenerUpdate listener = lds.get(target);
    if (listener == null) {
      return null;
    }
    return listener.inlineRoutes() != null ? listener.inlineRoutes()
        : rds.get(listener.rdsName());
  }

  /** The endpoints of a cluster (inline or from EDS), or null while unknown. */
  EndpointUpdate endpointsOf(String clusterName) {
    return XdsGraph.endpointsOf(cds.get(clusterName), eds);
  }

  Set<String> wantedRouteConfigs() {
    Set<String> names = new TreeSet<>();
    for (String target : lds.subscribed()) {
      ListenerUpdate listener = lds.get(target);
      if (listener != null && listener.rdsName() != null) {
        names.add(listener.rdsName());
      }
    }
    return names;
  }

  /** Clusters of the newest route configurations, and of those still serving while they warm. */
  Set<String> wantedClusters() {
    refreshServing();
    Set<String> names = new TreeSet<>();
    for (String target : lds.subscribed()) {
      RouteConfigUpdate routes = routesOf(target);
      if (routes != null) {
        names.addAll(routes.clusterNames());
      }
    }
    for (RouteConfigUpdate routes : serving.values()) {
      names.addAll(routes.clusterNames());
    }
    return names;
  }

  /** The route configuration to serve for each target (see {@link #serving}). */
  Map<String, RouteConfigUpdate> serving() {
    refreshServing();
    return serving;
  }

  private void refreshServing() {
    serving.keySet().removeIf(target -> !lds.subscribed().contains(target) || lds.isAbsent(target)
        || lds.get(target) == null);
    for (String target : lds.subscribed()) {
      RouteConfigUpdate routes = routesOf(target);
      if (routes != null && stateOf(target) == TargetState.RESOLVED) {
        serving.put(target, routes);
      }
    }
  }

  /** Whether a cluster is known to be ORIGINAL_DST (routes to it pass through). */
  boolean passthrough(String clusterName) {
    ClusterUpdate cluster = cds.get(clusterName);
    return cluster != null && cluster.passthrough();
  }

  Set<String> wantedEdsServices() {
    Set<String> names = new TreeSet<>();
    for (String clusterName : cds.subscribed()) {
      ClusterUpdate cluster = cds.get(clusterName);
      if (cluster != null && cluster.usesEds()) {
        names.add(cluster.cluster().edsServiceName());
      }
    }
    return names;
  }

  /**
   * A definite answer for a target, or null while something it needs has not arrived. A cluster the
   * server says does not exist counts as known: calls routed to it fail as Envoy's would (503).
   */
  @Override
  public TargetState stateOf(String target) {
    if (lds.isAbsent(target)) {
      return TargetState.ABSENT;
    }
    RouteConfigUpdate routes = routesOf(target);
    if (routes == null) {
      return null;
    }
    for (String cluster : routes.clusterNames()) {
      if (!cds.isAbsent(cluster) && !passthrough(cluster) && endpointsOf(cluster) == null) {
        return null;
      }
    }
    return TargetState.RESOLVED;
  }
}
