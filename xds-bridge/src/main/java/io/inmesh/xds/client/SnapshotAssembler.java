package io.inmesh.xds.client;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.xds.resource.ClusterUpdate;
import io.inmesh.xds.resource.EndpointUpdate;
import io.inmesh.xds.resource.ListenerUpdate;
import io.inmesh.xds.resource.RouteConfigUpdate;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the immutable {@link MeshSnapshot} from the resource graph. A cluster whose settings and
 * endpoints did not change keeps its {@link ClusterState} (so its round-robin position survives
 * unrelated updates); a changed one gets a new load balancer that keeps the active-request
 * counters of the endpoints that remain. Each target's route table carries its listener's
 * session affinity. Confined to the client's executor.
 */
final class SnapshotAssembler {

  private Map<String, ClusterState> clusters = new HashMap<>();
  private long version;

  MeshSnapshot assemble(ResourceGraph graph) {
    Map<String, RouteTable> routes = new HashMap<>();
    for (Map.Entry<String, RouteConfigUpdate> e : graph.serving().entrySet()) {
      ListenerUpdate listener = graph.lds.get(e.getKey());
      RouteTable table = e.getValue().table();
      routes.put(e.getKey(), listener == null ? table
          : table.withSessionAffinity(listener.sessionAffinity())
              .withFilters(listener.filters())
              .withTraceSampling(listener.traceSampling()));
    }
    Map<String, ClusterState> next = new HashMap<>();
    for (String name : graph.cds.subscribed()) {
      ClusterUpdate cluster = graph.cds.get(name);
      EndpointUpdate update = graph.endpointsOf(name);
      if (cluster == null || update == null) {
        continue;
      }
      ClusterState previous = clusters.get(name);
      ClusterState state = previous != null && previous.cluster().equals(cluster.cluster())
          && previous.assignment().equals(update.assignment())
          ? previous : ClusterState.of(cluster.cluster(), update.assignment(), previous);
      next.put(name, state);
    }
    clusters = next;
    return new MeshSnapshot(routes, next, ++version);
  }
}
