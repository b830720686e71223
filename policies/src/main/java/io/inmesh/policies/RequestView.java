package io.inmesh.policies;

import io.inmesh.policies.route.QueryString;

/**
 * The normalized request every protocol maps its call to (see DESIGN.md, "A normalized request").
 * Routing reads only this. Only {@link #authority()}, {@link #path()} and {@link #header(String)}
 * are required; the defaults derive the rest lazily, so a route that does not use query
 * parameters or cookies costs nothing.
 */
public interface RequestView {

  /** {@code host:port} or {@code host} as the application wrote it (Envoy's :authority/Host). */
  String authority();

  /** Path plus query, starting with '/'. */
  String path();

  /**
   * The request header with this lower-case name, multiple values joined with ',' (Envoy's rule for
   * header matching), or null when absent.
   */
  String header(String lowerCaseName);

  /** The {@code :method} pseudo-header (GET, POST, ...), or null when the protocol has none. */
  default String method() {
    return null;
  }

  /** The {@code :scheme}: "http" or "https"; used by redirects and {@code require_tls}. */
  default String scheme() {
    return "http";
  }

  /**
   * The application's own IP address (Envoy's downstream remote address as seen by a sidecar):
   * what {@code hash_policy.connection_properties.source_ip} hashes. The runtime passes it in, e.g.
   * from the bootstrap node's {@code INSTANCE_IPS} metadata; null when unknown (then that hash
   * policy yields no hash, as in Envoy when the address is not an IP).
   */
  default String sourceIp() {
    return null;
  }

  /**
   * The first value of a query parameter, percent-decoded, or null when absent. Parsed from
   * {@link #path()} on each call, only when a route asks for it.
   */
  default String queryParameter(String name) {
    return QueryString.first(path(), name);
  }

  /**
   * Whether the call may wait for a {@code max_requests} slot ({@code max_pending_requests}): its
   * client blocks the caller until the response, as a client's own pool would make it wait for
   * a connection. An asynchronous call cannot wait (its caller's thread must not block).
   */
  default boolean mayWait() {
    return false;
  }

  /** The value of a cookie from the {@code cookie} header (quotes removed), or null. */
  default String cookie(String name) {
    return QueryString.cookie(header("cookie"), name);
  }
}
