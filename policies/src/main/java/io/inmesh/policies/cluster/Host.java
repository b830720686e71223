package io.inmesh.policies.cluster;

/**
 * An endpoint as a load balancer sees it: the endpoint, its locality and priority, and its
 * in-flight request counter.
 */
public final class Host {

  private final Endpoint endpoint;
  private final String locality;
  private final int priority;
  private final ActiveRequests activeRequests;
  private final HostOutlier outlier;

  public Host(Endpoint endpoint, String locality, int priority, ActiveRequests activeRequests) {
    this(endpoint, locality, priority, activeRequests, new HostOutlier());
  }

  /**
   * @param outlier the endpoint's outlier detection state, carried across updates by address
   */
  public Host(Endpoint endpoint, String locality, int priority, ActiveRequests activeRequests,
      HostOutlier outlier) {
    this.endpoint = endpoint;
    this.locality = locality;
    this.priority = priority;
    this.activeRequests = activeRequests;
    this.outlier = outlier == null ? new HostOutlier() : outlier;
  }

  public Host(Endpoint endpoint) {
    this(endpoint, "", 0, new ActiveRequests());
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** {@code region/zone/sub_zone}, "" when unset. */
  public String locality() {
    return locality;
  }

  public int priority() {
    return priority;
  }

  public ActiveRequests activeRequests() {
    return activeRequests;
  }

  /** Healthy by EDS (HEALTHY or UNKNOWN); see {@link #available()} for ejection too. */
  public boolean healthy() {
    return endpoint.health().routable();
  }

  /** Outlier detection state. */
  public HostOutlier outlier() {
    return outlier;
  }

  /** Ejected by outlier detection: skipped by the balancers, unhealthy for panic. */
  public boolean ejected() {
    return outlier.ejected();
  }

  /** Healthy and not ejected: what the load balancers pick from (outside panic). */
  public boolean available() {
    return healthy() && !outlier.ejected();
  }

  @Override
  public String toString() {
    return endpoint.address() + (locality.isEmpty() ? "" : "@" + locality) + " P" + priority;
  }
}
