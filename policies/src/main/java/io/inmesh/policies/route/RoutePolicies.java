package io.inmesh.policies.route;

import io.inmesh.policies.fault.FaultPolicy;
import io.inmesh.policies.ratelimit.LocalRateLimit;
import io.inmesh.policies.ratelimit.RateLimitPolicy;
import java.util.List;

/**
 * A route's resilience settings, resolved from the route, its virtual host and its route
 * configuration when decoded (the most specific wins; Envoy does not merge these).
 *
 * @param retry {@code retry_policy} (route's, else virtual host's), or null
 * @param fault the {@code envoy.filters.http.fault} per-filter config, or null to use the
 *     listener filter's ({@link FaultPolicy#NONE} turns faults off for the route)
 * @param rateLimit the {@code envoy.filters.http.local_ratelimit} per-filter config, or null to
 *     use the listener filter's ({@link LocalRateLimit#NONE} turns it off)
 * @param rateLimits {@code rate_limits} (route's, else virtual host's): the descriptors the local
 *     rate limit's {@code descriptors} are matched against
 */
public record RoutePolicies(RetryPolicy retry, FaultPolicy fault, LocalRateLimit rateLimit,
    List<RateLimitPolicy> rateLimits) {

  public static final RoutePolicies NONE = new RoutePolicies(null, null, null, List.of());

  public RoutePolicies {
    rateLimits = rateLimits == null ? List.of() : List.copyOf(rateLimits);
  }
}
