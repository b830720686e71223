package io.inmesh.policies.route;

import io.inmesh.policies.header.HeaderMutations;
import java.util.List;
import java.util.Locale;

/**
 * {@code RouteAction.cluster_specifier}: {@code cluster}, {@code weighted_clusters} or
 * {@code cluster_header}.
 */
public sealed interface ClusterSpecifier {

  /** {@code cluster}. */
  record ToCluster(String cluster) implements ClusterSpecifier {}

  /**
   * {@code cluster_header}: the cluster named by this request header. Envoy answers 404 when the
   * header is absent and {@code cluster_not_found_response_code} when the cluster is unknown. In
   * proxyless mode only clusters the snapshot already has (named by some route) can be reached.
   */
  record ClusterHeader(String header) implements ClusterSpecifier {
    public ClusterHeader {
      header = header.toLowerCase(Locale.ROOT);
    }
  }

  /** {@code weighted_clusters}: one cluster drawn in proportion to its weight. */
  record WeightedClusters(List<WeightedCluster> clusters, long totalWeight)
      implements ClusterSpecifier {

    public WeightedClusters {
      clusters = List.copyOf(clusters);
      if (clusters.isEmpty()) {
        throw new IllegalArgumentException("weighted_clusters has no clusters");
      }
      if (totalWeight <= 0) {
        throw new IllegalArgumentException("weighted_clusters total weight must be positive");
      }
    }

    public static WeightedClusters of(List<WeightedCluster> clusters) {
      long total = 0;
      for (WeightedCluster c : clusters) {
        total += c.weight();
      }
      return new WeightedClusters(clusters, total);
    }

    /**
     * The cluster for this call.
     *
     * @param random a uniformly distributed non-negative value
     */
    public WeightedCluster pick(long random) {
      long point = Math.floorMod(random, totalWeight);
      for (int i = 0; i < clusters.size(); i++) {
        WeightedCluster c = clusters.get(i);
        point -= c.weight();
        if (point < 0) {
          return c;
        }
      }
      return clusters.get(clusters.size() - 1);
    }

    /** The name of {@link #pick(long)}. */
    public String pickCluster(long random) {
      return pick(random).name();
    }
  }

  /**
   * One {@code weighted_clusters.clusters} entry.
   *
   * @param requestHeaders null when the entry has no header mutations of its own (the route's
   *     apply); otherwise the entry's merged with the route's, virtual host's and configuration's
   * @param responseHeaders likewise
   * @param hostRewrite {@code host_rewrite_literal}, or null
   */
  record WeightedCluster(String name, long weight, HeaderMutations requestHeaders,
      HeaderMutations responseHeaders, String hostRewrite) {
    public WeightedCluster {
      if (weight < 0) {
        throw new IllegalArgumentException("negative weight for cluster " + name);
      }
    }

    public WeightedCluster(String name, long weight) {
      this(name, weight, null, null, null);
    }
  }
}
