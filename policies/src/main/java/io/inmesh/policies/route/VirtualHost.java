package io.inmesh.policies.route;

import io.inmesh.policies.RequestView;
import java.util.List;

/** {@code config.route.v3.VirtualHost}: routes tried in order, first match wins. */
public record VirtualHost(String name, List<String> domains, List<Route> routes) {

  public VirtualHost {
    domains = List.copyOf(domains);
    routes = List.copyOf(routes);
  }

  /** The first route whose match accepts the request, or null. */
  public Route select(RequestView request) {
    for (int i = 0; i < routes.size(); i++) {
      Route route = routes.get(i);
      if (route.match().matches(request)) {
        return route;
      }
    }
    return null;
  }
}
