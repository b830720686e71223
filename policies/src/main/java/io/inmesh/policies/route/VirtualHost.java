package io.inmesh.policies.route;

import io.inmesh.policies.RandomSource;
import io.inmesh.policies.RequestView;
import java.util.List;

/**
 * {@code config.route.v3.VirtualHost}: routes tried in order, first match wins.
 *
 * @param requireTls {@code require_tls == ALL}: a plain-http request gets a 301 to https.
 *     {@code EXTERNAL_ONLY} is treated as NONE: the application is an internal client.
 */
public record VirtualHost(String name, List<String> domains, List<Route> routes,
    boolean requireTls) {

  public VirtualHost {
    domains = List.copyOf(domains);
    routes = List.copyOf(routes);
  }

  public VirtualHost(String name, List<String> domains, List<Route> routes) {
    this(name, domains, routes, false);
  }

  /** The first route whose match accepts the request, or null. */
  public Route select(RequestView request) {
    return select(request, RandomSource.threadLocal());
  }

  public Route select(RequestView request, RandomSource random) {
    for (int i = 0; i < routes.size(); i++) {
      Route route = routes.get(i);
      if (route.match().matches(request, random)) {
        return route;
      }
    }
    return null;
  }
}
