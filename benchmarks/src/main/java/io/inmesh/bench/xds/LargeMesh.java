package io.inmesh.bench.xds;

import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.routeConfigName;
import static io.inmesh.examples.controlplane.IstiodShapes.weight;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.inmesh.examples.controlplane.IstiodShapes;
import io.inmesh.examples.controlplane.XdsResources;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A large mesh behind one target, as istiod would send it: one listener, one route configuration
 * of {@code virtualHosts} hosts with {@code routesPerHost} routes each (path prefixes, every fourth
 * with a header match, each a weighted split over two clusters), and {@code clusters} EDS clusters
 * of {@code endpointsPerCluster} endpoints.
 *
 * <p>Endpoint addresses are fake 127.96.0.0/15 loopback addresses; nothing ever dials them.
 */
public record LargeMesh(int virtualHosts, int routesPerHost, int clusters,
    int endpointsPerCluster) {

  public static final String HOST = "catalog.default.svc.cluster.local";
  public static final int PORT = 8080;

  public String target() {
    return HOST + ":" + PORT;
  }

  public int routes() {
    return virtualHosts * routesPerHost;
  }

  public int endpoints() {
    return clusters * endpointsPerCluster;
  }

  /**
   * @param routeGeneration changes every route's weights
   * @param endpointGeneration changes every endpoint's port
   */
  public XdsResources resources(int routeGeneration, int endpointGeneration) {
    List<Cluster> cds = new ArrayList<>();
    List<ClusterLoadAssignment> eds = new ArrayList<>();
    for (int c = 0; c < clusters; c++) {
      cds.add(IstiodShapes.cluster(HOST, PORT, subset(c)));
      eds.add(IstiodShapes.endpoints(clusterName(HOST, PORT, subset(c)),
          addresses(c, endpointGeneration)));
    }
    return new XdsResources(List.of(IstiodShapes.listener(HOST, PORT)),
        List.of(routeConfiguration(routeGeneration)), cds, eds);
  }

  private RouteConfiguration routeConfiguration(int generation) {
    RouteConfiguration.Builder config =
        RouteConfiguration.newBuilder().setName(routeConfigName(HOST, PORT));
    for (int h = 0; h < virtualHosts; h++) {
      VirtualHost.Builder host = VirtualHost.newBuilder().setName("vh-" + h);
      if (h == 0) {
        host.addAllDomains(IstiodShapes.domains(HOST, PORT));
      } else {
        host.addDomains("svc-" + h + ".default.svc.cluster.local")
            .addDomains("svc-" + h + ".default.svc.cluster.local:" + PORT);
      }
      for (int r = 0; r < routesPerHost; r++) {
        host.addRoutes(route(h, r, generation));
      }
      config.addVirtualHosts(host);
    }
    return config.build();
  }

  private Route route(int host, int index, int generation) {
    RouteMatch.Builder match = RouteMatch.newBuilder().setPrefix("/api/v1/items-" + index + "/");
    if (index % 4 == 0) {
      match.addHeaders(HeaderMatcher.newBuilder().setName("x-tenant")
          .setStringMatch(StringMatcher.newBuilder().setExact("tenant-" + index)));
    }
    int first = (host * routesPerHost + index) % clusters;
    int stable = stableWeight(generation);
    return Route.newBuilder()
        .setName("route-" + host + "-" + index)
        .setMatch(match)
        .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(weight(clusterName(HOST, PORT, subset(first)), stable))
            .addClusters(weight(clusterName(HOST, PORT, subset((first + 1) % clusters)),
                100 - stable))))
        .build();
  }

  private List<InetSocketAddress> addresses(int cluster, int generation) {
    List<InetSocketAddress> addresses = new ArrayList<>(endpointsPerCluster);
    for (int e = 0; e < endpointsPerCluster; e++) {
      int n = cluster * endpointsPerCluster + e;
      String ip = "127." + (96 + (n >> 16)) + "." + ((n >> 8) & 255) + "." + (n & 255);
      addresses.add(InetSocketAddress.createUnresolved(ip, endpointPort(generation)));
    }
    return addresses;
  }

  /** The weight of every route's first cluster in a route generation. */
  public static int stableWeight(int generation) {
    return 90 - generation % 10;
  }

  /** The port of every endpoint in an endpoint generation. */
  public static int endpointPort(int generation) {
    return 20000 + generation;
  }

  private static String subset(int cluster) {
    return "s" + cluster;
  }
}
