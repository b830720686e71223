package io.inmesh.policies;

import io.inmesh.policies.fault.FaultPolicy;
import io.inmesh.policies.ratelimit.LocalRateLimit;

/**
 * The policy-bearing HTTP filters of a listener's connection manager, in Envoy's order: a
 * per-route config applies only when its filter is in the chain, and the listener's config is the
 * default for routes without one.
 *
 * @param fault the {@code envoy.filters.http.fault} filter's config, or null when the chain has no
 *     fault filter
 * @param rateLimit the {@code envoy.filters.http.local_ratelimit} filter's config, or null when
 *     the chain has none
 * @param rateLimitFirst whether the rate limit filter comes before the fault filter
 */
public record HttpFilters(FaultPolicy fault, LocalRateLimit rateLimit, boolean rateLimitFirst) {

  /** No fault or rate limit filter: per-route configs are ignored, as Envoy ignores them. */
  public static final HttpFilters NONE = new HttpFilters(null, null, false);

  /**
   * Both filters present with empty configs, fault first: per-route configs apply. The default of
   * a route table that no listener has described (tests, tools).
   */
  public static final HttpFilters PER_ROUTE = new HttpFilters(FaultPolicy.NONE,
      LocalRateLimit.NONE, false);
}
