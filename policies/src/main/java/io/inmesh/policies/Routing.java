package io.inmesh.policies;

import io.inmesh.policies.cluster.ActiveRequests;
import io.inmesh.policies.cluster.Endpoint;
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
 */
public record Routing(Result result, String route, String cluster, Endpoint endpoint,
    ActiveRequests activeRequests, String pathAndQuery, String authority,
    HeaderMutations requestHeaders, HeaderMutations responseHeaders,
    List<Header> addedResponseHeaders, LocalReply localReply, List<Mirror> mirrors,
    Duration timeout, Duration maxStreamDuration) {

  /** The shared outcome for a request no virtual host or route matches. */
  public static final Routing NO_ROUTE = new Routing(Result.NO_ROUTE, null, null, null);

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
    LOCAL_REPLY(200, "-");

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
