package io.inmesh.policies.cluster;

/**
 * {@code Cluster.circuit_breakers.thresholds} for priority DEFAULT (gRFC A32 reads only
 * {@code max_requests}; Envoy all of them). Routes never ask for priority HIGH here, so its
 * thresholds are not kept.
 *
 * @param maxConnections {@code max_connections} (1024)
 * @param maxPendingRequests {@code max_pending_requests} (1024)
 * @param maxRequests {@code max_requests} (1024)
 * @param maxRetries {@code max_retries} (3), concurrent retries
 * @param retryBudget {@code retry_budget}, or null; when set, {@code max_retries} is ignored
 */
public record CircuitBreakers(long maxConnections, long maxPendingRequests, long maxRequests,
    long maxRetries, RetryBudget retryBudget) {

  /** Envoy's defaults when a cluster has no thresholds for DEFAULT. */
  public static final CircuitBreakers DEFAULT = new CircuitBreakers(1024, 1024, 1024, 3, null);

  /**
   * {@code retry_budget}: concurrent retries may be {@code budget_percent} of the active plus
   * pending requests, but at least {@code min_retry_concurrency}.
   *
   * @param budgetPercent 20.0 when unset
   * @param minRetryConcurrency 3 when unset
   */
  public record RetryBudget(double budgetPercent, long minRetryConcurrency) {}
}
