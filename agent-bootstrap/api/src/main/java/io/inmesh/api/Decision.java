package io.inmesh.api;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Function;

/**
 * What the mesh decided for one call, applied by advice: leave it alone, dial this endpoint (with
 * the route's request changes), or answer it locally the way Envoy would (404 NR, 503 UH, a
 * redirect, a direct response). Immutable; created by the runtime.
 *
 * <p>An HTTP client gets a local reply as a real HTTP response: the call is sent to the agent's
 * loopback reply server at {@link #endpointIp()}, path {@link #replyPath()}, which answers with the
 * reply's status, headers and body. Clients that cannot (TLS to the reply server, or a protocol
 * without HTTP responses) fail the call with {@link #rejectMessage()} instead.
 */
public final class Decision {

  /** Stored by advice on a request the mesh leaves alone, so it is not asked twice. */
  public static final Decision PASS_THROUGH =
      new Decision(null, null, null, 0, "-", "pass-through", null, null, null, null);

  private static final AtomicIntegerFieldUpdater<Decision> COMPLETED =
      AtomicIntegerFieldUpdater.newUpdater(Decision.class, "completed");

  private final InetSocketAddress endpoint;
  private final InetSocketAddress endpointIp;
  private final String replyPath;
  private final int replyStatus;
  private final String responseFlags;
  private final String detail;
  private final RequestMutation mutation;
  private final Object callState;
  private final Function<Object, Object> responseRewrite;
  private final MeshTls tls;
  private final long startNanos = System.nanoTime();
  private volatile int completed;

  private Decision(InetSocketAddress endpoint, InetSocketAddress endpointIp, String replyPath,
      int replyStatus, String responseFlags, String detail, RequestMutation mutation,
      Object callState, Function<Object, Object> responseRewrite, MeshTls tls) {
    this.tls = tls;
    this.endpoint = endpoint;
    this.endpointIp = endpointIp;
    this.replyPath = replyPath;
    this.replyStatus = replyStatus;
    this.responseFlags = responseFlags;
    this.detail = detail;
    this.mutation = mutation;
    this.callState = callState;
    this.responseRewrite = responseRewrite;
  }

  /**
   * Dial an endpoint.
   *
   * @param endpoint the endpoint's IP and port, carrying the host name the application used (its
   *     {@code getHostString()}), for TLS server name indication and certificate checks
   * @param endpointIp the same IP and port without a host name, for connection pool keys that
   *     must tell endpoints apart
   * @param mutation how the route changes the request, or null
   * @param callState what the runtime needs back when the call completes, or null
   */
  public static Decision route(InetSocketAddress endpoint, InetSocketAddress endpointIp,
      RequestMutation mutation, String detail, Object callState) {
    return route(endpoint, endpointIp, mutation, detail, callState, null);
  }

  /**
   * @param responseRewrite turns the library's response into the one the application gets (the
   *     route's response header changes), or null
   */
  public static Decision route(InetSocketAddress endpoint, InetSocketAddress endpointIp,
      RequestMutation mutation, String detail, Object callState,
      Function<Object, Object> responseRewrite) {
    return route(endpoint, endpointIp, mutation, detail, callState, responseRewrite, null);
  }

  /**
   * @param tls the TLS the cluster requires, which the client must open to the endpoint whatever
   *     scheme the application wrote (see {@link #tls()}), or null
   */
  public static Decision route(InetSocketAddress endpoint, InetSocketAddress endpointIp,
      RequestMutation mutation, String detail, Object callState,
      Function<Object, Object> responseRewrite, MeshTls tls) {
    return new Decision(endpoint, endpointIp, null, 0, "-", detail, mutation, callState,
        responseRewrite, tls);
  }

  /**
   * Answer locally.
   *
   * @param replyServer the agent's loopback reply server, or null when it is not running
   * @param replyPath the path under which the reply server answers this call's reply
   */
  public static Decision localReply(InetSocketAddress replyServer, String replyPath, int status,
      String responseFlags, String detail, Object callState) {
    return new Decision(null, replyServer, replyServer == null ? null : replyPath, status,
        responseFlags, detail, null, callState, null, null);
  }

  /** True for {@link #PASS_THROUGH}: the call proceeds as the application wrote it. */
  public boolean passThrough() {
    return this == PASS_THROUGH;
  }

  /** True when the mesh answers the call itself. */
  public boolean isLocalReply() {
    return replyStatus != 0;
  }

  /** True for a local reply that must fail the call because no reply server can answer it. */
  public boolean rejected() {
    return replyStatus != 0 && replyPath == null;
  }

  /** The endpoint to dial, named as the application named the destination; null unless routed. */
  public InetSocketAddress endpoint() {
    return endpoint;
  }

  /** The address to dial as a bare IP and port: the endpoint, or the local reply server. */
  public InetSocketAddress endpointIp() {
    return endpointIp;
  }

  /**
   * The TLS the cluster requires for a routed plain-HTTP call, or null: the client opens TLS with
   * it to {@link #endpointIp()} and never sends the call in plaintext.
   */
  public MeshTls tls() {
    return tls;
  }

  /** The reply server's path for this call's local reply, or null. */
  public String replyPath() {
    return replyPath;
  }

  /** How the route changes the request; null when it does not. */
  public RequestMutation mutation() {
    return mutation;
  }

  /** The endpoint as {@code ip:port} text (no host name), or null. */
  public String endpointAuthority() {
    if (endpointIp == null) {
      return null;
    }
    String ip = endpointIp.getAddress().getHostAddress();
    return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + endpointIp.getPort();
  }

  /** The local reply's HTTP status, or 0. */
  public int replyStatus() {
    return replyStatus;
  }

  /** Envoy's response flags for this call ({@code -} when none). */
  public String responseFlags() {
    return responseFlags;
  }

  /** Which route and cluster decided, for messages and logs. */
  public String detail() {
    return detail;
  }

  /**
   * The route's response header changes, or null when it makes none. Given the JDK HttpClient's
   * response it returns the response with changed headers; given a mutable case-insensitive
   * {@code Map<String, List<String>>} of a response's headers it changes the map in place.
   */
  public Function<Object, Object> responseRewrite() {
    return responseRewrite;
  }

  /** What the runtime attached to this call, for {@link #complete}. */
  public Object callState() {
    return callState;
  }

  /** When the decision was taken ({@link System#nanoTime()}). */
  public long startNanos() {
    return startNanos;
  }

  /**
   * Reports how the call ended, once (later reports are ignored): retries, breakers, outlier
   * detection and telemetry all read this one outcome, whatever the protocol.
   *
   * @param response the library's response object (e.g. {@code java.net.http.HttpResponse}), or
   *     null
   * @param status the response status when the advice knows it, else 0
   * @param error how the call failed, or null
   */
  public void complete(Object response, int status, Throwable error) {
    if (this != PASS_THROUGH && COMPLETED.compareAndSet(this, 0, 1)) {
      Mesh.completed(this, response, status, error);
    }
  }

  /** The message a refused call fails with where no HTTP response can be given. */
  public String rejectMessage() {
    return "inmesh: " + replyStatus + " " + responseFlags + " (" + detail + ")";
  }

  @Override
  public String toString() {
    if (passThrough()) {
      return "pass-through";
    }
    return isLocalReply() ? "local reply " + replyStatus + " " + responseFlags + " (" + detail + ")"
        : "route to " + endpointAuthority() + " (" + detail + ")";
  }
}
