package io.inmesh.policies.cluster;

import java.time.Duration;

/**
 * {@code Cluster.outlier_detection} (Envoy; gRFC A50 is the success-rate and failure-percentage
 * subset). Percentages are 0..100; defaults are Envoy's.
 *
 * @param interval {@code interval} (10s)
 * @param baseEjectionTime {@code base_ejection_time} (30s), multiplied by the host's ejection count
 * @param maxEjectionTime {@code max_ejection_time} (300s)
 * @param maxEjectionPercent {@code max_ejection_percent} (10)
 * @param consecutive5xx {@code consecutive_5xx} (5)
 * @param enforcingConsecutive5xx {@code enforcing_consecutive_5xx} (100)
 * @param consecutiveGatewayFailure {@code consecutive_gateway_failure} (5)
 * @param enforcingConsecutiveGatewayFailure {@code enforcing_consecutive_gateway_failure} (0)
 * @param splitExternalLocalOriginErrors {@code split_external_local_origin_errors} (false)
 * @param consecutiveLocalOriginFailure {@code consecutive_local_origin_failure} (5)
 * @param enforcingConsecutiveLocalOriginFailure {@code enforcing_consecutive_local_origin_failure}
 *     (100)
 * @param enforcingSuccessRate {@code enforcing_success_rate} (100)
 * @param enforcingLocalOriginSuccessRate {@code enforcing_local_origin_success_rate} (100)
 * @param successRateMinimumHosts {@code success_rate_minimum_hosts} (5)
 * @param successRateRequestVolume {@code success_rate_request_volume} (100)
 * @param successRateStdevFactor {@code success_rate_stdev_factor} (1900, i.e. 1.9)
 * @param failurePercentageThreshold {@code failure_percentage_threshold} (85)
 * @param enforcingFailurePercentage {@code enforcing_failure_percentage} (0)
 * @param enforcingFailurePercentageLocalOrigin {@code enforcing_failure_percentage_local_origin} (0)
 * @param failurePercentageMinimumHosts {@code failure_percentage_minimum_hosts} (5)
 * @param failurePercentageRequestVolume {@code failure_percentage_request_volume} (50)
 * @param alwaysEjectOneHost {@code always_eject_one_host} (false)
 */
public record OutlierDetection(Duration interval, Duration baseEjectionTime,
    Duration maxEjectionTime, int maxEjectionPercent, int consecutive5xx,
    int enforcingConsecutive5xx, int consecutiveGatewayFailure,
    int enforcingConsecutiveGatewayFailure, boolean splitExternalLocalOriginErrors,
    int consecutiveLocalOriginFailure, int enforcingConsecutiveLocalOriginFailure,
    int enforcingSuccessRate, int enforcingLocalOriginSuccessRate, int successRateMinimumHosts,
    int successRateRequestVolume, int successRateStdevFactor, int failurePercentageThreshold,
    int enforcingFailurePercentage, int enforcingFailurePercentageLocalOrigin,
    int failurePercentageMinimumHosts, int failurePercentageRequestVolume,
    boolean alwaysEjectOneHost) {

  /** An {@code outlier_detection} with no field set. */
  public static final OutlierDetection DEFAULTS = new OutlierDetection(Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(300), 10, 5, 100, 5, 0, false, 5, 100, 100, 100,
      5, 100, 1900, 85, 0, 0, 5, 50, false);

  public OutlierDetection {
    if (interval == null || interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("outlier_detection.interval must be positive");
    }
    if (baseEjectionTime == null || baseEjectionTime.isZero() || baseEjectionTime.isNegative()) {
      throw new IllegalArgumentException("outlier_detection.base_ejection_time must be positive");
    }
    if (maxEjectionTime == null || maxEjectionTime.isNegative()) {
      throw new IllegalArgumentException("outlier_detection.max_ejection_time must not be"
          + " negative");
    }
    for (int p : new int[] {maxEjectionPercent, enforcingConsecutive5xx,
        enforcingConsecutiveGatewayFailure, enforcingConsecutiveLocalOriginFailure,
        enforcingSuccessRate, enforcingLocalOriginSuccessRate, failurePercentageThreshold,
        enforcingFailurePercentage, enforcingFailurePercentageLocalOrigin}) {
      if (p < 0 || p > 100) {
        throw new IllegalArgumentException("outlier_detection percentage " + p
            + " outside 0..100");
      }
    }
  }

  /** The longest a host stays ejected: {@code max(base_ejection_time, max_ejection_time)}. */
  public long maxEjectionNanos() {
    return Math.max(baseEjectionTime.toNanos(), maxEjectionTime.toNanos());
  }
}
