package io.inmesh.xds.resource;

import io.inmesh.policies.HttpFilters;
import io.inmesh.policies.route.SessionAffinity;
import io.inmesh.policies.route.TraceSampling;
import java.util.List;

/**
 * A parsed proxyless listener: where its routes come from, and its HTTP filters.
 *
 * @param name the listener name (the target, {@code host:port})
 * @param rdsName {@code rds.route_config_name}, or null when the routes are inline
 * @param inlineRoutes the inline {@code route_config}, or null when RDS names them
 * @param httpFilters the type URLs of the HTTP filters, in order (router, stateful_session, fault
 *     and local_ratelimit are applied; RBAC is known but not applied)
 * @param sessionAffinity the {@code stateful_session} filter's session state, or null
 * @param filters the fault and local rate limit filters, in order, with their configs
 * @param traceSampling the HttpConnectionManager's {@code tracing} sampling, or null without
 *     {@code tracing}
 */
public record ListenerUpdate(String name, String rdsName, RouteConfigUpdate inlineRoutes,
    List<String> httpFilters, SessionAffinity sessionAffinity, HttpFilters filters,
    TraceSampling traceSampling) {

  public ListenerUpdate(String name, String rdsName, RouteConfigUpdate inlineRoutes,
      List<String> httpFilters, SessionAffinity sessionAffinity, HttpFilters filters) {
    this(name, rdsName, inlineRoutes, httpFilters, sessionAffinity, filters, null);
  }

  public ListenerUpdate(String name, String rdsName, RouteConfigUpdate inlineRoutes,
      List<String> httpFilters, SessionAffinity sessionAffinity) {
    this(name, rdsName, inlineRoutes, httpFilters, sessionAffinity, HttpFilters.NONE);
  }

  public ListenerUpdate {
    if (filters == null) {
      filters = HttpFilters.NONE;
    }
    httpFilters = List.copyOf(httpFilters);
    if ((rdsName == null) == (inlineRoutes == null)) {
      throw new IllegalArgumentException("exactly one of rdsName and inlineRoutes must be set");
    }
  }
}
