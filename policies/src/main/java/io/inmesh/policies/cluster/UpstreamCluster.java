package io.inmesh.policies.cluster;

import io.inmesh.policies.tls.SocketMatchLabels;
import io.inmesh.policies.tls.TransportSocketMatch;
import io.inmesh.policies.tls.UpstreamTls;
import java.util.List;

/**
 * The parts of a CDS {@code Cluster} routing applies: its name, where its endpoints come from
 * ({@code eds_cluster_config.service_name}, defaulting to the cluster name), its LB policy and the
 * policy's settings, its circuit breaker thresholds and its outlier detection.
 *
 * @param circuitBreakers {@code circuit_breakers} (DEFAULT priority), Envoy's defaults when unset
 * @param outlierDetection {@code outlier_detection}, or null when the cluster has none
 * @param tls {@code transport_socket} {@code envoy.transport_sockets.tls}: the TLS of calls to
 *     endpoints no socket match picks, or null for plaintext
 * @param socketMatches {@code transport_socket_matches} in order (istiod's auto mTLS in the sidecar
 *     shape), empty when the cluster has none; see {@link #tlsFor}
 */
public record UpstreamCluster(String name, String edsServiceName, LbPolicy lbPolicy,
    LbConfig lbConfig, CircuitBreakers circuitBreakers, OutlierDetection outlierDetection,
    UpstreamTls tls, List<TransportSocketMatch> socketMatches) {

  public UpstreamCluster {
    if (lbConfig == null) {
      lbConfig = LbConfig.DEFAULT;
    }
    if (circuitBreakers == null) {
      circuitBreakers = CircuitBreakers.DEFAULT;
    }
    socketMatches = socketMatches == null ? List.of() : List.copyOf(socketMatches);
  }

  /** A cluster whose {@code transport_socket} applies to every endpoint. */
  public UpstreamCluster(String name, String edsServiceName, LbPolicy lbPolicy,
      LbConfig lbConfig, CircuitBreakers circuitBreakers, OutlierDetection outlierDetection,
      UpstreamTls tls) {
    this(name, edsServiceName, lbPolicy, lbConfig, circuitBreakers, outlierDetection, tls,
        List.of());
  }

  /**
   * The TLS a call to {@code endpoint} is made with, or null for plaintext, by Envoy's rule: the
   * first of {@link #socketMatches} whose criteria the endpoint's own
   * {@code envoy.transport_socket_match} labels satisfy, else the first its locality's labels
   * satisfy, else the cluster's {@code transport_socket}. Allocates nothing.
   */
  public UpstreamTls tlsFor(Endpoint endpoint) {
    List<TransportSocketMatch> matches = socketMatches;
    int n = matches.size();
    if (n == 0 || endpoint == null) {
      return tls;
    }
    SocketMatchLabels labels = endpoint.socketLabels();
    for (int i = 0; i < n; i++) {
      TransportSocketMatch m = matches.get(i);
      if (m.matches(labels.endpoint())) {
        return m.tls();
      }
    }
    for (int i = 0; i < n; i++) {
      TransportSocketMatch m = matches.get(i);
      if (m.matches(labels.locality())) {
        return m.tls();
      }
    }
    return tls;
  }

  /** True when some endpoint may be called with TLS (never send it a plaintext copy). */
  public boolean mayUseTls() {
    if (tls != null) {
      return true;
    }
    for (TransportSocketMatch m : socketMatches) {
      if (m.tls() != null) {
        return true;
      }
    }
    return false;
  }

  /** A plaintext cluster. */
  public UpstreamCluster(String name, String edsServiceName, LbPolicy lbPolicy,
      LbConfig lbConfig, CircuitBreakers circuitBreakers, OutlierDetection outlierDetection) {
    this(name, edsServiceName, lbPolicy, lbConfig, circuitBreakers, outlierDetection, null);
  }

  public UpstreamCluster(String name, String edsServiceName, LbPolicy lbPolicy,
      LbConfig lbConfig) {
    this(name, edsServiceName, lbPolicy, lbConfig, CircuitBreakers.DEFAULT, null);
  }

  public UpstreamCluster(String name, String edsServiceName, LbPolicy lbPolicy) {
    this(name, edsServiceName, lbPolicy, LbConfig.DEFAULT);
  }

  /** {@code Cluster.lb_policy} (or the equivalent {@code load_balancing_policy}). */
  public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV }

  /**
   * The load balancer settings of a cluster.
   *
   * @param minRingSize {@code ring_hash_lb_config.minimum_ring_size} (1024)
   * @param maxRingSize {@code ring_hash_lb_config.maximum_ring_size} (8M)
   * @param maglevTableSize {@code maglev_lb_config.table_size} (65537; must be prime)
   * @param choiceCount {@code least_request_lb_config.choice_count} (2)
   * @param activeRequestBias {@code least_request_lb_config.active_request_bias} default value (1.0)
   * @param fullScan LeastRequest {@code selection_method: FULL_SCAN}
   * @param panicThresholdPercent {@code common_lb_config.healthy_panic_threshold} (50; 0 disables)
   * @param localityWeighted {@code common_lb_config.locality_weighted_lb_config} (or
   *     {@code wrr_locality}); weighting also applies whenever EDS gives locality weights, as
   *     proxyless gRPC always weights localities
   * @param useHostnameForHashing {@code consistent_hashing_lb_config.use_hostname_for_hashing}
   * @param overrideHostStatus {@code common_lb_config.override_host_status}: the health states in
   *     which an endpoint named by session affinity is still used (default UNKNOWN, HEALTHY,
   *     DEGRADED; Istio adds DRAINING for persistent sessions)
   */
  public record LbConfig(long minRingSize, long maxRingSize, long maglevTableSize,
      int choiceCount, double activeRequestBias, boolean fullScan, double panicThresholdPercent,
      boolean localityWeighted, boolean useHostnameForHashing,
      java.util.Set<HealthStatus> overrideHostStatus) {

    public static final java.util.Set<HealthStatus> DEFAULT_OVERRIDE_HOST_STATUS =
        java.util.Set.of(HealthStatus.UNKNOWN, HealthStatus.HEALTHY, HealthStatus.DEGRADED);

    public static final LbConfig DEFAULT = new LbConfig(RingHash.DEFAULT_MIN_RING_SIZE,
        RingHash.DEFAULT_MAX_RING_SIZE, Maglev.DEFAULT_TABLE_SIZE, 2, 1.0, false, 50.0, false,
        false, DEFAULT_OVERRIDE_HOST_STATUS);

    public LbConfig {
      overrideHostStatus = java.util.Set.copyOf(overrideHostStatus);
      if (minRingSize < 1 || maxRingSize < minRingSize) {
        throw new IllegalArgumentException("ring size bounds [" + minRingSize + ", "
            + maxRingSize + "]");
      }
      if (maglevTableSize < 2) {
        throw new IllegalArgumentException("maglev table_size " + maglevTableSize);
      }
      if (choiceCount < 2) {
        throw new IllegalArgumentException("choice_count must be at least 2");
      }
      if (panicThresholdPercent < 0 || panicThresholdPercent > 100) {
        throw new IllegalArgumentException("healthy_panic_threshold " + panicThresholdPercent);
      }
    }
  }
}
