package io.inmesh.policies.resilience;

import io.inmesh.policies.HttpFilters;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.CircuitBreakers;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.LoadAssignment;
import io.inmesh.policies.cluster.OutlierDetection;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import io.inmesh.policies.header.HeaderMutations;
import io.inmesh.policies.route.ClusterSpecifier;
import io.inmesh.policies.route.PathMatcher;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteAction;
import io.inmesh.policies.route.RouteMatch;
import io.inmesh.policies.route.RoutePolicies;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.VirtualHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A one-cluster mesh for the resilience tests. */
final class Mesh {

  final ClusterState state;
  final MeshSnapshot snapshot;
  final RouteTable table;

  Mesh(int hosts, CircuitBreakers breakers, OutlierDetection outliers, RoutePolicies policies,
      HttpFilters filters) {
    List<Endpoint> eps = new ArrayList<>();
    for (int i = 0; i < hosts; i++) {
      eps.add(new Endpoint("10.0.0." + (i + 1), 8080, 1, HealthStatus.HEALTHY));
    }
    UpstreamCluster cluster = new UpstreamCluster("c", "c", LbPolicy.ROUND_ROBIN,
        UpstreamCluster.LbConfig.DEFAULT, breakers, outliers);
    state = ClusterState.of(cluster, LoadAssignment.of(eps), null);
    snapshot = new MeshSnapshot(Map.of(), Map.of("c", state), 1);
    Route route = new Route("r", new RouteMatch(new PathMatcher.Prefix("/", true), List.of()),
        RouteAction.Forward.to(new ClusterSpecifier.ToCluster("c")), HeaderMutations.NONE,
        HeaderMutations.NONE, null, policies);
    table = new RouteTable("t", List.of(new VirtualHost("vh", List.of("*"), List.of(route))),
        false, null, filters);
  }

  Mesh(int hosts, RoutePolicies policies) {
    this(hosts, null, null, policies, HttpFilters.PER_ROUTE);
  }
}
