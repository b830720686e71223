package io.inmesh.policies.route;

import com.google.re2j.Pattern;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.cluster.Endpoint;
import java.util.Locale;

/** {@code RouteAction.host_rewrite_specifier}: the Host/:authority sent upstream. */
public sealed interface HostRewrite {

  /** The new authority, or null to keep the request's. */
  String rewrite(RequestView request, Endpoint endpoint);

  /** {@code host_rewrite_literal}. */
  record Literal(String host) implements HostRewrite {
    @Override
    public String rewrite(RequestView request, Endpoint endpoint) {
      return host;
    }
  }

  /**
   * {@code auto_host_rewrite}: the endpoint's host name ({@code Endpoint.hostname} from EDS, or the
   * DNS name of a LOGICAL_DNS cluster). An endpoint known only by IP keeps the original host, as
   * Envoy does ("setting this with other cluster types has no effect").
   */
  record Auto() implements HostRewrite {
    @Override
    public String rewrite(RequestView request, Endpoint endpoint) {
      return endpoint == null ? null : endpoint.hostname();
    }
  }

  /** {@code host_rewrite_header}: the value of this request header, when present. */
  record FromHeader(String header) implements HostRewrite {
    public FromHeader {
      header = header.toLowerCase(Locale.ROOT);
    }

    @Override
    public String rewrite(RequestView request, Endpoint endpoint) {
      String v = request.header(header);
      return v == null || v.isEmpty() ? null : v;
    }
  }

  /** {@code host_rewrite_path_regex}: the path (query excluded) rewritten by the regex. */
  record PathRegex(Pattern pattern, String substitution) implements HostRewrite {
    @Override
    public String rewrite(RequestView request, Endpoint endpoint) {
      return Rewrites.replaceAll(pattern, substitution,
          PathMatcher.withoutQuery(request.path()));
    }
  }
}
