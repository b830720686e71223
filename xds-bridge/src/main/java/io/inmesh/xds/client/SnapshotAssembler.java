package io.inmesh.xds.client;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.listener.FilterChain;
import io.inmesh.policies.listener.NameTable;
import io.inmesh.policies.listener.OutboundListener;
import io.inmesh.policies.listener.OutboundListeners;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.xds.resource.ClusterUpdate;
import io.inmesh.xds.resource.EndpointUpdate;
import io.inmesh.xds.resource.ListenerUpdate;
import io.inmesh.xds.resource.RouteConfigUpdate;
import io.inmesh.xds.resource.SidecarListenerUpdate;
import io.inmesh.xds.resource.SidecarListenerUpdate.Chain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds the immutable {@link MeshSnapshot} from the resource graph of either shape. A cluster
 * whose settings and endpoints did not change keeps its {@link ClusterState} (so its round-robin
 * position survives unrelated updates); a changed one gets a new load balancer that keeps the
 * active-request counters of the endpoints that remain. Each route table carries its HTTP
 * connection manager's session affinity, filters and trace sampling. In the sidecar shape, a
 * listener whose update and route configurations are the same instances as last time (the caches
 * keep the instance of a resource whose bytes did not change) keeps its {@link OutboundListener},
 * and when no listener, name or passthrough cluster changed the whole {@link OutboundListeners}
 * (with its lookup index) is kept. A route configuration that names a cluster whose endpoints have
 * not arrived yet waits: the one served before it keeps serving until they do, as Envoy warms a
 * cluster before traffic reaches it (a VirtualService that adds a subset would otherwise answer
 * 503 for a moment). Confined to the client's executor.
 */
final class SnapshotAssembler {

  private Map<String, ClusterState> clusters = new HashMap<>();
  private long version;
  /** Sidecar shape: the listeners built last time, by name. */
  private Map<String, Built> built = new HashMap<>();
  private OutboundListeners outbound = OutboundListeners.NONE;
  /** Sidecar shape: the route configuration served for each RDS name (see the class comment). */
  private Map<String, RouteConfigUpdate> servedRoutes = new HashMap<>();

  /** One built listener and the inputs it was built from (compared by identity). */
  private record Built(SidecarListenerUpdate source, List<RouteConfigUpdate> routes,
      OutboundListener listener) {}

  MeshSnapshot assemble(XdsGraph graph) {
    if (graph instanceof SidecarGraph sidecar) {
      return assemble(sidecar);
    }
    return assemble((ResourceGraph) graph);
  }

  MeshSnapshot assemble(ResourceGraph graph) {
    Map<String, RouteTable> routes = new HashMap<>();
    for (Map.Entry<String, RouteConfigUpdate> e : graph.serving().entrySet()) {
      ListenerUpdate listener = graph.lds.get(e.getKey());
      RouteTable table = e.getValue().table();
      routes.put(e.getKey(), listener == null ? table : attach(table, listener));
    }
    Set<String> passthrough = new HashSet<>();
    Map<String, ClusterState> next = clusterStates(graph.cds.subscribed(), graph.cds::get,
        graph::endpointsOf, passthrough);
    return new MeshSnapshot(routes, next, ++version, passthrough.isEmpty()
        ? OutboundListeners.NONE
        : new OutboundListeners(List.of(), null, NameTable.EMPTY, passthrough));
  }

  MeshSnapshot assemble(SidecarGraph graph) {
    Set<String> passthrough = new HashSet<>();
    Map<String, ClusterState> next = clusterStates(graph.cds.names(), graph.cds::get,
        graph::endpointsOf, passthrough);
    NameTable names = graph.nds == null || graph.nds.get("") == null ? NameTable.EMPTY
        : graph.nds.get("");
    Map<String, Built> nextBuilt = new HashMap<>();
    List<OutboundListener> listeners = new ArrayList<>();
    OutboundListener virtualOutbound = null;
    Map<String, RouteConfigUpdate> served = new HashMap<>();
    boolean changed = built.size() != countOutbound(graph);
    for (String name : new TreeSet<>(graph.lds.names())) {
      SidecarListenerUpdate update = graph.lds.get(name);
      if (update.role() == SidecarListenerUpdate.Role.IGNORED) {
        continue;
      }
      List<RouteConfigUpdate> routes = routesOf(update, graph, served);
      Built previous = built.get(name);
      Built b = previous != null && previous.source() == update
          && sameInstances(previous.routes(), routes) ? previous
          : new Built(update, routes, listener(update, routes));
      changed |= b != previous;
      nextBuilt.put(name, b);
      if (update.role() == SidecarListenerUpdate.Role.VIRTUAL_OUTBOUND) {
        virtualOutbound = b.listener();
      } else {
        listeners.add(b.listener());
      }
    }
    built = nextBuilt;
    servedRoutes = served;
    if (changed || outbound.names() != names
        || !outbound.passthroughClusters().equals(passthrough)) {
      outbound = new OutboundListeners(listeners, virtualOutbound, names, passthrough);
    }
    return new MeshSnapshot(Map.of(), next, ++version, outbound);
  }

  private static int countOutbound(SidecarGraph graph) {
    int n = 0;
    for (String name : graph.lds.names()) {
      if (graph.lds.get(name).role() != SidecarListenerUpdate.Role.IGNORED) {
        n++;
      }
    }
    return n;
  }

  /** The route configuration of each HTTP chain (default chain last; null while unknown). */
  private List<RouteConfigUpdate> routesOf(SidecarListenerUpdate update, SidecarGraph graph,
      Map<String, RouteConfigUpdate> served) {
    List<RouteConfigUpdate> routes = new ArrayList<>();
    for (Chain c : update.chains()) {
      routes.add(routesOf(c, graph, served));
    }
    if (update.defaultChain() != null) {
      routes.add(routesOf(update.defaultChain(), graph, served));
    }
    return routes;
  }

  /** The newest route configuration of a chain once its clusters are warm, else the previous. */
  private RouteConfigUpdate routesOf(Chain c, SidecarGraph graph,
      Map<String, RouteConfigUpdate> served) {
    if (c.http() == null) {
      return null;
    }
    if (c.http().inlineRoutes() != null) {
      return c.http().inlineRoutes();
    }
    String name = c.http().rdsName();
    RouteConfigUpdate newest = graph.rds.get(name);
    RouteConfigUpdate previous = servedRoutes.get(name);
    RouteConfigUpdate chosen = newest == null || previous == null || warm(newest, graph)
        ? newest : previous;
    if (chosen != null) {
      served.put(name, chosen);
    }
    return chosen;
  }

  /**
   * Whether every cluster the routes name has its endpoints, or needs none (a passthrough
   * cluster, or one CDS does not have: its calls fail as Envoy's would, 503 NC).
   */
  private static boolean warm(RouteConfigUpdate routes, SidecarGraph graph) {
    for (String cluster : routes.clusterNames()) {
      ClusterUpdate update = graph.cds.get(cluster);
      if (update != null && update.kind() == ClusterUpdate.Kind.ENDPOINTS
          && graph.endpointsOf(cluster) == null) {
        return false;
      }
    }
    return true;
  }

  private static OutboundListener listener(SidecarListenerUpdate update,
      List<RouteConfigUpdate> routes) {
    List<FilterChain> chains = new ArrayList<>();
    for (int i = 0; i < update.chains().size(); i++) {
      chains.add(chain(update.chains().get(i), routes.get(i)));
    }
    FilterChain defaultChain = update.defaultChain() == null ? null
        : chain(update.defaultChain(), routes.get(routes.size() - 1));
    return new OutboundListener(update.name(), update.address(), update.port(), chains,
        defaultChain);
  }

  private static FilterChain chain(Chain c, RouteConfigUpdate routes) {
    RouteTable table = c.http() == null || routes == null ? null
        : attach(routes.table(), c.http());
    return new FilterChain(c.name(), c.match(), table, c.tcpProxy(), c.connectionLimit());
  }

  /** The HTTP connection manager's session affinity, filters and trace sampling on its table. */
  private static RouteTable attach(RouteTable table, ListenerUpdate hcm) {
    return table.withSessionAffinity(hcm.sessionAffinity())
        .withFilters(hcm.filters())
        .withTraceSampling(hcm.traceSampling());
  }

  private static boolean sameInstances(List<?> a, List<?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** Every cluster with endpoints; ORIGINAL_DST ones go to {@code passthrough}. */
  private Map<String, ClusterState> clusterStates(Iterable<String> names,
      Function<String, ClusterUpdate> clustersByName,
      Function<String, EndpointUpdate> endpointsByName, Set<String> passthrough) {
    Map<String, ClusterState> next = new HashMap<>();
    for (String name : names) {
      ClusterUpdate cluster = clustersByName.apply(name);
      if (cluster == null || cluster.kind() == ClusterUpdate.Kind.IGNORED) {
        continue;
      }
      if (cluster.passthrough()) {
        passthrough.add(name);
        continue;
      }
      EndpointUpdate update = endpointsByName.apply(name);
      if (update == null) {
        continue;
      }
      ClusterState previous = clusters.get(name);
      ClusterState state = previous != null && previous.cluster().equals(cluster.cluster())
          && previous.assignment().equals(update.assignment())
          ? previous : ClusterState.of(cluster.cluster(), update.assignment(), previous);
      next.put(name, state);
    }
    clusters = next;
    return next;
  }
}
