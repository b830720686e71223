package io.inmesh.runtime;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.telemetry.DestinationWorkload;
import io.inmesh.telemetry.EndpointMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The destination workloads of the live snapshot's endpoints, from the {@code istio} metadata
 * istiod puts on each of them: indexed by {@code ip:port} once per snapshot, so a call's lookup is
 * one map read. An endpoint without the metadata (istiod's grpc generator may leave it out, and
 * other control planes do) has none, and its labels come from the cluster name instead.
 */
final class SnapshotEndpointMetadata implements EndpointMetadata {

  private record Index(MeshSnapshot snapshot, Map<String, DestinationWorkload> byAddress) {}

  private final Supplier<MeshSnapshot> snapshots;
  private volatile Index index = new Index(null, Map.of());

  SnapshotEndpointMetadata(Supplier<MeshSnapshot> snapshots) {
    this.snapshots = snapshots;
  }

  @Override
  public DestinationWorkload workload(String cluster, String upstreamHost) {
    if (upstreamHost == null) {
      return null;
    }
    MeshSnapshot now = snapshots.get();
    Index current = index;
    if (current.snapshot() != now) {
      // racing threads may both build it: the same result, and pushes are rare next to calls
      current = new Index(now, indexOf(now));
      index = current;
    }
    return current.byAddress().get(upstreamHost);
  }

  private static Map<String, DestinationWorkload> indexOf(MeshSnapshot snapshot) {
    Map<String, DestinationWorkload> byAddress = new HashMap<>();
    if (snapshot == null) {
      return byAddress;
    }
    for (ClusterState cluster : snapshot.clusters().values()) {
      for (Endpoint endpoint : cluster.endpoints()) {
        if (endpoint.workload() != null && !byAddress.containsKey(endpoint.address())) {
          DestinationWorkload workload = DestinationWorkload.parse(endpoint.workload());
          if (workload != null) {
            byAddress.put(endpoint.address(), workload);
          }
        }
      }
    }
    return byAddress;
  }
}
