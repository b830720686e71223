package io.inmesh.xds.client;

import io.inmesh.policies.listener.NameTable;
import io.inmesh.xds.resource.ClusterUpdate;
import io.inmesh.xds.resource.EndpointUpdate;
import io.inmesh.xds.resource.RouteConfigUpdate;
import io.inmesh.xds.resource.SidecarListenerUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The sidecar shape, as an Envoy sidecar subscribes: wildcard CDS and LDS (every cluster and
 * listener istiod has for this proxy), RDS by the names the listeners' HTTP connection managers
 * give, EDS by the EDS clusters' service names, and (when the node asks for DNS capture) Istio's
 * wildcard NDS name table. Targets need no subscription of their own: once the first LDS and CDS
 * answers and the RDS and EDS they reference have arrived, every target is resolved through the
 * snapshot (a destination no listener takes passes through). Confined to the client's executor.
 */
final class SidecarGraph implements XdsGraph {

  final ResourceCache<SidecarListenerUpdate> lds;
  final ResourceCache<RouteConfigUpdate> rds;
  final ResourceCache<ClusterUpdate> cds;
  final ResourceCache<EndpointUpdate> eds;
  /** The NDS cache, or null when the node does not ask for DNS capture. */
  final ResourceCache<NameTable> nds;
  private boolean ready;

  SidecarGraph(ResourceCache<SidecarListenerUpdate> lds, ResourceCache<RouteConfigUpdate> rds,
      ResourceCache<ClusterUpdate> cds, ResourceCache<EndpointUpdate> eds,
      ResourceCache<NameTable> nds) {
    if (!lds.wildcard() || !cds.wildcard() || (nds != null && !nds.wildcard())) {
      throw new IllegalArgumentException("sidecar LDS, CDS and NDS are wildcard subscriptions");
    }
    this.lds = lds;
    this.rds = rds;
    this.cds = cds;
    this.eds = eds;
    this.nds = nds;
  }

  /** Envoy's order: clusters before the listeners that use them. */
  @Override
  public List<ResourceCache<?>> caches() {
    List<ResourceCache<?>> all = new ArrayList<>(List.of(cds, eds, lds, rds));
    if (nds != null) {
      all.add(nds);
    }
    return all;
  }

  /** Targets need no subscription: the wildcard answers cover every destination. */
  @Override
  public ResourceCache<?> setTargets(Set<String> targets) {
    return null;
  }

  @Override
  public void follow(Consumer<ResourceCache<?>> changed) {
    Set<String> routes = new TreeSet<>();
    for (String name : lds.names()) {
      routes.addAll(lds.get(name).rdsNames());
    }
    if (rds.subscribe(routes)) {
      changed.accept(rds);
    }
    Set<String> services = new TreeSet<>();
    for (String name : cds.names()) {
      ClusterUpdate cluster = cds.get(name);
      if (cluster.usesEds()) {
        services.add(cluster.cluster().edsServiceName());
      }
    }
    if (eds.subscribe(services)) {
      changed.accept(eds);
    }
  }

  /** The endpoints of a cluster (inline or from EDS), or null while unknown. */
  EndpointUpdate endpointsOf(String clusterName) {
    return XdsGraph.endpointsOf(cds.get(clusterName), eds);
  }

  /** RESOLVED for every target once the mesh has arrived (see the class comment), else null. */
  @Override
  public TargetState stateOf(String target) {
    return ready() ? TargetState.RESOLVED : null;
  }

  /** Whether the first full picture has arrived; once true, stays true. */
  boolean ready() {
    if (!ready) {
      ready = lds.received && cds.received && (nds == null || nds.received)
          && allArrived(rds) && allArrived(eds);
    }
    return ready;
  }

  private static boolean allArrived(ResourceCache<?> cache) {
    for (String name : cache.subscribed()) {
      if (cache.get(name) == null) {
        return false;
      }
    }
    return true;
  }
}
