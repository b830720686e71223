package io.inmesh.policies.ratelimit;

import io.inmesh.policies.RequestView;
import java.util.List;

/**
 * {@code config.route.v3.RateLimit} of a route (or its virtual host): the descriptor its actions
 * produce for a request, for the local rate limit filter of the same {@code stage}.
 */
public record RateLimitPolicy(int stage, List<RateLimitAction> actions) {

  public RateLimitPolicy {
    actions = List.copyOf(actions);
  }

  /**
   * The descriptor's entries, or null when an action produces nothing (Envoy then produces no
   * descriptor for this policy). Allocates; only called when the filter has descriptors.
   */
  public List<RateLimitAction.Entry> descriptor(RequestView request, String cluster) {
    RateLimitAction.Entry[] out = new RateLimitAction.Entry[actions.size()];
    int n = 0;
    for (RateLimitAction a : actions) {
      RateLimitAction.Entry e = a.entry(request, cluster);
      if (e == null) {
        if (a instanceof RateLimitAction.RequestHeader h && h.skipIfAbsent()) {
          continue;
        }
        return null;
      }
      out[n++] = e;
    }
    return n == 0 ? null : List.of(java.util.Arrays.copyOf(out, n));
  }
}
