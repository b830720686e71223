package io.inmesh.policies;

import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.fault.Fault;
import io.inmesh.policies.outcome.CallOutcome;
import io.inmesh.policies.route.RetryPolicy;
import java.time.Duration;

/**
 * The guard of one call with a retry policy (Envoy's {@code RetryStateImpl}) or an injected fault.
 * Not thread-safe: a call's attempts are reported one after another.
 *
 * <ul>
 *   <li>{@code num_retries} counts retries, not attempts;</li>
 *   <li>each retry needs a {@code max_retries} / {@code retry_budget} admission, held until the
 *       retried attempt ends; an overflow gives up with the last outcome (Envoy's
 *       {@code upstream_rq_retry_overflow});</li>
 *   <li>the next host is drawn from the cluster's balancer; with {@code previous_hosts} a draw that
 *       lands on an already tried host is repeated up to {@code host_selection_retry_max_attempts}
 *       times (the last draw is used if all land on tried hosts);</li>
 *   <li>backoff: {@link RetryPolicy#backoffNanos}; {@code refused-stream} retries at once.</li>
 * </ul>
 */
final class RetryingCall implements CallGuard {

  private final ClusterState cluster;
  private final RetryPolicy policy;
  private final Fault fault;
  private final RandomSource random;
  private final long hash;
  private final boolean hashed;
  private Host[] tried;
  private int attempts = 1;
  private boolean retryHeld;
  private boolean done;

  RetryingCall(ClusterState cluster, RetryPolicy policy, Fault fault, RandomSource random,
      long hash, boolean hashed) {
    this.cluster = cluster;
    this.policy = policy;
    this.fault = fault;
    this.random = random;
    this.hash = hash;
    this.hashed = hashed;
  }

  @Override
  public Duration perTryTimeout() {
    return policy == null ? Duration.ZERO : policy.perTryTimeout();
  }

  @Override
  public RetryDecision onOutcome(CallOutcome outcome, Host host, RequestView responseHeaders,
      boolean mayRetry, long nowNanos) {
    if (done) {
      return RetryDecision.DONE;
    }
    cluster.outlierDetector().record(host, outcome, nowNanos);
    if (retryHeld) {
      cluster.circuitBreaker().retryFinished();
      retryHeld = false;
    }
    RetryPolicy.Verdict verdict = mayRetry && policy != null && attempts <= policy.numRetries()
        ? policy.verdict(outcome, responseHeaders) : RetryPolicy.Verdict.NO;
    if (verdict != RetryPolicy.Verdict.NO && cluster.circuitBreaker().tryStartRetry()) {
      remember(host);
      Host next = nextHost();
      if (next != null) {
        retryHeld = true;
        long backoff = verdict == RetryPolicy.Verdict.IMMEDIATELY ? 0
            : policy.backoffNanos(attempts, random);
        attempts++;
        return new RetryDecision(true, backoff, next, attempts);
      }
      cluster.circuitBreaker().retryFinished();
    }
    finish();
    return RetryDecision.DONE;
  }

  private void finish() {
    done = true;
    cluster.circuitBreaker().requestFinished();
    if (fault != null) {
      fault.end();
    }
  }

  private void remember(Host host) {
    if (host == null || policy == null || !policy.previousHosts()) {
      return;
    }
    if (tried == null) {
      tried = new Host[Math.min(policy.numRetries() + 1, 16)];
    }
    for (int i = 0; i < tried.length; i++) {
      if (tried[i] == null || tried[i] == host) {
        tried[i] = host;
        return;
      }
    }
  }

  private boolean triedBefore(Host host) {
    if (tried == null) {
      return false;
    }
    for (Host h : tried) {
      if (h == null) {
        return false;
      }
      if (h == host || h.endpoint().address().equals(host.endpoint().address())) {
        return true;
      }
    }
    return false;
  }

  private Host nextHost() {
    int max = policy.previousHosts() ? policy.hostSelectionMaxAttempts() : 1;
    Host pick = null;
    for (int i = 0; i < max; i++) {
      // A hashing balancer would land on the same host again: move the key per draw.
      long h = i == 0 ? hash : hash + i * 0x9E3779B97F4A7C15L;
      pick = cluster.loadBalancer().pick(h, hashed, random);
      if (pick == null || !triedBefore(pick)) {
        return pick;
      }
    }
    return pick;
  }

  /** Attempts made so far (1 before any retry). */
  int attempts() {
    return attempts;
  }
}
