package io.inmesh.xds.resource;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.LoadAssignment;
import io.inmesh.policies.cluster.LocalityEndpoints;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ClusterLoadAssignment} to a {@link LoadAssignment}, for EDS and for the inline
 * {@code load_assignment} of STATIC and LOGICAL_DNS clusters: localities keep their
 * {@code priority} and {@code load_balancing_weight} (0 when unset), endpoints their weight
 * (default 1), health, {@code hostname} and {@code envoy.transport_socket_match} metadata (the
 * endpoint's and its locality's, which pick the cluster's transport socket); {@code policy.overprovisioning_factor} defaults to
 * 140. The load balancer ({@link io.inmesh.policies.cluster.ClusterLoadBalancer}) applies
 * priorities, locality weights and panic. A locality with an explicit weight 0 is dropped, as in
 * gRPC. {@code policy.drop_overloads} is NACKed (drops are not implemented).
 */
final class LoadAssignmentDecoder {

  private LoadAssignmentDecoder() {}

  static EndpointUpdate decode(ClusterLoadAssignment cla) throws ResourceException {
    return decode(cla, false);
  }

  /**
   * @param dnsNames the addresses are DNS names (LOGICAL_DNS): each is also the endpoint's
   *     hostname, for {@code auto_host_rewrite}
   */
  static EndpointUpdate decode(ClusterLoadAssignment cla, boolean dnsNames)
      throws ResourceException {
    if (cla.getPolicy().getDropOverloadsCount() > 0) {
      throw new ResourceException(null, "policy.drop_overloads is not supported");
    }
    int overprovisioning = LoadAssignment.DEFAULT_OVERPROVISIONING;
    if (cla.getPolicy().hasOverprovisioningFactor()) {
      overprovisioning = cla.getPolicy().getOverprovisioningFactor().getValue();
      if (overprovisioning <= 0) {
        throw new ResourceException(null, "policy.overprovisioning_factor must be positive, is "
            + Integer.toUnsignedString(overprovisioning));
      }
    }
    List<LocalityEndpoints> localities = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
      String name = localityName(locality.getLocality());
      if (locality.hasLoadBalancingWeight() && locality.getLoadBalancingWeight().getValue() == 0) {
        skipped.add("locality " + name + " has weight 0");
        continue;
      }
      long weight = Integer.toUnsignedLong(locality.getLoadBalancingWeight().getValue());
      if (weight > Integer.MAX_VALUE) {
        throw new ResourceException(null, "locality " + name + " has load_balancing_weight "
            + weight);
      }
      List<Endpoint> endpoints = new ArrayList<>();
      for (LbEndpoint lb : locality.getLbEndpointsList()) {
        Endpoint endpoint = decodeEndpoint(lb, locality, dnsNames, skipped);
        if (endpoint != null) {
          endpoints.add(endpoint);
        }
      }
      localities.add(new LocalityEndpoints(name, (int) weight, locality.getPriority(),
          endpoints));
    }
    return new EndpointUpdate(new LoadAssignment(localities, overprovisioning), skipped);
  }

  static String localityName(Locality l) {
    if (l.getRegion().isEmpty() && l.getZone().isEmpty() && l.getSubZone().isEmpty()) {
      return "";
    }
    return Names.intern(l.getRegion() + "/" + l.getZone() + "/" + l.getSubZone());
  }

  private static Endpoint decodeEndpoint(LbEndpoint lb, LocalityLbEndpoints locality,
      boolean dnsNames, List<String> skipped) throws ResourceException {
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
    // Interned: subset clusters repeat their service's pods, and a service's pods share workloads.
    String host = Names.intern(socket.getAddress());
    String hostname = lb.getEndpoint().getHostname();
    if (hostname.isEmpty() && dnsNames) {
      hostname = host;
    }
    return new Endpoint(host, port, weight, health(lb.getHealthStatus()),
        Names.intern(hostname), istioWorkload(lb),
        TransportSocketMatchDecoder.labels(lb.getMetadata(), locality.getMetadata()));
  }

  /**
   * The {@code workload} field istiod writes into every Kubernetes endpoint's {@code istio} filter
   * metadata ({@code name;namespace;canonical-service;revision;cluster}), or null.
   */
  private static String istioWorkload(LbEndpoint lb) {
    if (!lb.hasMetadata()) {
      return null;
    }
    Struct istio = lb.getMetadata().getFilterMetadataMap().get("istio");
    Value workload = istio == null ? null : istio.getFieldsMap().get("workload");
    return workload != null && workload.hasStringValue()
        ? Names.intern(workload.getStringValue()) : null;
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
