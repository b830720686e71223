package io.inmesh.policies.route;

import io.inmesh.policies.RandomSource;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.outcome.CallOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code config.route.v3.RetryPolicy} (the route's, else its virtual host's: Envoy does not merge
 * them), with Envoy's semantics ({@code RetryStateImpl}; gRFC A44 is the gRPC subset).
 *
 * @param retryOn {@code retry_on}, as a bit set of the constants below
 * @param numRetries {@code num_retries} (1 when unset)
 * @param perTryTimeout {@code per_try_timeout}, ZERO for none
 * @param retriableStatusCodes {@code retriable_status_codes} (read with {@code
 *     retriable-status-codes})
 * @param retriableHeaders {@code retriable_headers}: response header matchers (read with {@code
 *     retriable-headers})
 * @param retriableRequestHeaders {@code retriable_request_headers}: the policy applies only to
 *     requests matching one of them (empty: all requests)
 * @param baseInterval {@code retry_back_off.base_interval} (25ms when unset)
 * @param maxInterval {@code retry_back_off.max_interval} (10 x base when unset)
 * @param previousHosts {@code retry_host_predicate} {@code envoy.retry_host_predicates.previous_hosts}
 * @param hostSelectionMaxAttempts {@code host_selection_retry_max_attempts} (1 when unset)
 */
public record RetryPolicy(int retryOn, int numRetries, Duration perTryTimeout,
    Set<Integer> retriableStatusCodes, List<HeaderMatcher> retriableHeaders,
    List<HeaderMatcher> retriableRequestHeaders, Duration baseInterval, Duration maxInterval,
    boolean previousHosts, int hostSelectionMaxAttempts) {

  public static final int FIVE_XX = 1;
  public static final int GATEWAY_ERROR = 1 << 1;
  public static final int RESET = 1 << 2;
  public static final int CONNECT_FAILURE = 1 << 3;
  public static final int RETRIABLE_4XX = 1 << 4;
  public static final int REFUSED_STREAM = 1 << 5;
  public static final int RETRIABLE_STATUS_CODES = 1 << 6;
  public static final int RETRIABLE_HEADERS = 1 << 7;
  public static final int ENVOY_RATELIMITED = 1 << 8;
  public static final int RESET_BEFORE_REQUEST = 1 << 9;
  public static final int HTTP3_POST_CONNECT_FAILURE = 1 << 10;
  public static final int GRPC_CANCELLED = 1 << 11;
  public static final int GRPC_DEADLINE_EXCEEDED = 1 << 12;
  public static final int GRPC_RESOURCE_EXHAUSTED = 1 << 13;
  public static final int GRPC_UNAVAILABLE = 1 << 14;
  public static final int GRPC_INTERNAL = 1 << 15;

  public static final Duration DEFAULT_BASE_INTERVAL = Duration.ofMillis(25);

  private static final String[] NAMES = {"5xx", "gateway-error", "reset", "connect-failure",
      "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers",
      "envoy-ratelimited", "reset-before-request", "http3-post-connect-failure", "cancelled",
      "deadline-exceeded", "resource-exhausted", "unavailable", "internal"};

  public RetryPolicy {
    retriableStatusCodes = Set.copyOf(retriableStatusCodes);
    retriableHeaders = List.copyOf(retriableHeaders);
    retriableRequestHeaders = List.copyOf(retriableRequestHeaders);
    if (numRetries < 0) {
      throw new IllegalArgumentException("num_retries " + numRetries);
    }
    if (perTryTimeout == null || perTryTimeout.isNegative()) {
      throw new IllegalArgumentException("per_try_timeout must be zero or positive");
    }
    if (baseInterval == null || baseInterval.isZero() || baseInterval.isNegative()) {
      throw new IllegalArgumentException("retry_back_off.base_interval must be positive");
    }
    if (maxInterval == null) {
      maxInterval = baseInterval.multipliedBy(10);
    }
    if (maxInterval.compareTo(baseInterval) < 0) {
      throw new IllegalArgumentException("retry_back_off.max_interval must be at least"
          + " base_interval");
    }
    hostSelectionMaxAttempts = Math.max(1, hostSelectionMaxAttempts);
  }

  /** A policy with Envoy's defaults for everything but {@code retry_on} and the retry count. */
  public static RetryPolicy of(String retryOn, int numRetries) {
    return new RetryPolicy(parseRetryOn(retryOn), numRetries, Duration.ZERO, Set.of(), List.of(),
        List.of(), DEFAULT_BASE_INTERVAL, null, false, 1);
  }

  /**
   * Parses {@code retry_on} (comma separated, whitespace trimmed, as Envoy).
   *
   * @throws IllegalArgumentException naming the first unknown policy (Envoy rejects them)
   */
  public static int parseRetryOn(String retryOn) {
    int bits = 0;
    if (retryOn == null || retryOn.isBlank()) {
      return 0;
    }
    outer:
    for (String raw : retryOn.split(",")) {
      String token = raw.trim().toLowerCase(Locale.ROOT);
      if (token.isEmpty()) {
        continue;
      }
      for (int i = 0; i < NAMES.length; i++) {
        if (NAMES[i].equals(token)) {
          bits |= 1 << i;
          continue outer;
        }
      }
      throw new IllegalArgumentException("unknown retry_on policy '" + raw.trim() + "'");
    }
    return bits;
  }

  public boolean retriesOn(int bit) {
    return (retryOn & bit) != 0;
  }

  /** {@code retriable_request_headers}: whether this request may be retried at all. */
  public boolean appliesTo(RequestView request) {
    if (retriableRequestHeaders.isEmpty()) {
      return true;
    }
    for (int i = 0; i < retriableRequestHeaders.size(); i++) {
      if (retriableRequestHeaders.get(i).matches(request)) {
        return true;
      }
    }
    return false;
  }

  /** Whether to retry and how soon: Envoy's three answers. */
  public enum Verdict { NO, WITH_BACKOFF, IMMEDIATELY }

  /**
   * Whether {@code retry_on} covers this outcome: Envoy's {@code wouldRetryFromHeaders} for
   * responses and {@code wouldRetryFromReset} for the rest. A per-try timeout counts as a reset
   * (retried by 5xx, gateway-error and reset), as Envoy's router does.
   *
   * @param responseHeaders the response's headers (for {@code x-envoy-overloaded},
   *     {@code x-envoy-ratelimited} and {@code retriable_headers}); null when unknown
   */
  public Verdict verdict(CallOutcome outcome, RequestView responseHeaders) {
    switch (outcome.kind()) {
      case RESPONSE:
        return fromResponse(outcome, responseHeaders);
      case CANCELLED:
        return Verdict.NO;
      case REFUSED_STREAM:
        if ((retryOn & (RESET | FIVE_XX | GATEWAY_ERROR)) != 0) {
          return Verdict.WITH_BACKOFF;
        }
        return retriesOn(REFUSED_STREAM) ? Verdict.IMMEDIATELY : Verdict.NO;
      case CONNECT_FAILURE:
        // A connection that never opened is a reset before the request was sent.
        return (retryOn & (RESET | FIVE_XX | GATEWAY_ERROR | CONNECT_FAILURE
            | RESET_BEFORE_REQUEST)) != 0 ? Verdict.WITH_BACKOFF : Verdict.NO;
      case RESET:
      case TIMEOUT:
      default:
        return (retryOn & (RESET | FIVE_XX | GATEWAY_ERROR)) != 0 ? Verdict.WITH_BACKOFF
            : Verdict.NO;
    }
  }

  private Verdict fromResponse(CallOutcome outcome, RequestView headers) {
    if (headers != null && headers.header("x-envoy-overloaded") != null) {
      return Verdict.NO;
    }
    if (retriesOn(ENVOY_RATELIMITED) && headers != null
        && headers.header("x-envoy-ratelimited") != null) {
      return Verdict.WITH_BACKOFF;
    }
    int status = outcome.status();
    if (retriesOn(FIVE_XX) && status >= 500 && status < 600) {
      return Verdict.WITH_BACKOFF;
    }
    if (retriesOn(GATEWAY_ERROR) && status >= 502 && status <= 504) {
      return Verdict.WITH_BACKOFF;
    }
    if (retriesOn(RETRIABLE_4XX) && status == 409) {
      return Verdict.WITH_BACKOFF;
    }
    if (retriesOn(RETRIABLE_STATUS_CODES) && retriableStatusCodes.contains(status)) {
      return Verdict.WITH_BACKOFF;
    }
    if (retriesOn(RETRIABLE_HEADERS) && headers != null) {
      for (int i = 0; i < retriableHeaders.size(); i++) {
        if (retriableHeaders.get(i).matches(headers)) {
          return Verdict.WITH_BACKOFF;
        }
      }
    }
    int grpc = outcome.grpcStatus();
    if (grpc < 0 && headers != null) {
      String g = headers.header("grpc-status");
      if (g != null) {
        try {
          grpc = Integer.parseInt(g.trim());
        } catch (NumberFormatException e) {
          grpc = -1;
        }
      }
    }
    if ((grpc == 1 && retriesOn(GRPC_CANCELLED))
        || (grpc == 4 && retriesOn(GRPC_DEADLINE_EXCEEDED))
        || (grpc == 8 && retriesOn(GRPC_RESOURCE_EXHAUSTED))
        || (grpc == 14 && retriesOn(GRPC_UNAVAILABLE))
        || (grpc == 13 && retriesOn(GRPC_INTERNAL))) {
      return Verdict.WITH_BACKOFF;
    }
    return Verdict.NO;
  }

  /**
   * Envoy's {@code JitteredExponentialBackOffStrategy} (full jitter): before retry n (1-based)
   * wait a uniform draw in [0, min((2^n - 1) x base, max)).
   */
  public long backoffNanos(int retry, RandomSource random) {
    long base = baseInterval.toNanos();
    long max = maxInterval.toNanos();
    long multiplier = retry >= 62 ? Long.MAX_VALUE : (1L << retry) - 1;
    long ceiling = multiplier > max / base ? max : multiplier * base;
    if (ceiling <= 0) {
      return 0;
    }
    return Long.remainderUnsigned(random.nextLong(), ceiling);
  }
}
