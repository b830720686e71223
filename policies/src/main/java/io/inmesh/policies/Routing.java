package io.inmesh.policies;

import io.inmesh.policies.cluster.ActiveRequests;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.fault.Fault;
import io.inmesh.policies.route.RetryPolicy;
import io.inmesh.policies.header.Header;
import io.inmesh.policies.header.HeaderMutations;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of routing one call: where it goes and how it must be sent, or the local reply.
 *
 * <p>How an HTTP client applies it, when {@link #result()} is {@link Result#ROUTED}:
 * <ol>
 *   <li>send to {@link #endpoint()}; call {@code activeRequests().started()} when sending and
 *       {@code finished()} once when the exchange ends (LEAST_REQUEST reads the counts);</li>
 *   <li>replace the path-and-query with {@link #pathAndQuery()} and the Host/:authority with
 *       {@link #authority()} when they are non-null;</li>
 *   <li>apply {@link #requestHeaders()} to the outgoing request
 *       ({@link HeaderMutations#applyTo}); then, on the response, {@link #responseHeaders()} and
 *       add {@link #addedResponseHeaders()} (generated {@code Set-Cookie} and session headers);</li>
 *   <li>enforce {@link #timeout()} (0 = none) and {@link #maxStreamDuration()} (0 = none) from
 *       the start of the request; {@link #effectiveTimeout()} is the smaller non-zero one;</li>
 *   <li>for each {@link Mirror} with {@code sampled} and an endpoint, send a copy fire-and-forget
 *       (never waited on, failures ignored, response discarded) with Host
 *       {@link Mirror#authority()}.</li>
 * </ol>
 * Otherwise answer locally with {@link #httpStatus()}, {@link #localReply()}'s body and headers
 * if any, {@link #responseHeaders()} applied on top, and the response flag
 * {@code result().responseFlag()}.
 *
 * <p>With resilience ({@link Router#startCall}), per request:
 * <ol>
 *   <li>if {@link #fault()} is non-null and has a delay, wait {@code fault().delayNanos()} first
 *       (whatever the result; flag {@code DI});</li>
 *   <li>if the result is not ROUTED (RATE_LIMITED 429 + {@code x-envoy-ratelimited}, OVERFLOW 503
 *       UO, FAULT_ABORT, ...) answer the local reply as above with {@link #responseFlags()};
 *       nothing needs releasing;</li>
 *   <li>ROUTED: attempt loop, starting with {@code host = host()}: send to
 *       {@code host.endpoint()} (ActiveRequests started/finished as before), bounded by
 *       {@link #perTryTimeout()} (if non-zero) and what is left of {@link #effectiveTimeout()};
 *       classify the end as a {@link io.inmesh.policies.outcome.CallOutcome} and call
 *       {@code guard().onOutcome(outcome, host, responseHeaders, mayRetry, System.nanoTime())}
 *       ({@code mayRetry} false once the route timeout has expired, on cancellation, or when the
 *       body cannot be replayed); if the decision retries, discard the response, wait
 *       {@code backoffNanos()} (unless the route timeout expires first: then answer 504
 *       {@code UT}) and go again with {@code decision.host()}; otherwise the last outcome is the
 *       call's (a route timeout answers 504 with flag {@code UT}).</li>
 * </ol>
 *
 * @param result what happened
 * @param route the matched route's name (may be empty), or null
 * @param cluster the picked cluster, or null
 * @param endpoint the endpoint to dial, non-null only for {@link Result#ROUTED}
 * @param activeRequests the endpoint's in-flight counter, non-null only for ROUTED
 * @param pathAndQuery the rewritten path and query ({@code prefix_rewrite}, {@code
 *     regex_rewrite}), or null when unchanged
 * @param authority the rewritten Host ({@code host_rewrite_*}, {@code auto_host_rewrite}), or
 *     null when unchanged
 * @param requestHeaders request header mutations (route configuration, virtual host, route,
 *     weighted cluster, merged)
 * @param responseHeaders response header mutations, also for local replies
 * @param addedResponseHeaders per-request response headers to add (append): a generated hash
 *     cookie, the session affinity cookie or header; usually empty
 * @param localReply the reply to answer with for {@link Result#LOCAL_REPLY} and
 *     {@link Result#CLUSTER_NOT_FOUND}, else null
 * @param mirrors the request mirrors of the route (usually empty)
 * @param timeout the route timeout, {@link Duration#ZERO} for none
 * @param maxStreamDuration {@code max_stream_duration}, ZERO for none
 * @param host the picked host (the endpoint with its counters and outlier state), non-null only
 *     for ROUTED
 * @param retryPolicy the route's effective {@code retry_policy}, or null
 * @param fault the fault drawn for this request ({@link Router#startCall} only), or null
 * @param guard the call's guard ({@link Router#startCall} only, ROUTED only), else null
 */
public record Routing(Result result, String route, String cluster, Endpoint endpoint,
    ActiveRequests activeRequests, String pathAndQuery, String authority,
    HeaderMutations requestHeaders, HeaderMutations responseHeaders,
    List<Header> addedResponseHeaders, LocalReply localReply, List<Mirror> mirrors,
    Duration timeout, Duration maxStreamDuration, Host host, RetryPolicy retryPolicy,
    Fault fault, CallGuard guard) {

  /** The shared outcome for a request no virtual host or route matches. */
  public static final Routing NO_ROUTE = new Routing(Result.NO_ROUTE, null, null, null);

  /** A routing without resilience state (the shape before retries, faults and guards). */
  public Routing(Result result, String route, String cluster, Endpoint endpoint,
      ActiveRequests activeRequests, String pathAndQuery, String authority,
      HeaderMutations requestHeaders, HeaderMutations responseHeaders,
      List<Header> addedResponseHeaders, LocalReply localReply, List<Mirror> mirrors,
      Duration timeout, Duration maxStreamDuration) {
    this(result, route, cluster, endpoint, activeRequests, pathAndQuery, authority,
        requestHeaders, responseHeaders, addedResponseHeaders, localReply, mirrors, timeout,
        maxStreamDuration, null, null, null, null);
  }

  /** {@code per_try_timeout} of the retry policy, ZERO for none. */
  public Duration perTryTimeout() {
    return retryPolicy == null ? Duration.ZERO : retryPolicy.perTryTimeout();
  }

  /**
   * True when the route bounds or repeats the call's attempts: a timeout, a max stream duration or
   * a retry policy (which holds any per-try timeout), so a client's attempts must be driven.
   */
  public boolean drivesAttempts() {
    return !effectiveTimeout().isZero() || retryPolicy != null;
  }

  /**
   * The response flags for the access log: the result's, with the fault's {@code DI}/{@code FI}
   * in front when a fault was injected.
   */
  public String responseFlags() {
    String flag = result.responseFlag();
    if (fault == null) {
      return flag;
    }
    return result == Result.FAULT_ABORT || "-".equals(flag) ? fault.responseFlags()
        : fault.responseFlags() + "," + flag;
  }

  /** A routing with no effects beyond its result (tests, errors). */
  public Routing(Result result, String route, String cluster, Endpoint endpoint) {
    this(result, route, cluster, endpoint, null, null, null, HeaderMutations.NONE,
        HeaderMutations.NONE, List.of(), null, List.of(), Duration.ZERO, Duration.ZERO);
  }

  /** The status to answer with when not ROUTED (the local reply's, else the result's). */
  public int httpStatus() {
    return localReply != null ? localReply.status() : result.httpStatus();
  }

  /** The smaller of the non-zero {@link #timeout()} and {@link #maxStreamDuration()}; ZERO if none. */
  public Duration effectiveTimeout() {
    if (timeout.isZero()) {
      return maxStreamDuration;
    }
    if (maxStreamDuration.isZero()) {
      return timeout;
    }
    return timeout.compareTo(maxStreamDuration) <= 0 ? timeout : maxStreamDuration;
  }

  /**
   * One {@code request_mirror_policies} entry for this request.
   *
   * @param cluster the mirror cluster
   * @param sampled whether this request is mirrored (its {@code runtime_fraction} was drawn)
   * @param endpoint the endpoint picked for the copy; null when not sampled or the cluster has no
   *     endpoint (then nothing is sent)
   * @param activeRequests the endpoint's counter, or null
   * @param authority the Host for the copy ("-shadow" appended unless disabled), null when not
   *     sampled
   */
  public record Mirror(String cluster, boolean sampled, Endpoint endpoint,
      ActiveRequests activeRequests, String authority) {}

  /** The outcomes Envoy distinguishes, with the response flag it logs for each. */
  public enum Result {
    ROUTED(0, "-"),
    /** No virtual host or route matched: Envoy answers 404 with flag NR. */
    NO_ROUTE(404, "NR"),
    /** The route's cluster is not known: {@code cluster_not_found_response_code}, flag NC. */
    CLUSTER_NOT_FOUND(503, "NC"),
    /** The cluster has no endpoint to pick: Envoy answers 503 with flag UH. */
    NO_HEALTHY_UPSTREAM(503, "UH"),
    /** A redirect or direct response: see {@link Routing#localReply()}. */
    LOCAL_REPLY(200, "-"),
    /**
     * The local rate limit refused the request (enforced): its status (429 by default) with
     * {@code x-envoy-ratelimited: true} and the filter's {@code response_headers_to_add}, flag RL.
     */
    RATE_LIMITED(429, "RL"),
    /** A circuit breaker threshold ({@code max_requests}) is reached: 503, flag UO. */
    OVERFLOW(503, "UO"),
    /** The fault filter aborts the request (after its delay): the fault's status, flag FI. */
    FAULT_ABORT(503, "FI"),
    /**
     * The route's cluster is {@code ORIGINAL_DST} (Istio's {@code PassthroughCluster}, which its
     * {@code allow_any} virtual host routes to): the call goes where the application sent it.
     */
    PASS_THROUGH(0, "-");

    private final int httpStatus;
    private final String responseFlag;

    Result(int httpStatus, String responseFlag) {
      this.httpStatus = httpStatus;
      this.responseFlag = responseFlag;
    }

    /** The default status; use {@link Routing#httpStatus()} for the one to answer with. */
    public int httpStatus() {
      return httpStatus;
    }

    public String responseFlag() {
      return responseFlag;
    }
  }
}
