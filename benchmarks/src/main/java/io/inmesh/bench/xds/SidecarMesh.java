package io.inmesh.bench.xds;

import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.inmesh.examples.controlplane.IstiodShapes;
import io.inmesh.examples.controlplane.SidecarShapes;
import io.inmesh.examples.controlplane.XdsResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A whole mesh of {@code services} Kubernetes services in 20 namespaces, 10 pods each, as istiod
 * sends it to one client in namespace {@code ns-0}: in the sidecar shape (everything, wildcard,
 * with the inbound parts a client ignores, and the NDS name table) or in the proxyless shape (one
 * listener and route configuration per {@code host:port} target).
 *
 * <p>Service {@code i}: HTTP on 9080 (6 in 10) or 8080 (2 in 10), TCP on 5432 or 6379 (2 in 10,
 * a {@code VIP_PORT} listener with {@code tcp_proxy}); subsets {@code v1}/{@code v2} and a
 * VirtualService for one in 5 services (HTTP: a header route to v2 and a 90/10 split) and one in
 * 20 (TCP: a 90/10 weighted {@code tcp_proxy}); a DestinationRule with outlier detection and
 * breakers on one in 3. VIPs are 127.96.x.y and pod IPs 127.100.x.y: loopback, never dialled.
 *
 * <p>A generation changes one service, {@link #changed()}, in RDS (its split), CDS (its outlier
 * detection) and EDS (one pod moves); a state-of-the-world server re-sends every resource anyway.
 */
record SidecarMesh(int services) {

  static final String CLIENT_NAMESPACE = "ns-0";
  static final int ENDPOINTS_PER_SERVICE = 10;
  private static final int NAMESPACES = 20;

  SidecarMesh {
    if (services < 15 || services > 6000) {
      throw new IllegalArgumentException("15 to 6000 services, not " + services);
    }
  }

  // ---- the services ----

  static String host(int i) {
    return "svc-" + i + ".ns-" + i % NAMESPACES + ".svc.cluster.local";
  }

  static int port(int i) {
    return switch (i % 10) {
      case 6, 7 -> 8080;
      case 8 -> 5432;
      case 9 -> 6379;
      default -> 9080;
    };
  }

  static boolean tcp(int i) {
    return i % 10 >= 8;
  }

  static boolean subsets(int i) {
    return i % 5 == 0 || i % 20 == 8;
  }

  static boolean destinationRule(int i) {
    return i % 3 == 0;
  }

  static String vip(int i) {
    return "127.96." + (i >> 8) + "." + (i & 255);
  }

  static String defaultCluster(int i) {
    return clusterName(host(i), port(i), "");
  }

  /** The service a generation changes: HTTP, with subsets and a DestinationRule. */
  int changed() {
    return (services - 1) / 15 * 15;
  }

  /** The v1 weight of {@link #changed()}'s split in a generation. */
  static int v1Weight(int generation) {
    return 90 - generation % 10;
  }

  /** {@link #changed()}'s {@code consecutive_5xx} in a generation. */
  static int consecutive5xx(int generation) {
    return 5 + generation;
  }

  /** The address of {@link #changed()}'s last pod in a generation (it moves every time). */
  String movedPodIp(int generation) {
    return generation == 0 ? podIp(changed() * ENDPOINTS_PER_SERVICE + ENDPOINTS_PER_SERVICE - 1)
        : "127.101." + (generation >> 8) + "." + (generation & 255);
  }

  private static String podIp(int n) {
    return "127." + (100 + (n >> 16)) + "." + ((n >> 8) & 255) + "." + (n & 255);
  }

  // ---- what a client should end up with ----

  int tcpServices() {
    int n = 0;
    for (int i = 0; i < services; i++) {
      n += tcp(i) ? 1 : 0;
    }
    return n;
  }

  int subsetServices() {
    int n = 0;
    for (int i = 0; i < services; i++) {
      n += subsets(i) ? 1 : 0;
    }
    return n;
  }

  int edsClusters() {
    int n = 0;
    for (int i = 0; i < services; i++) {
      n += subsets(i) ? 3 : 1;
    }
    return n;
  }

  /** Virtual hosts per HTTP port (without {@code allow_any}). */
  Map<Integer, Integer> virtualHostsByPort() {
    Map<Integer, Integer> counts = new TreeMap<>();
    for (int i = 0; i < services; i++) {
      if (!tcp(i)) {
        counts.merge(port(i), 1, Integer::sum);
      }
    }
    return counts;
  }

  // ---- resources ----

  /**
   * Everything istiod's sidecar generator sends: wildcard LDS and CDS (with the inbound parts a
   * client ignores), RDS per port, EDS. The name table is {@link #nameTable()}.
   */
  XdsResources sidecar(int generation) {
    List<Listener> lds = new ArrayList<>();
    Map<Integer, List<VirtualHost>> rds = new TreeMap<>();
    for (int i = 0; i < services; i++) {
      int port = port(i);
      if (tcp(i)) {
        lds.add(subsets(i)
            ? IstiodPolicies.weightedTcpListener(vip(i), port, defaultCluster(i),
                subsetCluster(i, "v1"), 90, subsetCluster(i, "v2"))
            : SidecarShapes.tcpListener(vip(i), port, defaultCluster(i), List.of()));
      } else {
        rds.computeIfAbsent(port, p -> {
          lds.add(SidecarShapes.httpListener(p, List.of()));
          return new ArrayList<>();
        }).add(virtualHost(i, generation));
      }
    }
    lds.add(SidecarShapes.virtualOutbound());
    lds.add(SidecarShapes.virtualInbound());
    List<RouteConfiguration> routes = new ArrayList<>();
    rds.forEach((port, hosts) -> routes.add(SidecarShapes.routeConfig(port, hosts)));
    List<Cluster> cds = new ArrayList<>(clusters(generation));
    cds.add(SidecarShapes.passthroughCluster());
    cds.add(SidecarShapes.blackHoleCluster());
    cds.add(SidecarShapes.inboundPassthroughCluster());
    cds.add(SidecarShapes.inboundCluster(9080));
    return new XdsResources(lds, routes, cds, endpoints(generation));
  }

  /** Istio's NDS name table: every service's FQDN and its VIP. */
  Any nameTable() {
    Map<String, SidecarShapes.NameInfo> table = new TreeMap<>();
    for (int i = 0; i < services; i++) {
      table.put(host(i), SidecarShapes.NameInfo.kubernetes(host(i), vip(i)));
    }
    return SidecarShapes.nameTable(table);
  }

  /**
   * The proxyless shape of the same mesh: per service an api_listener {@code host:port} whose
   * HTTP connection manager names route configuration {@code outbound|PORT||HOST} of one virtual
   * host; the same clusters and endpoints (istiod's grpc generator sends fewer cluster fields).
   */
  XdsResources proxyless(int generation) {
    List<Listener> lds = new ArrayList<>();
    List<RouteConfiguration> routes = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      lds.add(IstiodShapes.listener(host(i), port(i)));
      routes.add(RouteConfiguration.newBuilder()
          .setName(IstiodShapes.routeConfigName(host(i), port(i)))
          .addVirtualHosts(virtualHost(i, generation)).build());
    }
    return new XdsResources(lds, routes, clusters(generation), endpoints(generation));
  }

  /** The targets a proxyless client watches: every service as {@code host:port}. */
  List<String> targets() {
    List<String> targets = new ArrayList<>(services);
    for (int i = 0; i < services; i++) {
      targets.add(host(i) + ":" + port(i));
    }
    return targets;
  }

  /**
   * The service's virtual host ({@link SidecarShapes#virtualHost}: its names, short ones
   * included, and its VIP, each bare and with the port): one route to the service, or a
   * VirtualService's header route to v2 and its split.
   */
  private VirtualHost virtualHost(int i, int generation) {
    String operation = host(i) + ":" + port(i) + "/*";
    List<Route> routes = new ArrayList<>();
    if (subsets(i)) {
      int v1 = i == changed() ? v1Weight(generation) : 90;
      routes.add(IstiodPolicies.route("svc-" + i + "-jason",
          RouteMatch.newBuilder().setPrefix("/").addHeaders(HeaderMatcher.newBuilder()
              .setName("end-user").setStringMatch(StringMatcher.newBuilder().setExact("jason")))
              .build(),
          RouteAction.newBuilder().setCluster(subsetCluster(i, "v2")), operation));
      routes.add(IstiodPolicies.route("svc-" + i + "-split",
          RouteMatch.newBuilder().setPrefix("/").build(),
          RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
              .addClusters(IstiodShapes.weight(subsetCluster(i, "v1"), v1))
              .addClusters(IstiodShapes.weight(subsetCluster(i, "v2"), 100 - v1))),
          operation));
    } else {
      routes.add(IstiodPolicies.route("default", RouteMatch.newBuilder().setPrefix("/").build(),
          RouteAction.newBuilder().setCluster(defaultCluster(i)), operation));
    }
    return SidecarShapes.virtualHost(host(i), port(i), vip(i), routes);
  }

  private static String subsetCluster(int i, String subset) {
    return clusterName(host(i), port(i), subset);
  }

  private List<Cluster> clusters(int generation) {
    List<Cluster> cds = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      OutlierDetection outlier = null;
      CircuitBreakers.Thresholds breakers = null;
      if (destinationRule(i)) {
        outlier = IstiodPolicies.outlierDetection(
            i == changed() ? consecutive5xx(generation) : 5);
        breakers = IstiodPolicies.breakers(100, 10, 100, 3);
      }
      String namespace = "ns-" + i % NAMESPACES;
      for (String subset : subsets(i) ? List.of("", "v1", "v2") : List.of("")) {
        cds.add(IstiodPolicies.withIstioMutualTls(
            SidecarShapes.edsCluster(host(i), port(i), subset, breakers, outlier),
            host(i), namespace, port(i)));
      }
    }
    return cds;
  }

  private List<ClusterLoadAssignment> endpoints(int generation) {
    List<ClusterLoadAssignment> eds = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      List<String> ips = new ArrayList<>();
      List<String> workloads = new ArrayList<>();
      String namespace = "ns-" + i % NAMESPACES;
      for (int e = 0; e < ENDPOINTS_PER_SERVICE; e++) {
        boolean moved = i == changed() && e == ENDPOINTS_PER_SERVICE - 1;
        ips.add(moved ? movedPodIp(generation) : podIp(i * ENDPOINTS_PER_SERVICE + e));
        String version = e < ENDPOINTS_PER_SERVICE / 2 ? "v1" : "v2";
        workloads.add("svc-" + i + "-" + version + ";" + namespace + ";svc-" + i + ";" + version
            + ";Kubernetes");
      }
      eds.add(IstiodPolicies.endpoints(defaultCluster(i), ips, port(i), workloads));
      if (subsets(i)) {
        int half = ENDPOINTS_PER_SERVICE / 2;
        eds.add(IstiodPolicies.endpoints(subsetCluster(i, "v1"), ips.subList(0, half), port(i),
            workloads.subList(0, half)));
        eds.add(IstiodPolicies.endpoints(subsetCluster(i, "v2"),
            ips.subList(half, ENDPOINTS_PER_SERVICE), port(i),
            workloads.subList(half, ENDPOINTS_PER_SERVICE)));
      }
    }
    return eds;
  }
}
