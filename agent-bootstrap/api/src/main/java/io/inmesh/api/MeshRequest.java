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

  private final String protocol;
  private final String scheme;
  private final String host;
  private final int port;
  private final String path;
  private final String method;
  private final Map<String, List<String>> headers;
  private final boolean reportsOutcome;

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

  /**
   * @param reportsOutcome true when the advice reports the call's end through
   *     {@link Decision#complete}, which lets the mesh count the call as active meanwhile
   *     (LEAST_REQUEST balancing, breakers)
   */
  public MeshRequest(String protocol, String scheme, String host, int port, String path,
      String method, Map<String, List<String>> headers, boolean reportsOutcome) {
    this.reportsOutcome = reportsOutcome;
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

  /** True when the call's outcome will be reported (see the constructor). */
  public boolean reportsOutcome() {
    return reportsOutcome;
  }

  /** A URL's port, or the default for its scheme when the URL has none (-1). */
  public static int portOrDefault(int port, String scheme) {
    if (port > 0) {
      return port;
    }
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }
}
