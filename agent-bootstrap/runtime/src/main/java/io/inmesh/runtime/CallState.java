package io.inmesh.runtime;

import io.inmesh.api.MeshRequest;
import io.inmesh.policies.CallGuard;
import io.inmesh.policies.Routing;
import io.inmesh.policies.cluster.ActiveRequests;
import io.inmesh.policies.cluster.Host;
import io.inmesh.telemetry.trace.ClientSpan;

/**
 * What the runtime keeps with a decision until its call completes: the request as the application
 * wrote it, what the mesh chose, the endpoint's active-request count (LEAST_REQUEST), which the
 * decision raised and the outcome lowers, and the call's guard (breakers, outlier detection),
 * which the outcome settles. {@code routing} (routed calls only) carries the route's timeouts and
 * retry policy for clients whose retries the runtime drives ({@link ResilientJdkCall}).
 * {@code span} is the call's client span when tracing is on, else null.
 */
record CallState(
    MeshRequest request,
    String target,
    String routeName,
    String cluster,
    String upstreamHost,
    String responseFlags,
    ActiveRequests activeRequests,
    long startEpochMillis,
    CallGuard guard,
    Host host,
    Routing routing,
    ClientSpan span) {

  /** A routed call without a span. */
  CallState(MeshRequest request, String target, String routeName, String cluster,
      String upstreamHost, String responseFlags, ActiveRequests activeRequests,
      long startEpochMillis, CallGuard guard, Host host, Routing routing) {
    this(request, target, routeName, cluster, upstreamHost, responseFlags, activeRequests,
        startEpochMillis, guard, host, routing, null);
  }

  /** A call the runtime does not route further (local replies, re-sent attempts). */
  CallState(MeshRequest request, String target, String routeName, String cluster,
      String upstreamHost, String responseFlags, ActiveRequests activeRequests,
      long startEpochMillis, CallGuard guard, Host host) {
    this(request, target, routeName, cluster, upstreamHost, responseFlags, activeRequests,
        startEpochMillis, guard, host, null, null);
  }
}
