package io.inmesh.policies.route;

/** {@code config.route.v3.Route} with a route action (the only kind the first cut serves). */
public record Route(String name, RouteMatch match, RouteAction action) {}
