package io.inmesh.runtime;

import io.inmesh.api.CallAttempts;
import io.inmesh.api.Decision;
import io.inmesh.api.MeshHandler;
import io.inmesh.api.MeshRequest;
import io.inmesh.policies.CallGuard;
import io.inmesh.policies.LocalReply;
import io.inmesh.policies.RandomSource;
import io.inmesh.policies.Router;
import io.inmesh.policies.Routing;
import io.inmesh.policies.cluster.ActiveRequests;
import io.inmesh.policies.outcome.CallOutcome;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.header.Header;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.runtime.tls.ClientTls;
import io.inmesh.runtime.tls.ClientTlsContexts;
import io.inmesh.telemetry.CallListener;
import io.inmesh.telemetry.CallRecord;
import io.inmesh.telemetry.trace.ClientSpan;
import io.inmesh.telemetry.trace.ClientSpans;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The data plane behind {@link io.inmesh.api.Mesh#outbound}: exclusions, the target's route table,
 * the router, and the decision advice applies; TCP connections ({@link io.inmesh.api.Mesh#connect})
 * go to {@link TcpRouting}.
 */
final class MeshRuntime implements MeshHandler {

  private static final AgentLog LOG = AgentLog.get(MeshRuntime.class);

  private final MeshSource source;
  private final Exclusions exclusions;
  private final LocalReplyServer replies;
  private final String sourceIp;
  private volatile List<CallListener> listeners;
  /** Client spans, or null while tracing is off (then a call pays one volatile read). */
  private volatile ClientSpans spans;
  private final MirrorSender mirrors = new MirrorSender();
  private final UpstreamTlsStep upstreamTls = new UpstreamTlsStep();
  private final AtomicBoolean failureLogged = new AtomicBoolean();
  private final EndpointIps endpointIps = new EndpointIps();
  private final TcpRouting tcp;

  /**
   * @param replies the local reply server, or null when it could not start
   * @param sourceIp this workload's IP (hash_policy source_ip), or null when unknown
   */
  MeshRuntime(MeshSource source, Exclusions exclusions, LocalReplyServer replies,
      String sourceIp, List<CallListener> listeners) {
    this.source = source;
    this.exclusions = exclusions;
    this.replies = replies;
    this.sourceIp = sourceIp;
    this.listeners = List.copyOf(listeners);
    this.tcp = new TcpRouting(source, exclusions, endpointIps,
        replies == null ? null : replies.address(),
        new AgentFrames(MeshRuntime.class.getClassLoader(), io.inmesh.api.Mesh.class),
        upstreamTls);
  }

  @Override
  public Decision outbound(MeshRequest request) {
    String host = request.host();
    int port = request.port();
    if (host == null || exclusions.excludes(host, port)) {
      return null;
    }
    String target = host + ":" + port;
    RouteTable table = source.routesFor(target, host, port);
    if (table == null) {
      return null;
    }
    HttpRequestView view = new HttpRequestView(request, authority(request), sourceIp);
    long now = System.nanoTime();
    MeshSnapshot snapshot = source.snapshot();
    Routing routing = Router.startCall(snapshot, table, view, RandomSource.threadLocal(), now);
    if (routing.result() == Routing.Result.PASS_THROUGH) {
      return null;
    }
    ClientSpan span = spans == null ? null : startSpan(view, host, port, table);
    if (routing.fault() != null && routing.fault().delayNanos() > 0) {
      // Envoy's fault filter holds the request this long before it goes on (flag DI).
      LockSupport.parkNanos(routing.fault().delayNanos());
    }
    String detail = target + " route=" + routing.route() + " cluster=" + routing.cluster();
    if (routing.result() != Routing.Result.ROUTED) {
      return localReply(request, target, routing, detail, span);
    }
    CallGuard guard = routing.guard();
    if (guard != null && !request.reportsOutcome()) {
      // This client may not report how its calls end: admit the call (faults, rate limits,
      // max_requests) and settle it at once, so the breaker's counts cannot leak. Settled as
      // cancelled, which outlier detection ignores: the end, if reported, is recorded then.
      guard.onOutcome(CallOutcome.CANCELLED, routing.host(), null, false, now);
      guard = null;
    }
    Endpoint endpoint = routing.endpoint();
    InetAddress ip = endpointIp(endpoint);
    if (ip == null) {
      return localReply(request, target, new Routing(Routing.Result.NO_HEALTHY_UPSTREAM,
          routing.route(), routing.cluster(), null), detail + ": endpoint " + endpoint.address()
          + " does not resolve", span);
    }
    ClientTls tls;
    try {
      tls = upstreamTls.forCall(snapshot, routing.cluster(), endpoint, request);
    } catch (UpstreamTlsStep.Unavailable e) {
      if (guard != null) {
        // not the upstream's fault: neither retried nor counted against the host
        guard.onOutcome(CallOutcome.CANCELLED, routing.host(), null, false, now);
      }
      return localReply(request, target, new Routing(Routing.Result.NO_HEALTHY_UPSTREAM,
          routing.route(), routing.cluster(), null), "UF", detail + ": " + e.getMessage(), span);
    }
    try {
      InetAddress named = InetAddress.getByAddress(host, ip.getAddress());
      // Only a call whose end will be reported may count as active, or the count would leak.
      ActiveRequests active = request.reportsOutcome() ? routing.activeRequests() : null;
      if (active != null) {
        active.started();
      }
      CallState call = new CallState(request, target, routing.route(), routing.cluster(),
          endpoint.address(), routing.responseFlags(), active, System.currentTimeMillis(),
          guard, routing.host(), routing, span);
      if (!routing.mirrors().isEmpty()) {
        mirrors.mirror(request, routing.mirrors(), snapshot);
      }
      return Decision.route(new InetSocketAddress(named, endpoint.port()),
          new InetSocketAddress(ip, endpoint.port()),
          RequestMutationRecorder.of(routing, view, span == null ? null : span.headers()),
          detail, call, ResponseHeaderRewrite.of(routing.responseHeaders(),
              routing.addedResponseHeaders(), view, endpoint), tls);
    } catch (UnknownHostException e) {
      return null; // cannot happen: the address has a valid length
    }
  }

  /** The endpoint's address, or null when its host name does not resolve. */
  private InetAddress endpointIp(Endpoint endpoint) {
    return endpointIps.of(endpoint);
  }

  /**
   * No route, no cluster, no healthy upstream, a redirect or a direct response: answered as Envoy
   * answers it, with its status, body and headers (a redirect's location), and the route's
   * response headers.
   */
  private Decision localReply(MeshRequest request, String target, Routing routing,
      String detail, ClientSpan span) {
    return localReply(request, target, routing, routing.responseFlags(), detail, span);
  }

  /** @param flags the response flags, when not the routing result's own */
  private Decision localReply(MeshRequest request, String target, Routing routing, String flags,
      String detail, ClientSpan span) {
    int status = routing.httpStatus();
    CallState call = new CallState(request, target, routing.route(), routing.cluster(), null,
        flags, null, System.currentTimeMillis(), null, null, null, span);
    if (replies == null) {
      return Decision.localReply(null, null, status, flags, detail, call);
    }
    List<String> headers = new ArrayList<>();
    String body = "UF".equals(flags) ? UPSTREAM_CONNECT_ERROR : envoyBody(routing.result());
    LocalReply reply = routing.localReply();
    if (reply != null) {
      body = reply.body() == null ? "" : reply.body();
      for (Header h : reply.headers()) {
        headers.add(h.name());
        headers.add(h.value());
      }
    }
    if (!routing.responseHeaders().isEmpty()) {
      headers = withResponseHeaders(headers, routing, request);
    }
    String path = replies.register(new LocalReplyServer.LocalReply(status, flags,
        headers.toArray(new String[0]), body));
    return Decision.localReply(replies.address(), path, status, flags, detail, call);
  }

  /** A local reply's headers with the route's response header changes applied. */
  private List<String> withResponseHeaders(List<String> pairs, Routing routing,
      MeshRequest request) {
    Map<String, List<String>> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      map.computeIfAbsent(pairs.get(i), k -> new ArrayList<>()).add(pairs.get(i + 1));
    }
    routing.responseHeaders().applyTo(new ResponseHeaderRewrite.MapEditor(map),
        new HttpRequestView(request, authority(request), sourceIp), null);
    List<String> out = new ArrayList<>();
    map.forEach((name, values) -> values.forEach(v -> {
      out.add(name);
      out.add(v);
    }));
    return out;
  }

  /** Envoy's body for a 503 UF (no connection, TLS failures included). */
  private static final String UPSTREAM_CONNECT_ERROR =
      "upstream connect error or disconnect/reset before headers. reset reason: connection"
          + " failure";

  /** The bodies Envoy answers with when the route gives none (404 NR has none). */
  private static String envoyBody(Routing.Result result) {
    return result == Routing.Result.NO_HEALTHY_UPSTREAM ? "no healthy upstream" : "";
  }

  /** The Host header the application's request carries: host, plus the port unless default. */
  private static String authority(MeshRequest request) {
    int dflt = MeshRequest.portOrDefault(-1, request.scheme());
    return request.port() == dflt ? request.host() : request.host() + ":" + request.port();
  }

  /** Adds a listener (telemetry starts after the first calls may have been made). */
  synchronized void addListener(CallListener listener) {
    List<CallListener> next = new ArrayList<>(listeners);
    next.add(listener);
    listeners = List.copyOf(next);
  }

  /**
   * A call's outcome: lowers the endpoint's active requests and tells the listeners (telemetry).
   * Runs on the thread that completed the call; cheap and never blocking.
   */
  @Override
  public void completed(Decision decision, Object response, int status, Throwable error) {
    if (!(decision.callState() instanceof CallState call)) {
      return;
    }
    if (call.guard() != null || call.host() != null) {
      CallOutcome outcome = status > 0 ? CallOutcome.response(status)
          : response instanceof HttpResponse<?> r ? CallOutcome.response(r.statusCode())
          : CallOutcome.failure(error);
      if (call.guard() != null) {
        // breakers, outlier detection; a client whose retries the runtime drives reports its
        // attempts through ResilientJdkCall instead
        call.guard().onOutcome(outcome, call.host(), null, false, System.nanoTime());
      } else {
        // a call admitted and settled at once (its client may not report every end, see
        // outbound) whose end is known after all: outlier detection still learns it
        recordOutlier(call, outcome);
      }
    }
    report(decision, call, response, status, error, null);
  }

  private void recordOutlier(CallState call, CallOutcome outcome) {
    io.inmesh.policies.cluster.ClusterState cluster = source.snapshot().clusters()
        .get(call.cluster());
    if (cluster != null) {
      cluster.outlierDetector().record(call.host(), outcome, System.nanoTime());
    }
  }

  /**
   * One attempt's end without the guard (the caller settles it): lowers the endpoint's active
   * requests and tells the listeners (telemetry). Cheap and never blocking.
   *
   * @param flags the response flags to log, or null to derive them
   */
  void report(Decision decision, CallState call, Object response, int status, Throwable error,
      String flags) {
    if (call.activeRequests() != null) {
      call.activeRequests().finished();
    }
    if (AgentLog.enabled(AgentLog.Level.DEBUG)) {
      LOG.debug("call to %s completed: status %d, error %s", call.target(), status, error);
    }
    List<CallListener> current = listeners;
    ClientSpan span = call.span();
    if (current.isEmpty() && span == null) {
      return;
    }
    int code = status > 0 ? status
        : response instanceof HttpResponse<?> r ? r.statusCode() : 0;
    MeshRequest request = call.request();
    String authority = request.host() + ":" + request.port();
    CallRecord record = new CallRecord(request.protocol(), request.method(), authority,
        request.path(), call.target(), call.routeName(), call.cluster(), call.upstreamHost(),
        code, flags != null ? flags
            : decision.isLocalReply() ? decision.responseFlags() : failureFlags(code, error),
        Outcomes.failure(error), call.startEpochMillis(),
        System.nanoTime() - decision.startNanos(), -1, -1,
        decision.tls() instanceof ClientTls tls ? tls.peerPrincipal() : null,
        span == null ? null : span.traceId(), span == null ? null : span.requestId());
    for (CallListener listener : current) {
      listener.onCall(record);
    }
    if (span != null) {
      spans.end(span, record);
    }
  }

  /** Starts tracing calls (telemetry starts after the first calls may have been made). */
  void tracing(ClientSpans clientSpans) {
    spans = clientSpans;
  }

  /** The call's client span, or null (the request carries a trace already, or tracing failed). */
  private ClientSpan startSpan(HttpRequestView view, String host, int port, RouteTable table) {
    try {
      return spans.start(view, host, port, table.traceSampling());
    } catch (RuntimeException e) {
      failed(e);
      return null;
    }
  }

  @Override
  public java.util.concurrent.CompletableFuture<?> resilient(Decision decision, Object client,
      Object request, Object bodyHandler, java.util.concurrent.CompletableFuture<?> future) {
    return ResilientJdkCall.start(this, decision, client, request, bodyHandler, future);
  }

  /** Istio's TCP metrics for the connections {@link TcpRouting} routes. */
  void tcpMetrics(io.inmesh.telemetry.IstioMetrics metrics) {
    tcp.metrics(metrics);
  }

  /** TCP connections: see {@link TcpRouting}. */
  @Override
  public java.net.SocketAddress connect(Object socket, java.net.SocketAddress destination)
      throws java.net.ConnectException {
    return tcp.connect(socket, destination);
  }

  @Override
  public void closed(Object socket) {
    tcp.closed(socket);
  }

  @Override
  public void connectEnded(io.inmesh.api.RoutedAddress dialled, Throwable failure) {
    tcp.connectEnded(dialled, failure);
  }

  @Override
  public CallAttempts attempts(Decision decision) {
    return SyncAttempts.of(this, decision);
  }

  /** Sets up the TLS clusters ask for (the bootstrap's certificate providers). */
  void tls(ClientTlsContexts contexts) {
    upstreamTls.contexts(contexts);
  }

  /** The reply server, or null when it is not running. */
  LocalReplyServer replies() {
    return replies;
  }

  /** The decision for a retry on {@code next}, with its own call state; null if unresolvable. */
  Decision retryDecision(CallState first, Decision firstDecision, Host next) {
    Endpoint endpoint = next.endpoint();
    InetAddress ip = endpointIp(endpoint);
    if (ip == null) {
      return null;
    }
    ClientTls tls;
    try {
      // the retry's endpoint may take another transport socket than the first one's
      tls = upstreamTls.forCall(source.snapshot(), first.cluster(), endpoint, first.request());
    } catch (UpstreamTlsStep.Unavailable e) {
      return null;
    }
    try {
      InetAddress named = InetAddress.getByAddress(first.request().host(), ip.getAddress());
      ActiveRequests active = next.activeRequests();
      // each attempt has its own span and traceparent, a sibling of the first attempt's
      ClientSpan span = first.span() == null ? null : spans.retry(first.span());
      CallState call = new CallState(first.request(), first.target(), first.routeName(),
          first.cluster(), endpoint.address(), "-", active, System.currentTimeMillis(), null,
          next, null, span);
      return Decision.route(new InetSocketAddress(named, endpoint.port()),
          new InetSocketAddress(ip, endpoint.port()), span == null ? null
              : new io.inmesh.api.RequestMutation(null, null, span.headers(), null, null),
          firstDecision.detail(), call, null, tls);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Envoy's flags for a routed call: {@code UF} when the upstream could not be reached. */
  private static String failureFlags(int code, Throwable error) {
    if (code > 0 || error == null) {
      return "-";
    }
    return Outcomes.isConnectFailure(error) ? "UF" : "-";
  }

  @Override
  public void failed(Throwable error) {
    if (failureLogged.compareAndSet(false, true)) {
      LOG.error(error, "routing failed, the call passes through (logged once)");
    }
  }
}
