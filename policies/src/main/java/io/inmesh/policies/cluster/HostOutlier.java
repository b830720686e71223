package io.inmesh.policies.cluster;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One endpoint's outlier detection state (Envoy's {@code DetectorHostMonitorImpl}): consecutive
 * error counters, this interval's success and failure counts (external and locally originated),
 * and its ejection. Keyed by address within a cluster, it survives EDS updates like
 * {@link ActiveRequests}. Recording an outcome is a striped add and at most one atomic update;
 * ejection changes are made by the {@link OutlierDetector} under its lock (rare).
 * Hosts of a cluster without {@code outlier_detection} share {@link #INERT}, which nothing writes
 * (248 B per endpoint otherwise, a quarter of a whole-mesh snapshot).
 */
public final class HostOutlier {

  /**
   * The state of every host in clusters without {@code outlier_detection}: never ejected, never
   * written (the detector skips it, also for a call recorded while a cluster update lands).
   */
  public static final HostOutlier INERT = new HostOutlier(true);

  private final boolean inert;

  final AtomicInteger consecutive5xx = new AtomicInteger();
  final AtomicInteger consecutiveGatewayFailure = new AtomicInteger();
  final AtomicInteger consecutiveLocalOriginFailure = new AtomicInteger();
  final LongAdder externalSuccess = new LongAdder();
  final LongAdder externalFailure = new LongAdder();
  final LongAdder localSuccess = new LongAdder();
  final LongAdder localFailure = new LongAdder();

  private volatile boolean ejected;
  // Guarded by the detector's lock.
  long ejectedAtNanos;
  long ejectionNanos;
  int multiplier;
  int ejections;

  /** Live state for a host of a cluster with {@code outlier_detection}. */
  public HostOutlier() {
    this(false);
  }

  private HostOutlier(boolean inert) {
    this.inert = inert;
  }

  /** Whether this is {@link #INERT}: shared, so the detector must not write it. */
  public boolean inert() {
    return inert;
  }

  /** Whether the endpoint is ejected now: load balancers skip it. */
  public boolean ejected() {
    return ejected;
  }

  void setEjected(boolean value) {
    ejected = value;
  }

  /** How many times the endpoint has been ejected (for the admin endpoint). */
  public synchronized int ejectionCount() {
    return ejections;
  }

  /** The current ejection-time multiplier (grows per ejection, shrinks while healthy). */
  public synchronized int ejectionMultiplier() {
    return multiplier;
  }

  static void resetIfNonZero(AtomicInteger counter) {
    // Avoids a shared write on every success when the counter is already 0.
    if (counter.get() != 0) {
      counter.set(0);
    }
  }
}
