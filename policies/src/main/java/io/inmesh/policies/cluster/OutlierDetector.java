package io.inmesh.policies.cluster;

import io.inmesh.policies.RandomSource;
import io.inmesh.policies.outcome.CallOutcome;
import java.util.List;

/**
 * A cluster's outlier detection (Envoy's {@code Outlier::DetectorImpl}), one per cluster for the
 * life of the process: it survives CDS/EDS updates (the per-endpoint state lives in each
 * {@link Host#outlier()}); {@link #update} adopts a new configuration and balancer.
 *
 * <ul>
 *   <li>{@link #record}: on the call path, per attempt. {@code consecutive_5xx},
 *       {@code consecutive_gateway_failure} and (with {@code split_external_local_origin_errors})
 *       {@code consecutive_local_origin_failure} eject as soon as they reach their threshold.
 *       Without the split, connect failures map to 503 and timeouts to 504; resets count as
 *       externally originated 503s in both modes, as Envoy's router reports them.</li>
 *   <li>{@link #evaluate}: the runtime calls it on a timer (no threads here); every
 *       {@code interval} it returns ejected hosts whose time is up, decays the ejection multiplier
 *       of healthy hosts, and runs {@code success_rate_*} and {@code failure_percentage_*} on the
 *       interval's counts.</li>
 * </ul>
 * An ejection lasts {@code base_ejection_time x multiplier} (the multiplier grows with each
 * ejection), at most {@code max(base_ejection_time, max_ejection_time)}. A host is ejected only
 * while {@code 100 x (ejected + 1) / hosts <= max_ejection_percent} (or none is ejected yet and
 * {@code always_eject_one_host}), and only when the {@code enforcing_*} percentage draws true.
 * Ejected hosts leave the balancer and count as unhealthy for {@code healthy_panic_threshold}.
 */
public final class OutlierDetector {

  private volatile OutlierDetection config;
  private volatile ClusterLoadBalancer balancer;
  private final RandomSource random;
  private long nextEvaluation;
  private boolean evaluated;

  /**
   * @param config the cluster's {@code outlier_detection}, or null (then nothing is recorded)
   * @param random for the {@code enforcing_*} draws
   */
  public OutlierDetector(OutlierDetection config, ClusterLoadBalancer balancer,
      RandomSource random) {
    this.config = config;
    this.balancer = balancer;
    this.random = random == null ? RandomSource.threadLocal() : random;
  }

  /**
   * Adopts a cluster update. Hosts that are gone take their state with them; a disabled detection
   * returns every ejected host at once.
   */
  public synchronized void update(OutlierDetection next, ClusterLoadBalancer nextBalancer) {
    this.config = next;
    this.balancer = nextBalancer;
    if (next == null) {
      boolean changed = false;
      for (Host h : nextBalancer.hosts()) {
        if (h.outlier().ejected()) {
          uneject(h.outlier());
          changed = true;
        }
      }
      if (changed) {
        nextBalancer.refresh();
      }
    }
  }

  public OutlierDetection config() {
    return config;
  }

  public boolean enabled() {
    return config != null;
  }

  /** The evaluation interval in nanoseconds, or 0 when detection is off. */
  public long intervalNanos() {
    OutlierDetection c = config;
    return c == null ? 0 : c.interval().toNanos();
  }

  /** Records one attempt's outcome on the host it went to. Lock-free unless it ejects. */
  public void record(Host host, CallOutcome outcome, long nowNanos) {
    OutlierDetection c = config;
    if (c == null || host == null) {
      return;
    }
    HostOutlier s = host.outlier();
    if (s.inert()) {
      // A host of a balancer built without detection, recorded while config is still the old one.
      return;
    }
    switch (outcome.kind()) {
      case RESPONSE:
        if (c.splitExternalLocalOriginErrors()) {
          // The connection worked: a locally originated success.
          s.localSuccess.increment();
          HostOutlier.resetIfNonZero(s.consecutiveLocalOriginFailure);
        }
        external(host, s, c, outcome.status(), nowNanos);
        break;
      case CONNECT_FAILURE:
      case TIMEOUT:
        if (c.splitExternalLocalOriginErrors()) {
          s.localFailure.increment();
          int n = s.consecutiveLocalOriginFailure.incrementAndGet();
          if (n >= c.consecutiveLocalOriginFailure()
              && s.consecutiveLocalOriginFailure.compareAndSet(n, 0)) {
            eject(host, c.enforcingConsecutiveLocalOriginFailure(), nowNanos, true);
          }
        } else {
          external(host, s, outcome.kind() == CallOutcome.Kind.TIMEOUT ? 504 : 503, nowNanos);
        }
        break;
      case RESET:
      case REFUSED_STREAM:
        external(host, s, c, 503, nowNanos);
        break;
      default:
        break;
    }
  }

  private void external(Host host, HostOutlier s, int status, long now) {
    external(host, s, config, status, now);
  }

  private void external(Host host, HostOutlier s, OutlierDetection c, int status, long now) {
    if (c == null) {
      return;
    }
    if (status < 500) {
      s.externalSuccess.increment();
      HostOutlier.resetIfNonZero(s.consecutive5xx);
      HostOutlier.resetIfNonZero(s.consecutiveGatewayFailure);
      return;
    }
    s.externalFailure.increment();
    if (status >= 502 && status <= 504) {
      int g = s.consecutiveGatewayFailure.incrementAndGet();
      if (g >= c.consecutiveGatewayFailure() && s.consecutiveGatewayFailure.compareAndSet(g, 0)) {
        eject(host, c.enforcingConsecutiveGatewayFailure(), now, true);
      }
    } else {
      HostOutlier.resetIfNonZero(s.consecutiveGatewayFailure);
    }
    int n = s.consecutive5xx.incrementAndGet();
    if (n >= c.consecutive5xx() && s.consecutive5xx.compareAndSet(n, 0)) {
      eject(host, c.enforcingConsecutive5xx(), now, true);
    }
  }

  /**
   * The timer tick. Does nothing until {@code interval} has passed since the last evaluation
   * (the first call only starts the clock), so the runtime may tick more often than any cluster's
   * interval.
   *
   * @return whether any host was ejected or returned
   */
  public synchronized boolean evaluate(long nowNanos) {
    OutlierDetection c = config;
    if (c == null) {
      return false;
    }
    if (!evaluated) {
      evaluated = true;
      nextEvaluation = nowNanos + c.interval().toNanos();
      return false;
    }
    if (nowNanos - nextEvaluation < 0) {
      return false;
    }
    nextEvaluation = nowNanos + c.interval().toNanos();
    ClusterLoadBalancer lb = balancer;
    List<Host> hosts = lb.hosts();
    boolean changed = false;
    for (Host h : hosts) {
      HostOutlier s = h.outlier();
      if (s.inert()) {
        continue;
      }
      if (s.ejected()) {
        if (nowNanos - s.ejectedAtNanos >= s.ejectionNanos) {
          uneject(s);
          changed = true;
        }
      } else if (s.multiplier > 0) {
        s.multiplier--;
      }
    }
    int n = hosts.size();
    long[] ok = new long[n];
    long[] total = new long[n];
    long[] localOk = new long[n];
    long[] localTotal = new long[n];
    for (int i = 0; i < n; i++) {
      HostOutlier s = hosts.get(i).outlier();
      if (s.inert()) {
        continue;
      }
      long good = s.externalSuccess.sumThenReset();
      long bad = s.externalFailure.sumThenReset();
      long lgood = s.localSuccess.sumThenReset();
      long lbad = s.localFailure.sumThenReset();
      ok[i] = good;
      total[i] = good + bad;
      localOk[i] = lgood;
      localTotal[i] = lgood + lbad;
    }
    changed |= rates(c, hosts, ok, total, c.enforcingSuccessRate(),
        c.enforcingFailurePercentage(), nowNanos);
    if (c.splitExternalLocalOriginErrors()) {
      changed |= rates(c, hosts, localOk, localTotal, c.enforcingLocalOriginSuccessRate(),
          c.enforcingFailurePercentageLocalOrigin(), nowNanos);
    }
    if (changed) {
      lb.refresh();
    }
    return changed;
  }

  /** {@code success_rate_*} then {@code failure_percentage_*} over one interval's counts. */
  private boolean rates(OutlierDetection c, List<Host> hosts, long[] ok, long[] total,
      int enforcingSuccessRate, int enforcingFailurePercentage, long now) {
    boolean changed = false;
    int n = hosts.size();
    int eligible = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      if (total[i] > 0 && total[i] >= c.successRateRequestVolume()) {
        eligible++;
        sum += 100.0 * ok[i] / total[i];
      }
    }
    if (eligible > 0 && eligible >= c.successRateMinimumHosts()) {
      double mean = sum / eligible;
      double var = 0;
      for (int i = 0; i < n; i++) {
        if (total[i] > 0 && total[i] >= c.successRateRequestVolume()) {
          double d = 100.0 * ok[i] / total[i] - mean;
          var += d * d;
        }
      }
      double threshold = mean - Math.sqrt(var / eligible) * (c.successRateStdevFactor() / 1000.0);
      for (int i = 0; i < n; i++) {
        if (total[i] > 0 && total[i] >= c.successRateRequestVolume()
            && 100.0 * ok[i] / total[i] < threshold) {
          changed |= eject(hosts.get(i), enforcingSuccessRate, now, false);
        }
      }
    }
    eligible = 0;
    for (int i = 0; i < n; i++) {
      if (total[i] > 0 && total[i] >= c.failurePercentageRequestVolume()) {
        eligible++;
      }
    }
    if (eligible > 0 && eligible >= c.failurePercentageMinimumHosts()) {
      for (int i = 0; i < n; i++) {
        if (total[i] > 0 && total[i] >= c.failurePercentageRequestVolume()
            && 100.0 * (total[i] - ok[i]) / total[i] >= c.failurePercentageThreshold()) {
          changed |= eject(hosts.get(i), enforcingFailurePercentage, now, false);
        }
      }
    }
    return changed;
  }

  private synchronized boolean eject(Host host, int enforcingPercent, long now, boolean refresh) {
    OutlierDetection c = config;
    ClusterLoadBalancer lb = balancer;
    HostOutlier s = host.outlier();
    if (c == null || s.inert() || s.ejected()) {
      return false;
    }
    List<Host> hosts = lb.hosts();
    int ejected = 0;
    for (int i = 0; i < hosts.size(); i++) {
      if (hosts.get(i).outlier().ejected()) {
        ejected++;
      }
    }
    double percent = hosts.isEmpty() ? 100 : 100.0 * (ejected + 1) / hosts.size();
    if (!(percent <= c.maxEjectionPercent() || (c.alwaysEjectOneHost() && ejected == 0))) {
      return false;
    }
    if (enforcingPercent < 100 && (enforcingPercent <= 0 || random.nextInt(100)
        >= enforcingPercent)) {
      return false;
    }
    long base = c.baseEjectionTime().toNanos();
    long max = c.maxEjectionNanos();
    if ((long) s.multiplier * base < max) {
      s.multiplier++;
    }
    synchronized (s) {
      s.ejections++;
    }
    s.ejectedAtNanos = now;
    s.ejectionNanos = Math.min(max, base * s.multiplier);
    s.setEjected(true);
    if (refresh) {
      lb.refresh();
    }
    return true;
  }

  private static void uneject(HostOutlier s) {
    s.setEjected(false);
    s.consecutive5xx.set(0);
    s.consecutiveGatewayFailure.set(0);
    s.consecutiveLocalOriginFailure.set(0);
  }

  /** Hosts ejected now. */
  public int ejectedHosts() {
    int n = 0;
    for (Host h : balancer.hosts()) {
      if (h.outlier().ejected()) {
        n++;
      }
    }
    return n;
  }
}
