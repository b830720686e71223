package io.inmesh.xds.resource;

import io.inmesh.policies.cluster.UpstreamCluster;

/**
 * A parsed CDS cluster.
 *
 * @param cluster name, EDS service name and LB policy; null for an {@link Kind#IGNORED} cluster
 * @param inlineEndpoints the {@code load_assignment} of a STATIC, STRICT_DNS or LOGICAL_DNS
 *     cluster (empty for a STATIC one without, such as istiod's {@code BlackHoleCluster}), or null
 *     for an EDS cluster (whose endpoints come from EDS under {@code cluster.edsServiceName()})
 * @param kind whether the cluster has endpoints, passes calls through, or is none of a client's
 *     business
 */
public record ClusterUpdate(UpstreamCluster cluster, EndpointUpdate inlineEndpoints, Kind kind) {

  /** What a cluster means to a client. */
  public enum Kind {
    /** Endpoints from EDS or inline: calls are balanced over them. */
    ENDPOINTS,
    /**
     * {@code ORIGINAL_DST} (istiod's {@code PassthroughCluster}): a call routed here goes where
     * the application sent it.
     */
    ORIGINAL_DESTINATION,
    /** An inbound cluster ({@code inbound|PORT||...}): a proxy's server side, not a client's. */
    IGNORED
  }

  public ClusterUpdate(UpstreamCluster cluster, EndpointUpdate inlineEndpoints) {
    this(cluster, inlineEndpoints, Kind.ENDPOINTS);
  }

  static ClusterUpdate originalDestination(UpstreamCluster cluster) {
    return new ClusterUpdate(cluster, null, Kind.ORIGINAL_DESTINATION);
  }

  static final ClusterUpdate IGNORED = new ClusterUpdate(null, null, Kind.IGNORED);

  public boolean usesEds() {
    return kind == Kind.ENDPOINTS && inlineEndpoints == null;
  }

  /** Whether calls routed to this cluster pass through to their original destination. */
  public boolean passthrough() {
    return kind == Kind.ORIGINAL_DESTINATION;
  }
}
