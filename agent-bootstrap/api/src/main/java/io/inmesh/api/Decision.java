package io.inmesh.api;

import java.net.InetSocketAddress;

/**
 * What the mesh decided for one call: dial this endpoint, or refuse the call the way Envoy would.
 * Immutable; created by the runtime, applied by advice.
 */
public final class Decision {

  /** Stored by advice on a request the mesh leaves alone, so it is not asked twice. */
  public static final Decision PASS_THROUGH = new Decision(null, null, 0, "-", "pass-through");

  private final InetSocketAddress endpoint;
  private final InetSocketAddress endpointIp;
  private final int rejectStatus;
  private final String responseFlags;
  private final String detail;

  private Decision(InetSocketAddress endpoint, InetSocketAddress endpointIp, int rejectStatus,
      String responseFlags, String detail) {
    this.endpoint = endpoint;
    this.endpointIp = endpointIp;
    this.rejectStatus = rejectStatus;
    this.responseFlags = responseFlags;
    this.detail = detail;
  }

  /**
   * Dial an endpoint.
   *
   * @param endpoint the endpoint's IP and port, carrying the host name the application used (its
   *     {@code getHostString()}), for TLS server name indication and certificate checks
   * @param endpointIp the same IP and port without a host name, for connection pool keys that
   *     must tell endpoints apart
   */
  public static Decision route(InetSocketAddress endpoint, InetSocketAddress endpointIp,
      String detail) {
    return new Decision(endpoint, endpointIp, 0, "-", detail);
  }

  /** Refuse the call as Envoy would, e.g. 404 NR (no route) or 503 UH (no healthy upstream). */
  public static Decision reject(int httpStatus, String responseFlags, String detail) {
    return new Decision(null, null, httpStatus, responseFlags, detail);
  }

  /** True for {@link #PASS_THROUGH}: the call proceeds as the application wrote it. */
  public boolean passThrough() {
    return this == PASS_THROUGH;
  }

  public boolean rejected() {
    return endpoint == null && this != PASS_THROUGH;
  }

  /** The endpoint to dial, named as the application named the destination; null unless routed. */
  public InetSocketAddress endpoint() {
    return endpoint;
  }

  /** The endpoint to dial as a bare IP and port; null unless routed. */
  public InetSocketAddress endpointIp() {
    return endpointIp;
  }

  /** The endpoint as {@code ip:port} text (no host name), or null when rejected. */
  public String endpointAuthority() {
    if (endpoint == null) {
      return null;
    }
    String ip = endpoint.getAddress().getHostAddress();
    return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + endpoint.getPort();
  }

  public int rejectStatus() {
    return rejectStatus;
  }

  /** Envoy's response flags for this call ({@code -} when none). */
  public String responseFlags() {
    return responseFlags;
  }

  /** Which route and cluster decided, for messages and logs. */
  public String detail() {
    return detail;
  }

  /** The message a refused call fails with. */
  public String rejectMessage() {
    return "inmesh: " + rejectStatus + " " + responseFlags + " (" + detail + ")";
  }

  @Override
  public String toString() {
    if (passThrough()) {
      return "pass-through";
    }
    return rejected() ? rejectMessage() : "route to " + endpointAuthority() + " (" + detail + ")";
  }
}
