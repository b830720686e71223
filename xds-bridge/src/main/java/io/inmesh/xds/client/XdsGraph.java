package io.inmesh.xds.client;

import io.inmesh.xds.resource.ClusterUpdate;
import io.inmesh.xds.resource.EndpointUpdate;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How the resource caches of one mode hang together: which subscriptions follow from accepted
 * resources, and when a target has a definite answer. {@link ResourceGraph} is the proxyless
 * shape (per-target LDS), {@link SidecarGraph} the sidecar shape (wildcard LDS and CDS). Confined
 * to the client's executor.
 */
interface XdsGraph {

  /** Every cache, in the order a new stream requests them. */
  List<ResourceCache<?>> caches();

  /**
   * Subscribes to the watched targets.
   *
   * @return the cache whose subscription changed, or null
   */
  ResourceCache<?> setTargets(Set<String> targets);

  /**
   * Moves the derived subscriptions (RDS, CDS, EDS as the mode has them) to what the accepted
   * resources now reference, handing each cache whose subscription changed to {@code changed}.
   */
  void follow(Consumer<ResourceCache<?>> changed);

  /** A definite answer for a target, or null while something it needs has not arrived. */
  TargetState stateOf(String target);

  /**
   * The endpoints of a cluster, inline or from EDS; null while unknown, and for a cluster that
   * has none (passthrough, ignored, or not received).
   */
  static EndpointUpdate endpointsOf(ClusterUpdate cluster, ResourceCache<EndpointUpdate> eds) {
    if (cluster == null || cluster.kind() != ClusterUpdate.Kind.ENDPOINTS) {
      return null;
    }
    return cluster.usesEds() ? eds.get(cluster.cluster().edsServiceName())
        : cluster.inlineEndpoints();
  }
}
