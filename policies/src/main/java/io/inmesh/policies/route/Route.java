package io.inmesh.policies.route;

import io.inmesh.policies.header.HeaderMutations;

/**
 * {@code config.route.v3.Route}.
 *
 * @param name {@code name} (may be empty)
 * @param match {@code match}
 * @param action {@code route}, {@code redirect} or {@code direct_response}
 * @param requestHeaders the route's {@code request_headers_to_add/remove} merged with its virtual
 *     host's and route configuration's (see {@link HeaderMutations}); a weighted cluster with its
 *     own mutations carries its own merged copy
 * @param responseHeaders the same for {@code response_headers_to_add/remove}; also applied to
 *     redirects and direct responses, as Envoy does
 * @param session {@code typed_per_filter_config} of {@code envoy.filters.http.stateful_session}:
 *     {@link SessionAffinity.Override#INHERIT} when the route says nothing
 * @param policies retries, per-route fault and rate limit configs, rate limit descriptors
 */
public record Route(String name, RouteMatch match, RouteAction action,
    HeaderMutations requestHeaders, HeaderMutations responseHeaders,
    SessionAffinity.Override session, RoutePolicies policies) {

  public Route {
    if (session == null) {
      session = SessionAffinity.Override.INHERIT;
    }
    if (policies == null) {
      policies = RoutePolicies.NONE;
    }
  }

  public Route(String name, RouteMatch match, RouteAction action,
      HeaderMutations requestHeaders, HeaderMutations responseHeaders,
      SessionAffinity.Override session) {
    this(name, match, action, requestHeaders, responseHeaders, session, RoutePolicies.NONE);
  }

  public Route(String name, RouteMatch match, RouteAction action) {
    this(name, match, action, HeaderMutations.NONE, HeaderMutations.NONE,
        SessionAffinity.Override.INHERIT, RoutePolicies.NONE);
  }
}
