package io.inmesh.policies.cluster;

/** {@code config.core.v3.HealthStatus} of an EDS endpoint. */
public enum HealthStatus {
  UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED;

  /**
   * Envoy and gRPC send traffic to HEALTHY and UNKNOWN endpoints. DEGRADED is kept simple: it counts
   * as not healthy (Envoy would use degraded hosts only when healthy ones run short; here they are
   * used only in panic mode).
   */
  public boolean routable() {
    return this == HEALTHY || this == UNKNOWN;
  }
}
