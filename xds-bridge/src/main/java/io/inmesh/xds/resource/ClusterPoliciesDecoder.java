package io.inmesh.xds.resource;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.inmesh.policies.cluster.CircuitBreakers;
import io.inmesh.policies.cluster.OutlierDetection;
import java.time.Duration;

/** A cluster's {@code circuit_breakers} and {@code outlier_detection}. */
final class ClusterPoliciesDecoder {

  private ClusterPoliciesDecoder() {}

  /**
   * {@code circuit_breakers.thresholds} of priority DEFAULT: {@code max_connections},
   * {@code max_pending_requests}, {@code max_requests}, {@code max_retries}, {@code retry_budget}
   * ({@code budget_percent} default 20, {@code min_retry_concurrency} default 3). Unset fields keep
   * Envoy's defaults (1024, 1024, 1024, 3). NACK: two DEFAULT entries. Ignored: HIGH priority
   * (routes here never use it), {@code track_remaining}, {@code max_connection_pools},
   * {@code per_host_thresholds}.
   */
  static CircuitBreakers circuitBreakers(Cluster cluster) throws ResourceException {
    if (!cluster.hasCircuitBreakers()) {
      return CircuitBreakers.DEFAULT;
    }
    CircuitBreakers out = CircuitBreakers.DEFAULT;
    boolean seen = false;
    for (Thresholds t : cluster.getCircuitBreakers().getThresholdsList()) {
      if (t.getPriority() != RoutingPriority.DEFAULT) {
        continue;
      }
      if (seen) {
        throw new ResourceException(null, "circuit_breakers has two DEFAULT thresholds");
      }
      seen = true;
      CircuitBreakers.RetryBudget budget = null;
      if (t.hasRetryBudget()) {
        var b = t.getRetryBudget();
        double pct = b.hasBudgetPercent() ? b.getBudgetPercent().getValue() : 20.0;
        if (pct < 0 || pct > 100 || Double.isNaN(pct)) {
          throw new ResourceException(null, "circuit_breakers retry_budget.budget_percent " + pct
              + " outside 0..100");
        }
        budget = new CircuitBreakers.RetryBudget(pct, b.hasMinRetryConcurrency()
            ? Integer.toUnsignedLong(b.getMinRetryConcurrency().getValue()) : 3);
      }
      out = new CircuitBreakers(
          value(t.hasMaxConnections(), t.getMaxConnections(), 1024),
          value(t.hasMaxPendingRequests(), t.getMaxPendingRequests(), 1024),
          value(t.hasMaxRequests(), t.getMaxRequests(), 1024),
          value(t.hasMaxRetries(), t.getMaxRetries(), 3), budget);
    }
    return out;
  }

  private static long value(boolean has, UInt32Value v, long dflt) {
    return has ? Integer.toUnsignedLong(v.getValue()) : dflt;
  }

  /**
   * {@code outlier_detection}: every field in {@link OutlierDetection}; unset fields take Envoy's
   * defaults. NACK: a non-positive {@code interval} or {@code base_ejection_time}, percentages
   * above 100. Ignored: {@code max_ejection_time_jitter} (no jitter),
   * {@code successful_active_health_check_uneject_host} (no active health checks),
   * {@code monitors}.
   *
   * @return null when the cluster has none
   */
  static OutlierDetection outlierDetection(Cluster cluster) throws ResourceException {
    if (!cluster.hasOutlierDetection()) {
      return null;
    }
    var o = cluster.getOutlierDetection();
    OutlierDetection d = OutlierDetection.DEFAULTS;
    try {
      return new OutlierDetection(
          o.hasInterval() ? dur(o.getInterval(), "interval") : d.interval(),
          o.hasBaseEjectionTime() ? dur(o.getBaseEjectionTime(), "base_ejection_time")
              : d.baseEjectionTime(),
          o.hasMaxEjectionTime() ? dur(o.getMaxEjectionTime(), "max_ejection_time")
              : d.maxEjectionTime(),
          u(o.hasMaxEjectionPercent(), o.getMaxEjectionPercent(), d.maxEjectionPercent()),
          u(o.hasConsecutive5Xx(), o.getConsecutive5Xx(), d.consecutive5xx()),
          u(o.hasEnforcingConsecutive5Xx(), o.getEnforcingConsecutive5Xx(),
              d.enforcingConsecutive5xx()),
          u(o.hasConsecutiveGatewayFailure(), o.getConsecutiveGatewayFailure(),
              d.consecutiveGatewayFailure()),
          u(o.hasEnforcingConsecutiveGatewayFailure(), o.getEnforcingConsecutiveGatewayFailure(),
              d.enforcingConsecutiveGatewayFailure()),
          o.getSplitExternalLocalOriginErrors(),
          u(o.hasConsecutiveLocalOriginFailure(), o.getConsecutiveLocalOriginFailure(),
              d.consecutiveLocalOriginFailure()),
          u(o.hasEnforcingConsecutiveLocalOriginFailure(),
              o.getEnforcingConsecutiveLocalOriginFailure(),
              d.enforcingConsecutiveLocalOriginFailure()),
          u(o.hasEnforcingSuccessRate(), o.getEnforcingSuccessRate(), d.enforcingSuccessRate()),
          u(o.hasEnforcingLocalOriginSuccessRate(), o.getEnforcingLocalOriginSuccessRate(),
              d.enforcingLocalOriginSuccessRate()),
          u(o.hasSuccessRateMinimumHosts(), o.getSuccessRateMinimumHosts(),
              d.successRateMinimumHosts()),
          u(o.hasSuccessRateRequestVolume(), o.getSuccessRateRequestVolume(),
              d.successRateRequestVolume()),
          u(o.hasSuccessRateStdevFactor(), o.getSuccessRateStdevFactor(),
              d.successRateStdevFactor()),
          u(o.hasFailurePercentageThreshold(), o.getFailurePercentageThreshold(),
              d.failurePercentageThreshold()),
          u(o.hasEnforcingFailurePercentage(), o.getEnforcingFailurePercentage(),
              d.enforcingFailurePercentage()),
          u(o.hasEnforcingFailurePercentageLocalOrigin(),
              o.getEnforcingFailurePercentageLocalOrigin(),
              d.enforcingFailurePercentageLocalOrigin()),
          u(o.hasFailurePercentageMinimumHosts(), o.getFailurePercentageMinimumHosts(),
              d.failurePercentageMinimumHosts()),
          u(o.hasFailurePercentageRequestVolume(), o.getFailurePercentageRequestVolume(),
              d.failurePercentageRequestVolume()),
          o.hasAlwaysEjectOneHost() && o.getAlwaysEjectOneHost().getValue());
    } catch (IllegalArgumentException e) {
      throw new ResourceException(null, e.getMessage());
    }
  }

  private static int u(boolean has, UInt32Value v, int dflt) {
    return has ? (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(v.getValue())) : dflt;
  }

  private static Duration dur(com.google.protobuf.Duration d, String field)
      throws ResourceException {
    return RoutePoliciesDecoder.duration(d, "outlier_detection." + field);
  }
}
