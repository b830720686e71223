package io.inmesh.policies;

import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.RoundRobin;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.VirtualHost;
import java.util.concurrent.ThreadLocalRandom;

/** Routes one request through a snapshot: virtual host, route, weighted cluster, endpoint. */
public final class Router {

  private Router() {}

  /**
   * Routes a request to a target that has a route table.
   *
   * @param table the route configuration of the target's listener
   */
  public static Routing route(MeshSnapshot snapshot, RouteTable table, RequestView request) {
    VirtualHost vhost = table.select(request.authority());
    if (vhost == null) {
      return new Routing(Routing.Result.NO_ROUTE, null, null, null);
    }
    Route route = vhost.select(request);
    if (route == null) {
      return new Routing(Routing.Result.NO_ROUTE, null, null, null);
    }
    String cluster = route.action().pickCluster(
        ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE));
    RoundRobin endpoints = snapshot.endpointsByCluster().get(cluster);
    Endpoint endpoint = endpoints == null ? null : endpoints.next();
    if (endpoint == null) {
      return new Routing(Routing.Result.NO_HEALTHY_UPSTREAM, route.name(), cluster, null);
    }
    return new Routing(Routing.Result.ROUTED, route.name(), cluster, endpoint);
  }
}
