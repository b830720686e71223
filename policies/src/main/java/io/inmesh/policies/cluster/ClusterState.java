package io.inmesh.policies.cluster;

import io.inmesh.policies.RandomSource;
import java.util.List;

/**
 * Everything routing needs about one cluster in a snapshot: its CDS settings, its load balancer
 * over the current endpoints, and its live resilience state (the circuit breaker counts and the
 * outlier detector), which carry over from the previous state of the same cluster.
 */
public final class ClusterState {

  private final UpstreamCluster cluster;
  private final ClusterLoadBalancer loadBalancer;
  private final CircuitBreaker circuitBreaker;
  private final OutlierDetector outlierDetector;
  private final SingleAttemptGuard singleAttempt;

  /** A fresh state (no previous counts), as for a cluster seen for the first time. */
  public ClusterState(UpstreamCluster cluster, ClusterLoadBalancer loadBalancer) {
    this(cluster, loadBalancer, null, null);
  }

  /**
   * @param circuitBreaker the cluster's live counts, or null for new ones
   * @param outlierDetector the cluster's detector, or null for a new one
   */
  public ClusterState(UpstreamCluster cluster, ClusterLoadBalancer loadBalancer,
      CircuitBreaker circuitBreaker, OutlierDetector outlierDetector) {
    this.cluster = cluster;
    this.loadBalancer = loadBalancer;
    if (circuitBreaker == null) {
      circuitBreaker = new CircuitBreaker(cluster.circuitBreakers());
    } else {
      circuitBreaker.update(cluster.circuitBreakers());
    }
    if (outlierDetector == null) {
      outlierDetector = new OutlierDetector(cluster.outlierDetection(), loadBalancer,
          RandomSource.threadLocal());
    } else {
      outlierDetector.update(cluster.outlierDetection(), loadBalancer);
    }
    this.circuitBreaker = circuitBreaker;
    this.outlierDetector = outlierDetector;
    this.singleAttempt = new SingleAttemptGuard(circuitBreaker, outlierDetector);
  }

  /**
   * Builds the state; {@code previous} (may be null) keeps active-request counters, outlier state
   * (ejections included), circuit breaker counts and the detector.
   */
  public static ClusterState of(UpstreamCluster cluster, LoadAssignment assignment,
      ClusterState previous) {
    ClusterLoadBalancer lb = ClusterLoadBalancer.build(cluster, assignment,
        previous == null ? null : previous.loadBalancer());
    return new ClusterState(cluster, lb, previous == null ? null : previous.circuitBreaker,
        previous == null ? null : previous.outlierDetector);
  }

  public UpstreamCluster cluster() {
    return cluster;
  }

  public ClusterLoadBalancer loadBalancer() {
    return loadBalancer;
  }

  /** The cluster's circuit breaker counts in this process. */
  public CircuitBreaker circuitBreaker() {
    return circuitBreaker;
  }

  /**
   * The cluster's outlier detector; the runtime calls {@link OutlierDetector#evaluate(long)} on a
   * timer for every cluster of the current snapshot.
   */
  public OutlierDetector outlierDetector() {
    return outlierDetector;
  }

  /** The shared guard for calls with neither retry policy nor fault. */
  public SingleAttemptGuard singleAttemptGuard() {
    return singleAttempt;
  }

  public LoadAssignment assignment() {
    return loadBalancer.assignment();
  }

  public List<Endpoint> endpoints() {
    return loadBalancer.assignment().endpoints();
  }

  @Override
  public String toString() {
    return "ClusterState[" + cluster.name() + ", " + loadBalancer.hosts().size() + " hosts]";
  }
}
