package io.inmesh.policies.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted round robin over the routable endpoints of one cluster.
 *
 * <p>The interleaved order is computed once per EDS update with the smooth weighted round-robin
 * rule (each step picks the endpoint with the largest running credit), so weights 3:1 give
 * a,a,b,a rather than a,a,a,b; a pick is then one atomic increment and an array read. If no
 * endpoint is routable, Envoy's panic mode applies: all endpoints are used.
 */
public final class RoundRobin {

  /** Bounds the precomputed schedule; larger weight sums are scaled down proportionally. */
  static final int MAX_SCHEDULE = 4096;

  private final Endpoint[] schedule;
  private final AtomicInteger cursor = new AtomicInteger();

  private RoundRobin(Endpoint[] schedule) {
    this.schedule = schedule;
  }

  public static RoundRobin over(List<Endpoint> endpoints) {
    List<Endpoint> usable = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (e.health().routable()) {
        usable.add(e);
      }
    }
    if (usable.isEmpty()) {
      usable.addAll(endpoints);
    }
    return new RoundRobin(schedule(usable));
  }

  /** True when there is nothing to pick from. */
  public boolean isEmpty() {
    return schedule.length == 0;
  }

  /** The next endpoint, or null when the cluster has none. */
  public Endpoint next() {
    Endpoint[] s = schedule;
    if (s.length == 0) {
      return null;
    }
    return s[Math.floorMod(cursor.getAndIncrement(), s.length)];
  }

  static Endpoint[] schedule(List<Endpoint> endpoints) {
    int n = endpoints.size();
    if (n == 0) {
      return new Endpoint[0];
    }
    long[] weights = new long[n];
    long gcd = 0;
    long total = 0;
    for (int i = 0; i < n; i++) {
      weights[i] = endpoints.get(i).weight();
      gcd = gcd(gcd, weights[i]);
      total += weights[i];
    }
    total = 0;
    for (int i = 0; i < n; i++) {
      weights[i] /= gcd;
      total += weights[i];
    }
    if (total > MAX_SCHEDULE) {
      double scale = (double) MAX_SCHEDULE / total;
      total = 0;
      for (int i = 0; i < n; i++) {
        weights[i] = Math.max(1, Math.round(weights[i] * scale));
        total += weights[i];
      }
    }
    Endpoint[] out = new Endpoint[(int) total];
    long[] credit = new long[n];
    for (int step = 0; step < out.length; step++) {
      int best = 0;
      for (int i = 0; i < n; i++) {
        credit[i] += weights[i];
        if (credit[i] > credit[best]) {
          best = i;
        }
      }
      credit[best] -= total;
      out[step] = endpoints.get(best);
    }
    return out;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
