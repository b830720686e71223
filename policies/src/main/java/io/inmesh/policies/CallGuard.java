package io.inmesh.policies;

import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.outcome.CallOutcome;
import java.time.Duration;

/**
 * The per-call handle of a routed call started with {@link Router#startCall}: it holds the
 * circuit breaker admission, records each attempt's outcome for outlier detection, and answers
 * whether to retry. The client reports every attempt exactly once; the call ends (breaker counts
 * released, fault ended) with the first {@link RetryDecision#DONE}.
 *
 * <p>A call without a retry policy or fault shares one stateless guard per cluster (no
 * allocation); otherwise the guard is allocated per call.
 */
public interface CallGuard {

  /**
   * Reports how the attempt on {@code host} ended, with retries allowed.
   *
   * @param host the host the attempt went to ({@link Routing#host()} or the last
   *     {@link RetryDecision#host()})
   */
  default RetryDecision onOutcome(CallOutcome outcome, Host host, long nowNanos) {
    return onOutcome(outcome, host, null, true, nowNanos);
  }

  /**
   * Reports how the attempt on {@code host} ended.
   *
   * @param responseHeaders the response headers when there is a response (read for
   *     {@code retriable_headers}, {@code grpc-status}, {@code x-envoy-overloaded}), or null
   * @param mayRetry false when the client cannot or must not retry: the route timeout expired,
   *     the application cancelled, the request body cannot be replayed. The outcome is recorded
   *     and the call ends.
   * @param nowNanos the clock (for ejection times)
   */
  RetryDecision onOutcome(CallOutcome outcome, Host host, RequestView responseHeaders,
      boolean mayRetry, long nowNanos);

  /** {@code per_try_timeout}, ZERO for none (then only the route timeout applies). */
  Duration perTryTimeout();
}
