package io.inmesh.xds.resource;

import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code ClusterLoadAssignment} to a flat endpoint list, for EDS and for the inline
 * {@code load_assignment} of STATIC and LOGICAL_DNS clusters.
 *
 * <p>Kept simple on purpose: the lowest {@code priority} that has a routable (HEALTHY or UNKNOWN)
 * endpoint is used (Envoy and gRPC fail over by priority; without routable endpoints anywhere the
 * lowest non-empty priority is used and the load balancer's panic mode applies). Localities are
 * flattened and an endpoint's weight is its {@code load_balancing_weight} (default 1); locality
 * weights are not applied yet, except that a locality with weight 0 is dropped as gRPC does.
 */
final class LoadAssignmentDecoder {

  private LoadAssignmentDecoder() {}

  static EndpointUpdate decode(ClusterLoadAssignment cla) throws ResourceException {
    TreeMap<Integer, List<Endpoint>> byPriority = new TreeMap<>();
    List<String> skipped = new ArrayList<>();
    for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
      if (locality.hasLoadBalancingWeight() && locality.getLoadBalancingWeight().getValue() == 0) {
        skipped.add("locality " + locality.getLocality().getZone() + " has weight 0");
        continue;
      }
      List<Endpoint> into = byPriority.computeIfAbsent(locality.getPriority(),
          p -> new ArrayList<>());
      for (LbEndpoint lb : locality.getLbEndpointsList()) {
        Endpoint endpoint = decodeEndpoint(lb, skipped);
        if (endpoint != null) {
          into.add(endpoint);
        }
      }
    }
    List<Endpoint> chosen = List.of();
    for (List<Endpoint> endpoints : byPriority.values()) {
      if (endpoints.stream().anyMatch(e -> e.health().routable())) {
        chosen = endpoints;
        break;
      }
      if (chosen.isEmpty()) {
        chosen = endpoints;
      }
    }
    return new EndpointUpdate(chosen, skipped);
  }

  private static Endpoint decodeEndpoint(LbEndpoint lb, List<String> skipped)
      throws ResourceException {
    if (!lb.hasEndpoint()) {
      skipped.add("lb_endpoint without endpoint (named endpoints are not supported)");
      return null;
    }
    var address = lb.getEndpoint().getAddress();
    if (!address.hasSocketAddress()) {
      skipped.add("address " + address.getAddressCase() + " is not a socket address");
      return null;
    }
    SocketAddress socket = address.getSocketAddress();
    if (socket.getPortSpecifierCase() != SocketAddress.PortSpecifierCase.PORT_VALUE) {
      skipped.add(socket.getAddress() + ": named_port is not supported");
      return null;
    }
    int port = socket.getPortValue();
    if (port <= 0 || port > 65535) {
      throw new ResourceException(null, "endpoint " + socket.getAddress() + " has port " + port);
    }
    int weight = 1;
    if (lb.hasLoadBalancingWeight()) {
      long w = Integer.toUnsignedLong(lb.getLoadBalancingWeight().getValue());
      if (w == 0 || w > Integer.MAX_VALUE) {
        throw new ResourceException(null, "endpoint " + socket.getAddress() + ":" + port
            + " has load_balancing_weight " + w);
      }
      weight = (int) w;
    }
    return new Endpoint(socket.getAddress(), port, weight, health(lb.getHealthStatus()));
  }

  private static HealthStatus health(io.envoyproxy.envoy.config.core.v3.HealthStatus status) {
    return switch (status) {
      case HEALTHY -> HealthStatus.HEALTHY;
      case UNHEALTHY -> HealthStatus.UNHEALTHY;
      case DRAINING -> HealthStatus.DRAINING;
      case TIMEOUT -> HealthStatus.TIMEOUT;
      case DEGRADED -> HealthStatus.DEGRADED;
      default -> HealthStatus.UNKNOWN;
    };
  }
}
