package io.inmesh.policies.cluster;

/** {@code config.core.v3.HealthStatus} of an EDS endpoint. */
public enum HealthStatus {
  UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED;

  /** Envoy and gRPC send traffic to HEALTHY and UNKNOWN endpoints. */
  public boolean routable() {
    return this == HEALTHY || this == UNKNOWN;
  }
}
