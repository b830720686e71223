package io.inmesh.policies.route;

import io.inmesh.policies.RequestView;
import io.inmesh.policies.header.Header;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Istio's session affinity: the HTTP filter {@code envoy.filters.http.stateful_session} with a
 * cookie-based or header-based session state. The request names the endpoint it wants (the base64
 * of its {@code ip:port}); if that endpoint is in the cluster, it is used, otherwise the load
 * balancer picks and the response tells the application the new endpoint ({@code Set-Cookie}, or
 * the header). With {@code strict}, a named endpoint that is gone fails the request (503).
 *
 * @param path cookie path, or null
 * @param ttl cookie Max-Age; null or zero for a session cookie
 */
public record SessionAffinity(Kind kind, String name, String path, Duration ttl,
    boolean strict) {

  /** {@code CookieBasedSessionState} or {@code HeaderBasedSessionState}. */
  public enum Kind { COOKIE, HEADER }

  /**
   * A route's {@code StatefulSessionPerRoute}: inherit the listener's, {@code disabled}, or its own
   * {@code stateful_session}.
   */
  public record Override(boolean disabled, SessionAffinity replacement) {
    public static final Override INHERIT = new Override(false, null);
    public static final Override DISABLED = new Override(true, null);

    /** The affinity that applies under a listener-level one (may be null). */
    public SessionAffinity apply(SessionAffinity listenerLevel) {
      return disabled ? null : replacement != null ? replacement : listenerLevel;
    }
  }

  /** The {@code ip:port} the request asks for, or null. */
  public String requestedAddress(RequestView request) {
    String raw = kind == Kind.COOKIE ? request.cookie(name) : request.header(name);
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      return new String(Base64.getDecoder().decode(raw), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The response header that pins the session to {@code address}. */
  public Header responseHeader(String address) {
    String encoded = Base64.getEncoder().encodeToString(address.getBytes(StandardCharsets.UTF_8));
    if (kind == Kind.HEADER) {
      return new Header(name, encoded);
    }
    StringBuilder s = new StringBuilder(name).append("=\"").append(encoded).append('"');
    if (ttl != null && !ttl.isZero()) {
      s.append("; Max-Age=").append(ttl.getSeconds());
    }
    if (path != null && !path.isEmpty()) {
      s.append("; Path=").append(path);
    }
    return new Header("set-cookie", s.append("; HttpOnly").toString());
  }
}
