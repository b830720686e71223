package io.inmesh.policies.cluster;

/**
 * The parts of a CDS {@code Cluster} the first cut applies: its name, where its endpoints come
 * from ({@code eds_cluster_config.service_name}, defaulting to the cluster name) and its LB policy.
 */
public record UpstreamCluster(String name, String edsServiceName, LbPolicy lbPolicy) {

  /** {@code Cluster.lb_policy}; the first cut implements ROUND_ROBIN and falls back to it. */
  public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV }
}
