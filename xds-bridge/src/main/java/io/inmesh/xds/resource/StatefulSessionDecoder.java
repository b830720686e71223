package io.inmesh.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSession;
import io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSessionPerRoute;
import io.envoyproxy.envoy.extensions.http.stateful_session.cookie.v3.CookieBasedSessionState;
import io.envoyproxy.envoy.extensions.http.stateful_session.header.v3.HeaderBasedSessionState;
import io.inmesh.policies.route.SessionAffinity;
import java.time.Duration;
import java.util.Map;

/**
 * {@code envoy.filters.http.stateful_session} (Istio's persistent sessions): the filter's config
 * in the listener, and {@code StatefulSessionPerRoute} in {@code typed_per_filter_config}.
 */
final class StatefulSessionDecoder {

  static final String FILTER_TYPE = "type.googleapis.com/"
      + StatefulSession.getDescriptor().getFullName();
  private static final String PER_ROUTE_TYPE = "type.googleapis.com/"
      + StatefulSessionPerRoute.getDescriptor().getFullName();
  private static final String FILTER_CONFIG_TYPE = "type.googleapis.com/"
      + FilterConfig.getDescriptor().getFullName();

  private StatefulSessionDecoder() {}

  /** The listener-level filter config; null when it has no session state (a no-op filter). */
  static SessionAffinity filter(Any config, String where) throws ResourceException {
    try {
      return session(config.unpack(StatefulSession.class), where);
    } catch (InvalidProtocolBufferException e) {
      throw new ResourceException(null, where + ": cannot decode StatefulSession: "
          + e.getMessage());
    }
  }

  static SessionAffinity session(StatefulSession s, String where) throws ResourceException {
    if (!s.hasSessionState()) {
      return null;
    }
    Any state = s.getSessionState().getTypedConfig();
    try {
      if (state.is(CookieBasedSessionState.class)) {
        var cookie = state.unpack(CookieBasedSessionState.class).getCookie();
        if (cookie.getName().isEmpty()) {
          throw new ResourceException(null, where + ": stateful session cookie has no name");
        }
        Duration ttl = cookie.hasTtl() ? Duration.ofSeconds(cookie.getTtl().getSeconds(),
            cookie.getTtl().getNanos()) : null;
        return new SessionAffinity(SessionAffinity.Kind.COOKIE, cookie.getName(),
            cookie.getPath().isEmpty() ? null : cookie.getPath(), ttl, s.getStrict());
      }
      if (state.is(HeaderBasedSessionState.class)) {
        String name = state.unpack(HeaderBasedSessionState.class).getName();
        if (name.isEmpty()) {
          throw new ResourceException(null, where + ": stateful session header has no name");
        }
        return new SessionAffinity(SessionAffinity.Kind.HEADER, name.toLowerCase(
            java.util.Locale.ROOT), null, null, s.getStrict());
      }
    } catch (InvalidProtocolBufferException e) {
      throw new ResourceException(null, where + ": cannot decode session_state: "
          + e.getMessage());
    }
    throw new ResourceException(null, where + ": stateful session state " + state.getTypeUrl()
        + " is not supported (cookie, header)");
  }

  /**
   * The route-level override among a {@code typed_per_filter_config} map; other filters' entries
   * are left to their own decoders.
   */
  static SessionAffinity.Override perRoute(Map<String, Any> perFilter, String where)
      throws ResourceException {
    for (Any any : perFilter.values()) {
      Any config = any;
      try {
        if (FILTER_CONFIG_TYPE.equals(any.getTypeUrl())) {
          config = any.unpack(FilterConfig.class).getConfig();
        }
        if (PER_ROUTE_TYPE.equals(config.getTypeUrl())) {
          StatefulSessionPerRoute p = config.unpack(StatefulSessionPerRoute.class);
          if (p.getDisabled()) {
            return SessionAffinity.Override.DISABLED;
          }
          SessionAffinity s = session(p.getStatefulSession(), where);
          return s == null ? SessionAffinity.Override.DISABLED
              : new SessionAffinity.Override(false, s);
        }
      } catch (InvalidProtocolBufferException e) {
        throw new ResourceException(null, where + ": cannot decode StatefulSessionPerRoute: "
            + e.getMessage());
      }
    }
    return null;
  }
}
