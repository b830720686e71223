package io.inmesh.policies;

import io.inmesh.policies.cluster.ActiveRequests;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.Host;
import java.time.Duration;

/**
 * What to do after an attempt: give up (the attempt's outcome is the call's), or retry after
 * {@link #backoffNanos()} on {@link #host()}.
 *
 * @param retry whether to send another attempt
 * @param backoffNanos how long to wait first (0 for at once)
 * @param host the host for the next attempt (previous hosts avoided when the policy says so), or
 *     null when giving up
 * @param attempt the number of the next attempt (2 for the first retry); for
 *     {@code x-envoy-attempt-count}
 */
public record RetryDecision(boolean retry, long backoffNanos, Host host, int attempt) {

  /** The final answer: the attempt's outcome stands. */
  public static final RetryDecision DONE = new RetryDecision(false, 0, null, 0);

  public Duration backoff() {
    return Duration.ofNanos(backoffNanos);
  }

  public Endpoint endpoint() {
    return host == null ? null : host.endpoint();
  }

  public ActiveRequests activeRequests() {
    return host == null ? null : host.activeRequests();
  }
}
