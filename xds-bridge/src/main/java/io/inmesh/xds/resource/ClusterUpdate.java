package io.inmesh.xds.resource;

import io.inmesh.policies.cluster.UpstreamCluster;

/**
 * A parsed CDS cluster.
 *
 * @param cluster name, EDS service name and LB policy
 * @param inlineEndpoints the {@code load_assignment} of a STATIC or LOGICAL_DNS cluster, or null for
 *     an EDS cluster (whose endpoints come from EDS under {@code cluster.edsServiceName()})
 */
public record ClusterUpdate(UpstreamCluster cluster, EndpointUpdate inlineEndpoints) {

  public boolean usesEds() {
    return inlineEndpoints == null;
  }
}
