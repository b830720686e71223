package io.inmesh.policies.cluster;

/**
 * One EDS {@code LbEndpoint}: a socket address to dial and its {@code load_balancing_weight}
 * (1 when unset).
 */
public record Endpoint(String host, int port, int weight, HealthStatus health) {

  public Endpoint {
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("endpoint port out of range: " + port);
    }
    if (weight <= 0) {
      throw new IllegalArgumentException("endpoint weight must be positive: " + weight);
    }
  }

  public String address() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
