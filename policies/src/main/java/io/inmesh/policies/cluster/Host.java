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

  public Host(Endpoint endpoint, String locality, int priority, ActiveRequests activeRequests) {
    this.endpoint = endpoint;
    this.locality = locality;
    this.priority = priority;
    this.activeRequests = activeRequests;
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

  public boolean healthy() {
    return endpoint.health().routable();
  }

  @Override
  public String toString() {
    return endpoint.address() + (locality.isEmpty() ? "" : "@" + locality) + " P" + priority;
  }
}
