package io.inmesh.examples.controlplane;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;

/** One complete set of LDS, RDS, CDS and EDS resources: what a snapshot publishes. */
public record XdsResources(
    List<Listener> listeners,
    List<RouteConfiguration> routes,
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints) {

  public static final XdsResources EMPTY =
      new XdsResources(List.of(), List.of(), List.of(), List.of());

  public XdsResources {
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
    clusters = List.copyOf(clusters);
    endpoints = List.copyOf(endpoints);
  }

  @Override
  public String toString() {
    return listeners.size() + " listeners, " + routes.size() + " route configs, "
        + clusters.size() + " clusters, " + endpoints.size() + " load assignments";
  }
}
