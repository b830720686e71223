package io.inmesh.policies.listener;

import io.inmesh.policies.RandomSource;
import java.util.List;

/**
 * {@code envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy}: where a TCP connection that
 * reached its filter chain goes, {@code cluster} or {@code weighted_clusters}.
 *
 * @param statPrefix {@code stat_prefix}, for logs
 * @param cluster {@code cluster}, or null when {@code weighted_clusters} decide
 * @param weighted {@code weighted_clusters.clusters}, empty when {@code cluster} is set
 */
public record TcpProxy(String statPrefix, String cluster, List<WeightedCluster> weighted) {

  /** One {@code weighted_clusters} entry ({@code weight} must be positive to be picked). */
  public record WeightedCluster(String name, long weight) {}

  public TcpProxy {
    weighted = List.copyOf(weighted);
    if ((cluster == null) == weighted.isEmpty()) {
      throw new IllegalArgumentException("tcp_proxy needs exactly one of cluster and"
          + " weighted_clusters");
    }
    if (cluster == null && totalWeight(weighted) <= 0) {
      throw new IllegalArgumentException("weighted_clusters weights sum to zero");
    }
  }

  /** The cluster for one connection: {@code cluster}, or a draw over the weights. */
  public String pickCluster(RandomSource random) {
    if (cluster != null) {
      return cluster;
    }
    long total = totalWeight(weighted);
    long draw = Long.remainderUnsigned(random.nextLong(), total);
    for (WeightedCluster w : weighted) {
      draw -= w.weight();
      if (draw < 0) {
        return w.name();
      }
    }
    return weighted.get(weighted.size() - 1).name();
  }

  /** Every cluster this proxy may send to. */
  public List<String> clusterNames() {
    return cluster != null ? List.of(cluster)
        : weighted.stream().map(WeightedCluster::name).toList();
  }

  private static long totalWeight(List<WeightedCluster> weighted) {
    long total = 0;
    for (WeightedCluster w : weighted) {
      total += Math.max(0, w.weight());
    }
    return total;
  }
}
