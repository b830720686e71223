package io.inmesh.policies.cluster;

import io.inmesh.policies.CallGuard;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.RetryDecision;
import io.inmesh.policies.outcome.CallOutcome;
import java.time.Duration;

/**
 * The guard of a call with no retry policy and no fault: one per cluster, stateless, so such calls
 * allocate nothing for it. Its one outcome is recorded and releases the breaker admission.
 */
public final class SingleAttemptGuard implements CallGuard {

  private final CircuitBreaker breaker;
  private final OutlierDetector detector;

  SingleAttemptGuard(CircuitBreaker breaker, OutlierDetector detector) {
    this.breaker = breaker;
    this.detector = detector;
  }

  @Override
  public RetryDecision onOutcome(CallOutcome outcome, Host host, RequestView responseHeaders,
      boolean mayRetry, long nowNanos) {
    detector.record(host, outcome, nowNanos);
    breaker.requestFinished();
    return RetryDecision.DONE;
  }

  @Override
  public Duration perTryTimeout() {
    return Duration.ZERO;
  }
}
