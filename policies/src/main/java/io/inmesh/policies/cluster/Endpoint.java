package io.inmesh.policies.cluster;

import io.inmesh.policies.tls.SocketMatchLabels;

/**
 * One EDS {@code LbEndpoint}: a socket address to dial, its {@code load_balancing_weight} (1 when
 * unset), health, {@code endpoint.hostname} (what {@code auto_host_rewrite} sends; for a
 * LOGICAL_DNS cluster the DNS name; null when unknown), and the workload istiod names in the
 * endpoint's {@code istio} filter metadata ({@code name;namespace;canonical-service;revision;
 * cluster}, for telemetry's destination labels; null when absent), and its
 * {@code envoy.transport_socket_match} metadata, which picks the cluster's transport socket for it
 * ({@link UpstreamCluster#tlsFor}).
 */
public record Endpoint(String host, int port, int weight, HealthStatus health, String hostname,
    String workload, SocketMatchLabels socketLabels) {

  public Endpoint {
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("endpoint port out of range: " + port);
    }
    if (weight <= 0) {
      throw new IllegalArgumentException("endpoint weight must be positive: " + weight);
    }
    if (hostname != null && hostname.isEmpty()) {
      hostname = null;
    }
    if (workload != null && workload.isEmpty()) {
      workload = null;
    }
    if (socketLabels == null) {
      socketLabels = SocketMatchLabels.NONE;
    }
  }

  /** An endpoint without {@code envoy.transport_socket_match} metadata. */
  public Endpoint(String host, int port, int weight, HealthStatus health, String hostname,
      String workload) {
    this(host, port, weight, health, hostname, workload, SocketMatchLabels.NONE);
  }

  public Endpoint(String host, int port, int weight, HealthStatus health, String hostname) {
    this(host, port, weight, health, hostname, null);
  }

  public Endpoint(String host, int port, int weight, HealthStatus health) {
    this(host, port, weight, health, null, null);
  }

  /** {@code host:port}, IPv6 bracketed: Envoy's address string, also the ring hash key. */
  public String address() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
