package io.inmesh.xds.client;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.RoundRobin;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.xds.resource.EndpointUpdate;
import io.inmesh.xds.resource.RouteConfigUpdate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the immutable {@link MeshSnapshot} from the resource graph. A cluster whose endpoints did
 * not change keeps its {@link RoundRobin} instance, so its position survives unrelated updates.
 * Confined to the client's executor.
 */
final class SnapshotAssembler {

  private record Balancer(List<Endpoint> endpoints, RoundRobin roundRobin) {}

  private Map<String, Balancer> balancers = new HashMap<>();
  private long version;

  MeshSnapshot assemble(ResourceGraph graph) {
    Map<String, RouteTable> routes = new HashMap<>();
    for (Map.Entry<String, RouteConfigUpdate> e : graph.serving().entrySet()) {
      routes.put(e.getKey(), e.getValue().table());
    }
    Map<String, Balancer> next = new HashMap<>();
    Map<String, RoundRobin> endpoints = new HashMap<>();
    for (String cluster : graph.cds.subscribed()) {
      EndpointUpdate update = graph.endpointsOf(cluster);
      if (update == null) {
        continue;
      }
      Balancer previous = balancers.get(cluster);
      Balancer balancer = previous != null && previous.endpoints().equals(update.endpoints())
          ? previous : new Balancer(update.endpoints(), RoundRobin.over(update.endpoints()));
      next.put(cluster, balancer);
      endpoints.put(cluster, balancer.roundRobin());
    }
    balancers = next;
    return new MeshSnapshot(routes, endpoints, ++version);
  }
}
