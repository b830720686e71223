package io.inmesh.bench.jmh;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.LoadAssignment;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.route.ClusterSpecifier;
import io.inmesh.policies.route.HeaderMatcher;
import io.inmesh.policies.route.PathMatcher;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteAction;
import io.inmesh.policies.route.RouteMatch;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A realistic route table for the hot path: 100 virtual hosts of 10 routes (1,000 routes; path
 * prefixes, every fourth with an exact header match, each an 80/20 weighted split over two of 100
 * clusters) and 50 endpoints per cluster, as one sidecar-mode route configuration would hold.
 */
final class RoutingFixture {

  static final int VIRTUAL_HOSTS = 100;
  static final int ROUTES_PER_HOST = 10;
  static final int CLUSTERS = 100;
  static final int ENDPOINTS_PER_CLUSTER = 50;

  final RouteTable table;
  final MeshSnapshot snapshot;

  RoutingFixture() {
    List<VirtualHost> hosts = new ArrayList<>();
    for (int h = 0; h < VIRTUAL_HOSTS; h++) {
      List<Route> routes = new ArrayList<>();
      for (int r = 0; r < ROUTES_PER_HOST; r++) {
        List<HeaderMatcher> headers = r % 4 == 0
            ? List.of(HeaderMatcher.ofString("x-tenant", HeaderMatcher.Kind.EXACT, "tenant-" + r,
                false, false))
            : List.of();
        int first = (h * ROUTES_PER_HOST + r) % CLUSTERS;
        routes.add(new Route("route-" + h + "-" + r,
            new RouteMatch(new PathMatcher.Prefix("/api/v1/items-" + r + "/", true), headers),
            RouteAction.Forward.to(ClusterSpecifier.WeightedClusters.of(List.of(
                new ClusterSpecifier.WeightedCluster(cluster(first), 80),
                new ClusterSpecifier.WeightedCluster(cluster((first + 1) % CLUSTERS), 20))))));
      }
      String host = "svc-" + h + ".default.svc.cluster.local";
      hosts.add(new VirtualHost("vh-" + h, List.of(host, host + ":8080"), routes));
    }
    this.table = new RouteTable("outbound|8080||mesh", hosts);

    Map<String, ClusterState> clusters = new HashMap<>();
    for (int c = 0; c < CLUSTERS; c++) {
      List<Endpoint> endpoints = new ArrayList<>();
      for (int e = 0; e < ENDPOINTS_PER_CLUSTER; e++) {
        int n = c * ENDPOINTS_PER_CLUSTER + e;
        endpoints.add(new Endpoint("127.96." + (n >> 8) + "." + (n & 255), 8080, 1,
            HealthStatus.HEALTHY));
      }
      UpstreamCluster upstream = new UpstreamCluster(cluster(c), cluster(c),
          UpstreamCluster.LbPolicy.ROUND_ROBIN);
      clusters.put(cluster(c), ClusterState.of(upstream, LoadAssignment.of(endpoints), null));
    }
    this.snapshot = new MeshSnapshot(Map.of("svc-50.default.svc.cluster.local:8080", table),
        clusters, 1);
  }

  static String cluster(int index) {
    return "outbound|8080|s" + index + "|mesh";
  }

  /** A request as an HTTP client advice would present it. */
  record Request(String authority, String path, Map<String, String> headers)
      implements RequestView {
    @Override
    public String header(String lowerCaseName) {
      return headers.get(lowerCaseName);
    }
  }
}
