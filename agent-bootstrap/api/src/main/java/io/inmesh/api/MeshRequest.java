package io.inmesh.api;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One outbound call in the normalized shape every protocol maps to (see DESIGN.md): where the
 * application meant to go, the path, and the request headers. Built by advice, read by the
 * runtime; never retained after {@link Mesh#outbound} returns.
 */
public final class MeshRequest {

  /** The protocols a request can come from. */
  public static final String HTTP = "http";

  /**
   * Capability: the advice reports the call's end through {@link Decision#complete}, which lets
   * the mesh count the call as active meanwhile (LEAST_REQUEST balancing, breakers).
   */
  public static final int REPORTS_OUTCOME = 1;

  /**
   * Capability: the advice opens the TLS a cluster requires ({@link Decision#tls()}) under a call
   * the application wrote as plain HTTP. Without it, a call to such a cluster is refused (503
   * {@code UF}) rather than sent in plaintext.
   */
  public static final int OPENS_MESH_TLS = 2;

  /**
   * Capability: the call blocks its caller until the response (a synchronous client), so when
   * the cluster's {@code max_requests} is reached it may wait for a slot, as a call waits for a
   * busy pool's connection ({@code max_pending_requests}), instead of overflowing at once.
   */
  public static final int MAY_WAIT = 4;

  private final String protocol;
  private final String scheme;
  private final String host;
  private final int port;
  private final String path;
  private final String method;
  private final Map<String, List<String>> headers;
  private final int capabilities;

  /**
   * @param protocol {@link #HTTP}, ...
   * @param scheme the URL scheme ({@code http}, {@code https}), or the protocol's own name
   * @param host the host exactly as the application wrote it
   * @param port the port the application meant; for a URL without one, its scheme's default
   * @param path path plus query, starting with '/'
   * @param method the HTTP method or the RPC's operation, may be null
   * @param headers request headers (any key case), may be null
   */
  public MeshRequest(String protocol, String scheme, String host, int port, String path,
      String method, Map<String, List<String>> headers) {
    this(protocol, scheme, host, port, path, method, headers, false);
  }

  /** @param reportsOutcome true for {@link #REPORTS_OUTCOME} */
  public MeshRequest(String protocol, String scheme, String host, int port, String path,
      String method, Map<String, List<String>> headers, boolean reportsOutcome) {
    this(protocol, scheme, host, port, path, method, headers, reportsOutcome ? REPORTS_OUTCOME : 0);
  }

  /** @param capabilities what the advice does for the call: {@link #REPORTS_OUTCOME}, ... */
  public MeshRequest(String protocol, String scheme, String host, int port, String path,
      String method, Map<String, List<String>> headers, int capabilities) {
    this.capabilities = capabilities;
    this.protocol = protocol;
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.path = path == null || path.isEmpty() ? "/" : path;
    this.method = method;
    this.headers = headers == null ? Collections.<String, List<String>>emptyMap() : headers;
  }

  public String protocol() {
    return protocol;
  }

  public String scheme() {
    return scheme;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String path() {
    return path;
  }

  public String method() {
    return method;
  }

  public Map<String, List<String>> headers() {
    return headers;
  }

  /** True when the call's outcome will be reported ({@link #REPORTS_OUTCOME}). */
  public boolean reportsOutcome() {
    return (capabilities & REPORTS_OUTCOME) != 0;
  }

  /** True when the call may wait for a {@code max_requests} slot ({@link #MAY_WAIT}). */
  public boolean mayWait() {
    return (capabilities & MAY_WAIT) != 0;
  }

  /** True when the client opens the TLS a cluster requires ({@link #OPENS_MESH_TLS}). */
  public boolean opensMeshTls() {
    return (capabilities & OPENS_MESH_TLS) != 0;
  }

  /** A URL's port, or the default for its scheme when the URL has none (-1). */
  public static int portOrDefault(int port, String scheme) {
    if (port > 0) {
      return port;
    }
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }
}
