package io.inmesh.policies.cluster;

import io.inmesh.policies.RandomSource;

/**
 * Picks a host for one request. Implementations are immutable in their host set (built once per
 * CDS/EDS update) and thread-safe; some keep a little state across picks (the round-robin
 * position).
 */
public interface LoadBalancer {

  /**
   * @param hash the request hash from the route's {@code hash_policy}; read only by RING_HASH and
   *     MAGLEV, and only when {@code hashed}
   * @param hashed whether the request produced a hash; without one, hash-based balancers pick at
   *     random, as Envoy does
   * @return the host, or null when there is none to pick
   */
  Host pick(long hash, boolean hashed, RandomSource random);

  /** True for RING_HASH and MAGLEV: the router computes the request hash only for these. */
  default boolean usesHash() {
    return false;
  }
}
