package io.inmesh.xds.resource;

import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.LoadAssignment;
import java.util.List;

/**
 * A parsed {@code ClusterLoadAssignment}.
 *
 * @param assignment localities with their weights and priorities, and the overprovisioning factor
 * @param skipped endpoints and localities left out and why (e.g. a unix socket address)
 */
public record EndpointUpdate(LoadAssignment assignment, List<String> skipped) {

  public EndpointUpdate {
    skipped = List.copyOf(skipped);
  }

  /** Every endpoint, in priority order. */
  public List<Endpoint> endpoints() {
    return assignment.endpoints();
  }
}
