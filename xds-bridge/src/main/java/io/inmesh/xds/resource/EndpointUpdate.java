package io.inmesh.xds.resource;

import io.inmesh.policies.cluster.Endpoint;
import java.util.List;

/**
 * A parsed {@code ClusterLoadAssignment}.
 *
 * @param endpoints the endpoints of the chosen priority, flattened across localities
 * @param skipped endpoints left out and why (e.g. a unix socket address)
 */
public record EndpointUpdate(List<Endpoint> endpoints, List<String> skipped) {

  public EndpointUpdate {
    endpoints = List.copyOf(endpoints);
    skipped = List.copyOf(skipped);
  }
}
