package io.inmesh.policies.cluster;

import io.inmesh.policies.RandomSource;
import java.util.List;

/**
 * {@code LEAST_REQUEST}, following Envoy:
 * <ul>
 *   <li>equal weights: power of {@code choice_count} choices (default 2): draw that many hosts at
 *       random (with replacement) and take the one with the fewest active requests;</li>
 *   <li>different weights: each host's effective weight is
 *       {@code weight / (active + 1) ^ active_request_bias} (bias default 1.0) and a host is drawn
 *       in proportion to it. Envoy walks an EDF schedule of these weights; a proportional draw
 *       gives the same shares without the schedule (O(hosts) per pick);</li>
 *   <li>{@code selection_method: FULL_SCAN}: the host with the fewest active requests, ties
 *       broken from a random start.</li>
 * </ul>
 * Active requests are read from each host's {@link ActiveRequests}, which the client maintains.
 */
public final class LeastRequest implements LoadBalancer {

  private final Host[] hosts;
  private final int choiceCount;
  private final double bias;
  private final boolean fullScan;
  private final boolean weighted;

  public LeastRequest(List<Host> hosts, int choiceCount, double activeRequestBias,
      boolean fullScan) {
    this.hosts = hosts.toArray(new Host[0]);
    this.choiceCount = Math.max(2, choiceCount);
    this.bias = activeRequestBias;
    this.fullScan = fullScan;
    boolean w = false;
    for (int i = 1; i < this.hosts.length; i++) {
      w |= this.hosts[i].endpoint().weight() != this.hosts[0].endpoint().weight();
    }
    this.weighted = w;
  }

  @Override
  public Host pick(long hash, boolean hashed, RandomSource random) {
    int n = hosts.length;
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return hosts[0];
    }
    if (fullScan) {
      int start = random.nextInt(n);
      Host best = null;
      for (int i = 0; i < n; i++) {
        Host h = hosts[(start + i) % n];
        if (best == null || h.activeRequests().count() < best.activeRequests().count()) {
          best = h;
        }
      }
      return best;
    }
    if (weighted) {
      return pickWeighted(random);
    }
    Host best = null;
    for (int i = 0; i < choiceCount; i++) {
      Host candidate = hosts[random.nextInt(n)];
      if (best == null
          || candidate.activeRequests().count() < best.activeRequests().count()) {
        best = candidate;
      }
    }
    return best;
  }

  private Host pickWeighted(RandomSource random) {
    double total = 0;
    for (Host h : hosts) {
      total += effectiveWeight(h);
    }
    double point = (random.nextLong() >>> 11) * 0x1.0p-53 * total;
    for (Host h : hosts) {
      point -= effectiveWeight(h);
      if (point < 0) {
        return h;
      }
    }
    return hosts[hosts.length - 1];
  }

  private double effectiveWeight(Host h) {
    int active = h.activeRequests().count();
    double w = h.endpoint().weight();
    if (bias == 0) {
      return w;
    }
    return bias == 1.0 ? w / (active + 1) : w / Math.pow(active + 1, bias);
  }
}
