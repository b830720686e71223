package io.inmesh.policies;

import io.inmesh.policies.cluster.ClusterLoadBalancer;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.cluster.XxHash64;
import io.inmesh.policies.header.Header;
import io.inmesh.policies.header.HeaderMutations;
import io.inmesh.policies.fault.Fault;
import io.inmesh.policies.fault.FaultPolicy;
import io.inmesh.policies.ratelimit.LocalRateLimit;
import io.inmesh.policies.route.ClusterSpecifier;
import io.inmesh.policies.route.RetryPolicy;
import io.inmesh.policies.route.RoutePolicies;
import io.inmesh.policies.route.HashPolicy;
import io.inmesh.policies.route.RequestMirrorPolicy;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteAction;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.SessionAffinity;
import io.inmesh.policies.route.VirtualHost;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes one request through a snapshot: virtual host, route, then either a local reply
 * (redirect, direct response) or cluster, endpoint, rewrites, header mutations, mirrors and
 * timeouts. Allocation on the common path is the {@link Routing} itself; rewritten strings,
 * mirrors and generated cookies only when a route asks for them.
 */
public final class Router {

  private static final RouteAction.Redirect TO_HTTPS =
      new RouteAction.Redirect("https", null, 0, null, null, 301, false);
  private static final RouteAction.Redirect SAME_URL =
      new RouteAction.Redirect(null, null, 0, null, null, 302, false);

  private Router() {}

  /** Routes with the thread-local random source. */
  public static Routing route(MeshSnapshot snapshot, RouteTable table, RequestView request) {
    return route(snapshot, table, request, RandomSource.threadLocal());
  }

  /**
   * Routes a request to a target that has a route table.
   *
   * @param table the route configuration of the target's listener
   * @param random the randomness for weighted clusters, runtime fractions, mirrors and balancers
   */
  public static Routing route(MeshSnapshot snapshot, RouteTable table, RequestView request,
      RandomSource random) {
    return route(snapshot, table, request, random, false, 0);
  }

  /**
   * Routes a request and starts the call: on top of {@link #route} it applies the listener's and
   * route's fault and local rate limit filters (in the listener's order), admits the call to the
   * cluster's circuit breaker ({@code max_requests}) and attaches the call's {@link CallGuard}.
   * A ROUTED result must be ended through {@link Routing#guard()} (see {@link Routing} for the
   * sequence), or the breaker's count leaks. Other results hold nothing; a fault they carry is
   * already ended.
   *
   * @param nowNanos the clock reading ({@code System.nanoTime()} in production) for the token
   *     buckets
   */
  public static Routing startCall(MeshSnapshot snapshot, RouteTable table, RequestView request,
      RandomSource random, long nowNanos) {
    return route(snapshot, table, request, random, true, nowNanos);
  }

  private static Routing route(MeshSnapshot snapshot, RouteTable table, RequestView request,
      RandomSource random, boolean start, long nowNanos) {
    VirtualHost vhost = table.select(request.authority());
    if (vhost == null) {
      return Routing.NO_ROUTE;
    }
    if (vhost.requireTls() && !"https".equals(request.scheme())) {
      return local(null, new LocalReply(301, "",
          List.of(new Header("location", TO_HTTPS.location(request, null)))),
          HeaderMutations.NONE);
    }
    Route route = vhost.select(request, random);
    if (route == null) {
      return Routing.NO_ROUTE;
    }
    RouteAction action = route.action();
    if (action instanceof RouteAction.Redirect r) {
      return local(route, new LocalReply(r.status(), "",
          List.of(new Header("location", r.location(request, route.match().path())))),
          route.responseHeaders());
    }
    if (action instanceof RouteAction.DirectResponse d) {
      return local(route, directReply(d, request), route.responseHeaders());
    }
    return forward(snapshot, table, request, random, route, (RouteAction.Forward) action, start,
        nowNanos);
  }

  private static LocalReply directReply(RouteAction.DirectResponse d, RequestView request) {
    List<Header> headers = new ArrayList<>(2);
    // Envoy adds Location (the request's own URL) to 201 and 3xx direct responses.
    if (d.status() == 201 || (d.status() >= 300 && d.status() < 400)) {
      headers.add(new Header("location", SAME_URL.location(request, null)));
    }
    if (!d.body().isEmpty()) {
      headers.add(new Header("content-type", "text/plain"));
    }
    return new LocalReply(d.status(), d.body(), headers);
  }

  private static Routing local(Route route, LocalReply reply, HeaderMutations responseHeaders) {
    return new Routing(Routing.Result.LOCAL_REPLY, route == null ? null : route.name(), null,
        null, null, null, null, HeaderMutations.NONE, responseHeaders, List.of(), reply,
        List.of(), java.time.Duration.ZERO, java.time.Duration.ZERO);
  }

  private static Routing forward(MeshSnapshot snapshot, RouteTable table, RequestView request,
      RandomSource random, Route route, RouteAction.Forward f, boolean start, long nowNanos) {
    String clusterName;
    ClusterSpecifier.WeightedCluster weighted = null;
    ClusterSpecifier spec = f.clusters();
    if (spec instanceof ClusterSpecifier.ToCluster c) {
      clusterName = c.cluster();
    } else if (spec instanceof ClusterSpecifier.WeightedClusters w) {
      weighted = w.pick(random.nextLong() >>> 1);
      clusterName = weighted.name();
    } else {
      clusterName = request.header(((ClusterSpecifier.ClusterHeader) spec).header());
    }
    ClusterState state = clusterName == null ? null : snapshot.clusters().get(clusterName);
    if (state == null && clusterName != null && snapshot.listeners().passthrough(clusterName)) {
      return new Routing(Routing.Result.PASS_THROUGH, route.name(), clusterName, null);
    }
    if (state == null) {
      return new Routing(Routing.Result.CLUSTER_NOT_FOUND, route.name(), clusterName, null, null,
          null, null, HeaderMutations.NONE, route.responseHeaders(), List.of(),
          new LocalReply(f.clusterNotFoundStatus(), "", List.of()), List.of(),
          java.time.Duration.ZERO, java.time.Duration.ZERO);
    }
    Fault fault = null;
    if (start) {
      HttpFilters filters = table.filters();
      RoutePolicies policies = route.policies();
      FaultPolicy faultPolicy = filters.fault() == null ? null
          : policies.fault() != null ? policies.fault() : filters.fault();
      LocalRateLimit limit = filters.rateLimit() == null ? null
          : policies.rateLimit() != null ? policies.rateLimit() : filters.rateLimit();
      if (filters.rateLimitFirst()) {
        Routing limited = rateLimit(limit, request, clusterName, policies, random, nowNanos,
            route, null);
        if (limited != null) {
          return limited;
        }
      }
      if (faultPolicy != null) {
        fault = faultPolicy.draw(request, clusterName, random);
        if (fault != null && fault.aborts()) {
          fault.end();
          return new Routing(Routing.Result.FAULT_ABORT, route.name(), clusterName, null, null,
              null, null, HeaderMutations.NONE, route.responseHeaders(), List.of(),
              abortReply(fault), List.of(), java.time.Duration.ZERO, java.time.Duration.ZERO,
              null, policies.retry(), fault, null);
        }
      }
      if (!filters.rateLimitFirst()) {
        Routing limited = rateLimit(limit, request, clusterName, policies, random, nowNanos,
            route, fault);
        if (limited != null) {
          return limited;
        }
      }
    }
    ClusterLoadBalancer lb = state.loadBalancer();
    List<Header> added = List.of();
    SessionAffinity session = route.session().apply(table.sessionAffinity());
    String requested = null;
    Host host = null;
    if (session != null) {
      requested = session.requestedAddress(request);
      if (requested != null) {
        Host wanted = lb.host(requested);
        if (wanted != null && state.cluster().lbConfig().overrideHostStatus()
            .contains(wanted.endpoint().health())) {
          host = wanted;
        } else if (session.strict()) {
          return failure(route, clusterName, f);
        }
      }
    }
    long hash = 0;
    boolean hashed = false;
    if (host == null) {
      if (lb.usesHash()) {
        List<HashPolicy> policies = f.hashPolicies();
        for (int i = 0; i < policies.size(); i++) {
          HashPolicy p = policies.get(i);
          String key = p.key(request);
          if (key == null && p instanceof HashPolicy.Cookie c && c.ttl() != null) {
            key = hex(random.nextLong());
            added = append(added, new Header("set-cookie", c.setCookie(key)));
          }
          if (key != null) {
            long h = XxHash64.hash(key);
            // Envoy: rotating the old value keeps duplicate policies from cancelling out.
            hash = hashed ? Long.rotateLeft(hash, 1) ^ h : h;
            hashed = true;
          }
          if (hashed && p.terminal()) {
            break;
          }
        }
      }
      host = lb.pick(hash, hashed, random);
    }
    if (host == null) {
      if (fault != null) {
        fault.end();
      }
      return failure(route, clusterName, f);
    }
    CallGuard guard = null;
    RetryPolicy retry = route.policies().retry();
    if (start) {
      if (!state.circuitBreaker().startRequest(request.mayWait() ? pendingWait(f) : 0)) {
        if (fault != null) {
          fault.end();
        }
        return new Routing(Routing.Result.OVERFLOW, route.name(), clusterName, null, null, null,
            null, HeaderMutations.NONE, route.responseHeaders(), List.of(), OVERFLOW_REPLY,
            List.of(), java.time.Duration.ZERO, java.time.Duration.ZERO, null, retry, fault,
            null);
      }
      if (retry != null && !retry.appliesTo(request)) {
        retry = null;
      }
      guard = retry == null && fault == null ? state.singleAttemptGuard()
          : new RetryingCall(state, retry, fault, random, hash, hashed);
    }
    Endpoint endpoint = host.endpoint();
    if (session != null && !endpoint.address().equals(requested)) {
      added = append(added, session.responseHeader(endpoint.address()));
    }
    String path = f.pathRewrite() == null ? null
        : f.pathRewrite().rewrite(request.path(), route.match().path());
    String authority = weighted != null && weighted.hostRewrite() != null
        ? weighted.hostRewrite()
        : f.hostRewrite() == null ? null : f.hostRewrite().rewrite(request, endpoint);
    HeaderMutations requestHeaders = weighted != null && weighted.requestHeaders() != null
        ? weighted.requestHeaders() : route.requestHeaders();
    HeaderMutations responseHeaders = weighted != null && weighted.responseHeaders() != null
        ? weighted.responseHeaders() : route.responseHeaders();
    List<Routing.Mirror> mirrors = f.mirrors().isEmpty() ? List.of()
        : mirrors(snapshot, request, random, f.mirrors(),
            authority != null ? authority : request.authority());
    return new Routing(Routing.Result.ROUTED, route.name(), clusterName, endpoint,
        host.activeRequests(), path, authority, requestHeaders, responseHeaders, added, null,
        mirrors, f.timeout(), f.maxStreamDuration(), host, retry, fault, guard);
  }

  /** Envoy's local reply when a circuit breaker overflows. */
  /**
   * How long a call over {@code max_requests} may wait for a slot: the route's timeout, else
   * 10 s (Istio's default {@code connect_timeout}). Envoy's pending requests wait until a
   * connection frees or the route times out; in process an application thread must never wait
   * without bound, so a route without a timeout gets this one.
   */
  static final long MAX_PENDING_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

  private static long pendingWait(RouteAction.Forward f) {
    long timeout = f.timeout().toNanos();
    return timeout > 0 ? timeout : MAX_PENDING_WAIT_NANOS;
  }

  private static final LocalReply OVERFLOW_REPLY = new LocalReply(503,
      "upstream connect error or disconnect/reset before headers. reset reason: overflow",
      List.of(new Header("content-type", "text/plain")));

  private static final List<Header> GRPC_CONTENT_TYPE =
      List.of(new Header("content-type", "application/grpc"));

  /** The fault filter's abort: its HTTP status, or 200 with {@code grpc-status} for gRPC. */
  private static LocalReply abortReply(Fault fault) {
    if (fault.grpcStatus() >= 0) {
      return new LocalReply(200, "", List.of(GRPC_CONTENT_TYPE.get(0),
          new Header("grpc-status", Integer.toString(fault.grpcStatus())),
          new Header("grpc-message", Fault.ABORT_BODY)));
    }
    return new LocalReply(fault.httpStatus(), Fault.ABORT_BODY,
        List.of(new Header("content-type", "text/plain")));
  }

  /** The local rate limit filter; null when the request may proceed. */
  private static Routing rateLimit(LocalRateLimit limit, RequestView request, String cluster,
      RoutePolicies policies, RandomSource random, long nowNanos, Route route, Fault fault) {
    if (limit == null || limit.decide(request, cluster, policies.rateLimits(), random, nowNanos)
        != LocalRateLimit.Verdict.LIMITED) {
      return null;
    }
    if (fault != null) {
      fault.end();
    }
    return new Routing(Routing.Result.RATE_LIMITED, route.name(), cluster, null, null, null,
        null, HeaderMutations.NONE, route.responseHeaders(), List.of(),
        new LocalReply(limit.status(), "local_rate_limited", limit.limitedResponseHeaders()),
        List.of(), java.time.Duration.ZERO, java.time.Duration.ZERO, null, policies.retry(),
        fault, null);
  }

  private static Routing failure(Route route, String cluster, RouteAction.Forward f) {
    return new Routing(Routing.Result.NO_HEALTHY_UPSTREAM, route.name(), cluster, null, null,
        null, null, HeaderMutations.NONE, route.responseHeaders(), List.of(), null, List.of(),
        java.time.Duration.ZERO, java.time.Duration.ZERO);
  }

  private static List<Routing.Mirror> mirrors(MeshSnapshot snapshot, RequestView request,
      RandomSource random, List<RequestMirrorPolicy> policies, String authority) {
    List<Routing.Mirror> out = new ArrayList<>(policies.size());
    for (RequestMirrorPolicy m : policies) {
      boolean sampled = m.fractionPerMillion() >= 1_000_000
          || random.nextInt(1_000_000) < m.fractionPerMillion();
      if (!sampled) {
        out.add(new Routing.Mirror(m.cluster(), false, null, null, null));
        continue;
      }
      ClusterState state = snapshot.clusters().get(m.cluster());
      Host host = state == null ? null : state.loadBalancer().pick(0, false, random);
      out.add(new Routing.Mirror(m.cluster(), true, host == null ? null : host.endpoint(),
          host == null ? null : host.activeRequests(),
          m.appendShadowSuffix() ? RequestMirrorPolicy.shadowAuthority(authority) : authority));
    }
    return List.copyOf(out);
  }

  private static List<Header> append(List<Header> list, Header header) {
    if (list.isEmpty()) {
      return List.of(header);
    }
    List<Header> out = new ArrayList<>(list);
    out.add(header);
    return List.copyOf(out);
  }

  /** Envoy's {@code Hex::uint64ToHex}: 16 lower-case hex digits. */
  static String hex(long value) {
    String s = Long.toHexString(value);
    return "0000000000000000".substring(s.length()) + s;
  }
}
