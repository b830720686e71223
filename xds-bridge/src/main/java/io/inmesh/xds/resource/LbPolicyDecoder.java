package io.inmesh.xds.resource;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.extensions.load_balancing_policies.common.v3.ConsistentHashingLbConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.UpstreamCluster.LbConfig;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import java.util.EnumSet;
import java.util.Set;

/**
 * A cluster's load balancing: {@code lb_policy} with {@code ring_hash_lb_config},
 * {@code maglev_lb_config}, {@code least_request_lb_config} and {@code common_lb_config}, or the
 * typed {@code load_balancing_policy} (gRFC A52: the first supported policy of the list wins;
 * round_robin, least_request, random, ring_hash, maglev, wrr_locality around one of them).
 * NACKed: CLUSTER_PROVIDED, MURMUR_HASH_2, {@code hash_balance_factor} (bounded load), a Maglev
 * table size that is not prime, {@code lb_subset_config} with selectors. Accepted but not applied:
 * {@code slow_start_config} (logged), {@code zone_aware_lb_config} (needs a local cluster, which
 * a proxyless client does not have), {@code update_merge_window}.
 */
final class LbPolicyDecoder {

  private static final String TYPE_PREFIX = "type.googleapis.com/";

  private LbPolicyDecoder() {}

  /** The decoded policy, its settings, and whether slow start was asked for. */
  record LbChoice(LbPolicy policy, LbConfig config, boolean slowStart) {}

  /** Mutable while decoding. */
  private static final class Builder {
    LbPolicy policy = LbPolicy.ROUND_ROBIN;
    long minRing = LbConfig.DEFAULT.minRingSize();
    long maxRing = LbConfig.DEFAULT.maxRingSize();
    long table = LbConfig.DEFAULT.maglevTableSize();
    int choices = 2;
    double bias = 1.0;
    boolean fullScan;
    double panic = 50.0;
    boolean localityWeighted;
    boolean useHostname;
    Set<HealthStatus> overrideStatus = LbConfig.DEFAULT_OVERRIDE_HOST_STATUS;
    boolean slowStart;

    LbChoice build() {
      return new LbChoice(policy, new LbConfig(minRing, maxRing, table, choices, bias, fullScan,
          panic, localityWeighted, useHostname, overrideStatus), slowStart);
    }
  }

  static LbChoice decode(Cluster cluster) throws ResourceException {
    Builder b = new Builder();
    common(cluster, b);
    if (cluster.hasLbSubsetConfig() && cluster.getLbSubsetConfig().getSubsetSelectorsCount() > 0) {
      throw new ResourceException(null, "lb_subset_config is not supported");
    }
    if (cluster.hasLoadBalancingPolicy()) {
      typed(cluster.getLoadBalancingPolicy(), b, "load_balancing_policy");
      return b.build();
    }
    b.policy = switch (cluster.getLbPolicy()) {
      case ROUND_ROBIN -> LbPolicy.ROUND_ROBIN;
      case LEAST_REQUEST -> LbPolicy.LEAST_REQUEST;
      case RANDOM -> LbPolicy.RANDOM;
      case RING_HASH -> LbPolicy.RING_HASH;
      case MAGLEV -> LbPolicy.MAGLEV;
      default -> throw new ResourceException(null, "lb_policy " + cluster.getLbPolicy()
          + " is not supported");
    };
    if (cluster.hasRingHashLbConfig()) {
      Cluster.RingHashLbConfig r = cluster.getRingHashLbConfig();
      if (r.getHashFunction() != Cluster.RingHashLbConfig.HashFunction.XX_HASH) {
        throw new ResourceException(null, "ring_hash_lb_config.hash_function "
            + r.getHashFunction() + " is not supported (XX_HASH)");
      }
      ringSizes(b, r.hasMinimumRingSize() ? r.getMinimumRingSize().getValue() : -1,
          r.hasMaximumRingSize() ? r.getMaximumRingSize().getValue() : -1);
    }
    if (cluster.hasMaglevLbConfig() && cluster.getMaglevLbConfig().hasTableSize()) {
      tableSize(b, cluster.getMaglevLbConfig().getTableSize().getValue());
    }
    if (cluster.hasLeastRequestLbConfig()) {
      Cluster.LeastRequestLbConfig l = cluster.getLeastRequestLbConfig();
      if (l.hasChoiceCount()) {
        choices(b, l.getChoiceCount().getValue());
      }
      if (l.hasActiveRequestBias()) {
        bias(b, l.getActiveRequestBias().getDefaultValue());
      }
      b.slowStart |= l.hasSlowStartConfig();
    }
    if (cluster.hasRoundRobinLbConfig()) {
      b.slowStart |= cluster.getRoundRobinLbConfig().hasSlowStartConfig();
    }
    return b.build();
  }

  private static void common(Cluster cluster, Builder b) throws ResourceException {
    if (!cluster.hasCommonLbConfig()) {
      return;
    }
    Cluster.CommonLbConfig c = cluster.getCommonLbConfig();
    if (c.hasHealthyPanicThreshold()) {
      double v = c.getHealthyPanicThreshold().getValue();
      if (v < 0 || v > 100 || Double.isNaN(v)) {
        throw new ResourceException(null, "common_lb_config.healthy_panic_threshold " + v
            + " is not a percentage");
      }
      b.panic = v;
    }
    b.localityWeighted = c.hasLocalityWeightedLbConfig();
    if (c.hasConsistentHashingLbConfig()) {
      consistentHashing(b, c.getConsistentHashingLbConfig().getUseHostnameForHashing(),
          c.getConsistentHashingLbConfig().hasHashBalanceFactor());
    }
    if (c.hasOverrideHostStatus() && c.getOverrideHostStatus().getStatusesCount() > 0) {
      Set<HealthStatus> statuses = EnumSet.noneOf(HealthStatus.class);
      for (var s : c.getOverrideHostStatus().getStatusesList()) {
        statuses.add(switch (s) {
          case HEALTHY -> HealthStatus.HEALTHY;
          case UNHEALTHY -> HealthStatus.UNHEALTHY;
          case DRAINING -> HealthStatus.DRAINING;
          case TIMEOUT -> HealthStatus.TIMEOUT;
          case DEGRADED -> HealthStatus.DEGRADED;
          default -> HealthStatus.UNKNOWN;
        });
      }
      b.overrideStatus = statuses;
    }
  }

  private static void consistentHashing(Builder b, boolean useHostname, boolean balanceFactor)
      throws ResourceException {
    if (balanceFactor) {
      throw new ResourceException(null, "consistent_hashing_lb_config.hash_balance_factor"
          + " (bounded load) is not supported");
    }
    b.useHostname = useHostname;
  }

  private static void ringSizes(Builder b, long min, long max) throws ResourceException {
    if (min >= 0) {
      b.minRing = min;
    }
    if (max >= 0) {
      b.maxRing = max;
    }
    if (b.minRing < 1 || b.minRing > b.maxRing || b.maxRing > 8 * 1024 * 1024) {
      throw new ResourceException(null, "ring hash minimum_ring_size " + b.minRing
          + " and maximum_ring_size " + b.maxRing + " are out of order or above 8M");
    }
  }

  private static void tableSize(Builder b, long size) throws ResourceException {
    if (size > 5_000_011 || !isPrime(size)) {
      throw new ResourceException(null, "maglev table_size " + size
          + " must be a prime no larger than 5000011");
    }
    b.table = size;
  }

  private static void choices(Builder b, int count) throws ResourceException {
    if (count < 2) {
      throw new ResourceException(null, "least request choice_count must be at least 2, is "
          + Integer.toUnsignedString(count));
    }
    b.choices = count;
  }

  private static void bias(Builder b, double bias) throws ResourceException {
    if (bias < 0 || Double.isNaN(bias) || Double.isInfinite(bias)) {
      throw new ResourceException(null, "active_request_bias " + bias + " must be >= 0");
    }
    b.bias = bias;
  }

  static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long d = 2; d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  private static void typed(LoadBalancingPolicy lbp, Builder b, String where)
      throws ResourceException {
    StringBuilder seen = new StringBuilder();
    for (LoadBalancingPolicy.Policy p : lbp.getPoliciesList()) {
      var any = p.getTypedExtensionConfig().getTypedConfig();
      String type = any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1);
      try {
        switch (type) {
          case "envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin":
            b.policy = LbPolicy.ROUND_ROBIN;
            b.slowStart |= any.unpack(
                io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin
                    .class).hasSlowStartConfig();
            return;
          case "envoy.extensions.load_balancing_policies.random.v3.Random":
            b.policy = LbPolicy.RANDOM;
            return;
          case "envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest": {
            LeastRequest l = any.unpack(LeastRequest.class);
            b.policy = LbPolicy.LEAST_REQUEST;
            if (l.hasChoiceCount()) {
              choices(b, l.getChoiceCount().getValue());
            }
            if (l.hasActiveRequestBias()) {
              bias(b, l.getActiveRequestBias().getDefaultValue());
            }
            b.fullScan = l.getSelectionMethod() == LeastRequest.SelectionMethod.FULL_SCAN
                || l.getEnableFullScan().getValue();
            b.slowStart |= l.hasSlowStartConfig();
            if (l.hasLocalityLbConfig()) {
              b.localityWeighted |= l.getLocalityLbConfig().hasLocalityWeightedLbConfig();
            }
            return;
          }
          case "envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash": {
            RingHash r = any.unpack(RingHash.class);
            if (r.getHashFunction() == RingHash.HashFunction.MURMUR_HASH_2) {
              throw new ResourceException(null, where + ": ring_hash MURMUR_HASH_2 is not"
                  + " supported (XX_HASH)");
            }
            b.policy = LbPolicy.RING_HASH;
            ringSizes(b, r.hasMinimumRingSize() ? r.getMinimumRingSize().getValue() : -1,
                r.hasMaximumRingSize() ? r.getMaximumRingSize().getValue() : -1);
            consistentHashing(b, r.getUseHostnameForHashing(), r.hasHashBalanceFactor());
            consistent(b, r.hasConsistentHashingLbConfig() ? r.getConsistentHashingLbConfig()
                : null);
            b.localityWeighted |= r.hasLocalityWeightedLbConfig();
            return;
          }
          case "envoy.extensions.load_balancing_policies.maglev.v3.Maglev": {
            Maglev m = any.unpack(Maglev.class);
            b.policy = LbPolicy.MAGLEV;
            if (m.hasTableSize()) {
              tableSize(b, m.getTableSize().getValue());
            }
            consistent(b, m.hasConsistentHashingLbConfig() ? m.getConsistentHashingLbConfig()
                : null);
            b.localityWeighted |= m.hasLocalityWeightedLbConfig();
            return;
          }
          case "envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality": {
            WrrLocality w = any.unpack(WrrLocality.class);
            b.localityWeighted = true;
            typed(w.getEndpointPickingPolicy(), b, where + ".wrr_locality");
            return;
          }
          default:
            seen.append(seen.length() == 0 ? "" : ", ").append(type);
        }
      } catch (InvalidProtocolBufferException e) {
        throw new ResourceException(null, where + ": cannot decode " + type + ": "
            + e.getMessage());
      }
    }
    throw new ResourceException(null, where + " has no supported policy (saw: " + seen + ")");
  }

  private static void consistent(Builder b, ConsistentHashingLbConfig c)
      throws ResourceException {
    if (c != null) {
      consistentHashing(b, c.getUseHostnameForHashing(), c.hasHashBalanceFactor());
    }
  }

  static String typeName(String typeUrl) {
    return typeUrl.startsWith(TYPE_PREFIX) ? typeUrl.substring(TYPE_PREFIX.length()) : typeUrl;
  }
}
