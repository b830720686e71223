package io.inmesh.policies.route;

import java.util.List;

/** What a matched route does: {@code cluster} or {@code weighted_clusters}. */
public sealed interface RouteAction {

  /**
   * The cluster for this call.
   *
   * @param random a uniformly distributed value in [0, Integer.MAX_VALUE], used by weighted splits
   */
  String pickCluster(int random);

  /** {@code route.cluster}. */
  record ToCluster(String cluster) implements RouteAction {
    @Override
    public String pickCluster(int random) {
      return cluster;
    }
  }

  /** {@code route.weighted_clusters}: one cluster drawn in proportion to its weight. */
  record WeightedClusters(List<WeightedCluster> clusters, long totalWeight) implements RouteAction {

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

    @Override
    public String pickCluster(int random) {
      long point = Math.floorMod((long) random, totalWeight);
      for (int i = 0; i < clusters.size(); i++) {
        WeightedCluster c = clusters.get(i);
        point -= c.weight();
        if (point < 0) {
          return c.name();
        }
      }
      return clusters.get(clusters.size() - 1).name();
    }
  }

  /** One entry of {@code weighted_clusters.clusters}. */
  record WeightedCluster(String name, long weight) {
    public WeightedCluster {
      if (weight < 0) {
        throw new IllegalArgumentException("negative weight for cluster " + name);
      }
    }
  }
}
