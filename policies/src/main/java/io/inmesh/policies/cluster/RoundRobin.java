package io.inmesh.policies.cluster;

import io.inmesh.policies.RandomSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ROUND_ROBIN}, weighted by {@code load_balancing_weight}.
 *
 * <p>The interleaved order is computed once per update with the smooth weighted round-robin rule
 * (each step picks the host with the largest running credit), so weights 3:1 give a,a,b,a rather
 * than a,a,a,b; a pick is then one atomic increment and an array read. Health is not looked at
 * here: {@link ClusterLoadBalancer} hands in the hosts to use.
 */
public final class RoundRobin implements LoadBalancer {

  /** Bounds the precomputed schedule; larger weight sums are scaled down proportionally. */
  static final int MAX_SCHEDULE = 4096;

  private final Host[] schedule;
  private final AtomicInteger cursor = new AtomicInteger();

  public RoundRobin(List<Host> hosts) {
    long[] weights = new long[hosts.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = hosts.get(i).endpoint().weight();
    }
    this.schedule = schedule(hosts.toArray(new Host[0]), weights);
  }

  /** True when there is nothing to pick from. */
  public boolean isEmpty() {
    return schedule.length == 0;
  }

  /** The next host, or null when there is none. */
  public Host next() {
    Host[] s = schedule;
    if (s.length == 0) {
      return null;
    }
    return s[Math.floorMod(cursor.getAndIncrement(), s.length)];
  }

  @Override
  public Host pick(long hash, boolean hashed, RandomSource random) {
    return next();
  }

  static Host[] schedule(Host[] hosts, long[] weights) {
    int n = hosts.length;
    if (n == 0) {
      return new Host[0];
    }
    long gcd = 0;
    for (int i = 0; i < n; i++) {
      gcd = gcd(gcd, weights[i]);
    }
    long total = 0;
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
    Host[] out = new Host[(int) total];
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
      out[step] = hosts[best];
    }
    return out;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
