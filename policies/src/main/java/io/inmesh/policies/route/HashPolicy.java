package io.inmesh.policies.route;

import com.google.re2j.Pattern;
import io.inmesh.policies.RequestView;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One {@code RouteAction.hash_policy} entry; the hash drives RING_HASH and MAGLEV clusters. Keys
 * are hashed with xxHash64 and combined as Envoy does (see {@link io.inmesh.policies.Router}).
 */
public sealed interface HashPolicy {

  /** {@code terminal}: once a hash exists, later policies are skipped. */
  boolean terminal();

  /** The text to hash for this request, or null when this policy yields no hash. */
  String key(RequestView request);

  /**
   * {@code header}: the header's value (repeated values as joined by the request view), optionally
   * rewritten by {@code regex_rewrite}.
   */
  record Header(String name, Pattern regex, String substitution, boolean terminal)
      implements HashPolicy {
    public Header {
      name = name.toLowerCase(Locale.ROOT);
    }

    @Override
    public String key(RequestView request) {
      String v = name.equals(":authority") || name.equals("host") ? request.authority()
          : name.equals(":path") ? request.path()
          : name.equals(":method") ? request.method() : request.header(name);
      if (v == null) {
        return null;
      }
      return regex == null ? v : Rewrites.replaceAll(regex, substitution, v);
    }
  }

  /**
   * {@code cookie}: the cookie's value. When the request has no such cookie and {@code ttl} is set,
   * a value is generated, hashed, and returned to the application in a {@code Set-Cookie} response
   * header ({@code name="value"; Max-Age=ttl; Path=path; attrs; HttpOnly}, Envoy's format).
   *
   * @param ttl null when unset (no cookie is generated); zero makes a session cookie
   * @param attributes already formatted ("SameSite=Strict", "Secure")
   */
  record Cookie(String name, Duration ttl, String path, List<String> attributes,
      boolean terminal) implements HashPolicy {
    public Cookie {
      attributes = List.copyOf(attributes);
    }

    @Override
    public String key(RequestView request) {
      return request.cookie(name);
    }

    /** The Set-Cookie header value for a generated cookie. */
    public String setCookie(String value) {
      StringBuilder s = new StringBuilder(name).append("=\"").append(value).append('"');
      if (ttl != null && !ttl.isZero()) {
        s.append("; Max-Age=").append(ttl.getSeconds());
      }
      if (path != null && !path.isEmpty()) {
        s.append("; Path=").append(path);
      }
      for (String a : attributes) {
        s.append("; ").append(a);
      }
      return s.append("; HttpOnly").toString();
    }
  }

  /** {@code connection_properties.source_ip}: the application's own IP. */
  record SourceIp(boolean terminal) implements HashPolicy {
    @Override
    public String key(RequestView request) {
      return request.sourceIp();
    }
  }

  /** {@code query_parameter}: the parameter's first value. */
  record QueryParameter(String name, boolean terminal) implements HashPolicy {
    @Override
    public String key(RequestView request) {
      return request.queryParameter(name);
    }
  }
}
