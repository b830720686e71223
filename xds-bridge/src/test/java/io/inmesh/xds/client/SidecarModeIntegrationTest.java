package io.inmesh.xds.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.inmesh.examples.controlplane.IstiodShapes;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.ObservedRequest;
import io.inmesh.examples.controlplane.SidecarShapes;
import io.inmesh.examples.controlplane.SidecarShapes.NameInfo;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.listener.Cidr;
import io.inmesh.policies.listener.FilterChain;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.xds.bootstrap.Bootstrap;
import io.inmesh.xds.bootstrap.BootstrapParser;
import io.inmesh.xds.resource.ClusterResourceType;
import io.inmesh.xds.resource.ListenerResourceType;
import io.inmesh.xds.resource.NameTableResourceType;
import io.inmesh.xds.resource.RouteConfigResourceType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sidecar mode against a real in-process java-control-plane answering like istiod
 * ({@link LocalControlPlane}), serving a small Bookinfo in the shape istiod gives an Envoy sidecar
 * ({@link SidecarShapes}): HTTP services on {@code 0.0.0.0_9080} with RDS {@code 9080}, a TCP
 * database on {@code 127.96.0.15_5432} with a network local rate limit, EnvoyFilter-style HTTP
 * rate limit, Istio's own filters, inbound parts, {@code virtualOutbound}, Passthrough and
 * BlackHole clusters, and the NDS name table.
 */
class SidecarModeIntegrationTest {

  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String RATINGS = "ratings.default.svc.cluster.local";
  private static final String DETAILS = "details.default.svc.cluster.local";
  private static final String DB = "db.default.svc.cluster.local";
  private static final String REVIEWS_VIP = "127.96.0.11";
  private static final String RATINGS_VIP = "127.96.0.12";
  private static final String DETAILS_VIP = "127.96.0.13";
  private static final String DB_VIP = "127.96.0.15";
  private static final String REVIEWS_V1 = IstiodShapes.clusterName(REVIEWS, 9080, "v1");
  private static final String REVIEWS_V2 = IstiodShapes.clusterName(REVIEWS, 9080, "v2");
  private static final String RATINGS_CLUSTER = IstiodShapes.clusterName(RATINGS, 9080, "");
  private static final String DETAILS_CLUSTER = IstiodShapes.clusterName(DETAILS, 9080, "");
  private static final String DB_CLUSTER = IstiodShapes.clusterName(DB, 5432, "");

  private LocalControlPlane server;
  private XdsClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Bootstrap sidecarBootstrap(String serverUri) throws Exception {
    return new BootstrapParser().parse("""
        {"xds_servers": [{"server_uri": "%s", "channel_creds": [{"type": "insecure"}],
          "server_features": ["xds_v3"]}],
         "node": {"id": "sidecar~127.0.0.5~productpage-7d4f.default~default.svc.cluster.local",
                  "metadata": {"NAMESPACE": "default", "DNS_CAPTURE": "true"}},
         "certificate_providers": {"default": {"plugin_name": "file_watcher", "config": {
           "certificate_file": "/var/lib/istio/data/cert-chain.pem",
           "private_key_file": "/var/lib/istio/data/key.pem",
           "ca_certificate_file": "/var/lib/istio/data/root-cert.pem"}}}}
        """.formatted(serverUri), "test");
  }

  private static OutlierDetection outliers() {
    return OutlierDetection.newBuilder()
        .setConsecutive5Xx(UInt32Value.of(3))
        .setInterval(Duration.newBuilder().setSeconds(10))
        .setBaseEjectionTime(Duration.newBuilder().setSeconds(30))
        .setMaxEjectionPercent(UInt32Value.of(100))
        .build();
  }

  private static CircuitBreakers.Thresholds breakers() {
    return CircuitBreakers.Thresholds.newBuilder()
        .setPriority(RoutingPriority.DEFAULT)
        .setMaxConnections(UInt32Value.of(10))
        .setMaxPendingRequests(UInt32Value.of(5))
        .setMaxRequests(UInt32Value.of(20))
        .setMaxRetries(UInt32Value.of(3))
        .build();
  }

  private static List<Listener> listeners(Listener tcp) {
    return List.of(
        SidecarShapes.httpListener(9080, List.of(SidecarShapes.httpLocalRateLimit(10, 60))),
        tcp, SidecarShapes.virtualOutbound(), SidecarShapes.virtualInbound());
  }

  private static Listener dbListener() {
    return SidecarShapes.tcpListener(DB_VIP, 5432, DB_CLUSTER,
        List.of(SidecarShapes.networkLocalRateLimit(2, 60)));
  }

  private static RouteConfiguration routes(String ratingsCluster) {
    return SidecarShapes.routeConfig(9080, List.of(
        SidecarShapes.virtualHost(REVIEWS, 9080, REVIEWS_VIP, List.of(
            IstiodShapes.headerRoute("jason", "end-user", "jason", REVIEWS_V2),
            IstiodShapes.defaultRoute(List.of(IstiodShapes.weight(REVIEWS_V1, 90),
                IstiodShapes.weight(REVIEWS_V2, 10))))),
        SidecarShapes.virtualHost(RATINGS, 9080, RATINGS_VIP,
            List.of(IstiodShapes.defaultRoute(ratingsCluster))),
        SidecarShapes.virtualHost(DETAILS, 9080, DETAILS_VIP,
            List.of(IstiodShapes.defaultRoute(DETAILS_CLUSTER)))));
  }

  private static List<Cluster> clusters() {
    return List.of(
        SidecarShapes.edsCluster(REVIEWS, 9080, "v1", breakers(), outliers()),
        SidecarShapes.edsCluster(REVIEWS, 9080, "v2", breakers(), outliers()),
        SidecarShapes.edsCluster(RATINGS, 9080, "", null, null),
        SidecarShapes.edsCluster(DETAILS, 9080, "", null, null),
        SidecarShapes.edsCluster(DB, 5432, "", null, null),
        SidecarShapes.passthroughCluster(), SidecarShapes.blackHoleCluster(),
        SidecarShapes.inboundPassthroughCluster(), SidecarShapes.inboundCluster(9080));
  }

  private static List<ClusterLoadAssignment> endpoints(String reviewsV1Endpoint) {
    return List.of(
        IstiodShapes.endpoints(REVIEWS_V1, reviewsV1Endpoint),
        IstiodShapes.endpoints(REVIEWS_V2, "127.0.0.22:9080"),
        IstiodShapes.endpoints(RATINGS_CLUSTER, "127.0.0.31:9080"),
        IstiodShapes.endpoints(DETAILS_CLUSTER, "127.0.0.41:9080"),
        IstiodShapes.endpoints(DB_CLUSTER, "127.0.0.51:5432"));
  }

  private void publish(String version, Listener tcp, String ratingsCluster,
      String reviewsV1Endpoint) {
    server.setResources(version, listeners(tcp), List.of(routes(ratingsCluster)), clusters(),
        endpoints(reviewsV1Endpoint));
  }

  private static Map<String, NameInfo> names() {
    Map<String, NameInfo> table = new LinkedHashMap<>();
    table.put(REVIEWS, NameInfo.kubernetes(REVIEWS, REVIEWS_VIP));
    table.put(RATINGS, NameInfo.kubernetes(RATINGS, RATINGS_VIP));
    table.put(DETAILS, NameInfo.kubernetes(DETAILS, DETAILS_VIP));
    table.put(DB, NameInfo.kubernetes(DB, DB_VIP));
    return table;
  }

  private void start() throws Exception {
    server = LocalControlPlane.onLoopback().start();
    server.setNameTable("1", SidecarShapes.nameTable(names()));
    publish("1", dbListener(), RATINGS_CLUSTER, "127.0.0.21:9080");
    client = XdsClient.start(sidecarBootstrap(server.serverUri()), XdsClientSettings.defaults()
        .withResourceTimeout(java.time.Duration.ofSeconds(5)));
  }

  private static byte[] ip(String literal) {
    return Cidr.literal(literal);
  }

  @Test
  void resolvesHttpAndTcpAsEnvoyWouldWithoutNacks() throws Exception {
    start();
    assertEquals(XdsMode.SIDECAR, client.mode(), "no GENERATOR: istiod's sidecar shape");
    assertEquals(TargetState.RESOLVED, client.awaitTarget("reviews:9080"));
    MeshSnapshot s = client.snapshot();
    assertEquals(0, client.stats().nacks(), client.stats().lastNackReason());

    // Wildcard LDS and CDS (empty resource_names), NDS asked for.
    List<ObservedRequest> requests = server.receivedRequests();
    assertTrue(requests.stream().anyMatch(r -> r.typeUrl().equals(ListenerResourceType.TYPE_URL)
        && r.resourceNames().isEmpty()), "wildcard LDS");
    assertTrue(requests.stream().anyMatch(r -> r.typeUrl().equals(ClusterResourceType.TYPE_URL)
        && r.resourceNames().isEmpty()), "wildcard CDS");

    // HTTP: the port's listener, its RDS, the virtual host by authority (name, short name, VIP).
    RouteTable reviews = s.httpRoutes("reviews:9080", "reviews", 9080);
    assertNotNull(reviews);
    assertEquals("9080", reviews.name());
    assertEquals(REVIEWS + ":9080", reviews.select("reviews:9080").name());
    assertEquals(REVIEWS + ":9080", reviews.select(REVIEWS_VIP + ":9080").name());
    assertEquals(RATINGS + ":9080", reviews.select("ratings.default:9080").name());
    assertEquals(List.of("jason", "default"), reviews.select("reviews:9080").routes().stream()
        .map(io.inmesh.policies.route.Route::name).toList());
    assertNotNull(reviews.filters().rateLimit(), "the EnvoyFilter (TypedStruct) local rate limit");
    assertSame(reviews, s.httpRoutes("x", REVIEWS_VIP, 9080), "by VIP: the same table");
    // An unknown host on the port: allow_any, to PassthroughCluster, which passes through.
    assertEquals("allow_any", reviews.select("example.com:9080").name());
    assertTrue(s.listeners().passthrough(SidecarShapes.PASSTHROUGH));
    // No listener for the port at all: not the mesh's (the runtime passes it through).
    assertNull(s.httpRoutes("example.com:8443", "example.com", 8443));

    // TCP: the VIP's listener, its tcp_proxy, the network rate limit (2 connections).
    FilterChain db = s.listeners().tcpChain(ip(DB_VIP), 5432);
    assertNotNull(db);
    assertEquals(DB_CLUSTER, db.tcpProxy().cluster());
    assertEquals(2, db.connectionLimit().tokens(System.nanoTime()));
    // Anything else: virtualOutbound's passthrough chain; its own port: the black hole.
    assertEquals(SidecarShapes.PASSTHROUGH,
        s.listeners().tcpChain(ip("127.1.2.3"), 7777).tcpProxy().cluster());
    assertEquals(SidecarShapes.BLACK_HOLE,
        s.listeners().tcpChain(ip("127.1.2.3"), 15001).tcpProxy().cluster());

    // NDS: names (and the same namespace's short names) resolve to the VIPs.
    assertEquals(DB_VIP + "/32", new Cidr(s.listeners().names().firstAddress(DB), 32).toString());
    assertEquals(DB_VIP + "/32", new Cidr(s.listeners().names().firstAddress("db"), 32)
        .toString());
    assertSame(reviews, s.httpRoutes("ratings:9080", "ratings", 9080));

    // Clusters: every one with endpoints; breakers and outlier detection kept; the black hole
    // has none; inbound and ORIGINAL_DST clusters are not routable clusters.
    ClusterState v1 = s.clusters().get(REVIEWS_V1);
    assertNotNull(v1.cluster().outlierDetection());
    assertEquals(20, v1.cluster().circuitBreakers().maxRequests());
    assertEquals(List.of(), s.clusters().get(SidecarShapes.BLACK_HOLE).endpoints());
    assertNull(s.clusters().get("inbound|9080||"));
    assertNull(s.clusters().get(SidecarShapes.PASSTHROUGH));
    assertEquals(6, s.clusters().size(), s.clusters().keySet().toString());
    assertEquals(2, s.listeners().listeners().size(), "inbound ignored, virtualOutbound apart");
  }

  @Test
  void aBadResourceIsNackedAndKeepsItsLastGoodValueWhileTheRestApplies() throws Exception {
    start();
    assertEquals(TargetState.RESOLVED, client.awaitTarget("db:5432"));
    // Version 2: the db listener is broken (tcp_proxy without a cluster); ratings moves.
    Listener broken = dbListener().toBuilder().setFilterChains(0, dbListener().getFilterChains(0)
        .toBuilder().setFilters(3, SidecarShapes.networkFilter("envoy.filters.network.tcp_proxy",
            com.google.protobuf.Any.pack(TcpProxy.newBuilder().setStatPrefix("x").build()))))
        .build();
    publish("2", broken, DETAILS_CLUSTER, "127.0.0.21:9080");
    eventually(() -> client.stats().nacks() > 0, "a NACK");
    assertTrue(client.stats().lastNackReason().contains(DB_VIP + "_5432"),
        client.stats().lastNackReason());
    eventually(() -> {
      RouteTable t = client.snapshot().httpRoutes("ratings:9080", "ratings", 9080);
      return t != null && t.select("ratings:9080").routes().get(0).toString()
          .contains(DETAILS_CLUSTER);
    }, "the valid route change applied");
    assertEquals(DB_CLUSTER, client.snapshot().listeners().tcpChain(ip(DB_VIP), 5432).tcpProxy()
        .cluster(), "the broken listener keeps its last good value");

    // Version 3: the db listener is gone (wildcard: missing means deleted); virtualOutbound
    // takes the connection.
    server.setResources("3", List.of(
            SidecarShapes.httpListener(9080, List.of()), SidecarShapes.virtualOutbound()),
        List.of(routes(RATINGS_CLUSTER)), clusters(), endpoints("127.0.0.21:9080"));
    eventually(() -> SidecarShapes.PASSTHROUGH.equals(client.snapshot().listeners()
        .tcpChain(ip(DB_VIP), 5432).tcpProxy().cluster()), "the db listener deleted");
  }

  @Test
  void anEndpointOnlyPushKeepsTheListenersAndUnchangedClusters() throws Exception {
    start();
    assertEquals(TargetState.RESOLVED, client.awaitTarget("reviews:9080"));
    MeshSnapshot before = client.snapshot();
    publish("2", dbListener(), RATINGS_CLUSTER, "127.0.0.23:9080");
    eventually(() -> "127.0.0.23:9080".equals(client.snapshot().clusters().get(REVIEWS_V1)
        .endpoints().get(0).address()), "the new endpoint");
    MeshSnapshot after = client.snapshot();
    assertSame(before.listeners(), after.listeners(), "LDS/RDS/NDS bytes unchanged: kept");
    assertSame(before.clusters().get(RATINGS_CLUSTER), after.clusters().get(RATINGS_CLUSTER));
    assertSame(before.listeners().tcpChain(ip(DB_VIP), 5432).connectionLimit(),
        after.listeners().tcpChain(ip(DB_VIP), 5432).connectionLimit(), "bucket survives");
    assertEquals(0, client.stats().nacks(), client.stats().lastNackReason());
  }

  @Test
  void aRouteToAClusterWithoutEndpointsYetWaitsWhileThePreviousRoutesServe() throws Exception {
    start();
    assertEquals(TargetState.RESOLVED, client.awaitTarget("ratings:9080"));
    // Version 2: a new subset (a VirtualService and DestinationRule change) whose endpoints EDS
    // has not sent yet.
    String v9 = IstiodShapes.clusterName(RATINGS, 9080, "v9");
    List<Cluster> withV9 = new java.util.ArrayList<>(clusters());
    withV9.add(SidecarShapes.edsCluster(RATINGS, 9080, "v9", null, null));
    server.setResources("2", listeners(dbListener()), List.of(routes(v9)), withV9,
        endpoints("127.0.0.21:9080"));
    server.awaitRequest(r -> r.typeUrl().equals(RouteConfigResourceType.TYPE_URL)
        && r.request().getVersionInfo().equals("2"), java.time.Duration.ofSeconds(5));
    eventually(() -> client.snapshot().clusters().containsKey(RATINGS_CLUSTER)
        && client.stats().acks() > 0, "version 2 applied");
    assertTrue(ratingsRoute().contains(RATINGS_CLUSTER), "the warm routes still serve: "
        + ratingsRoute());
    // Version 3: its endpoints arrive, and the new routes take over.
    List<ClusterLoadAssignment> withV9Endpoints = new java.util.ArrayList<>(
        endpoints("127.0.0.21:9080"));
    withV9Endpoints.add(IstiodShapes.endpoints(v9, "127.0.0.39:9080"));
    server.setResources("3", listeners(dbListener()), List.of(routes(v9)), withV9,
        withV9Endpoints);
    eventually(() -> ratingsRoute().contains(v9), "the new routes once v9 is warm");
  }

  private String ratingsRoute() {
    RouteTable t = client.snapshot().httpRoutes("ratings:9080", "ratings", 9080);
    return t == null ? "none" : t.select("ratings:9080").routes().get(0).toString();
  }

  @Test
  void proxylessBootstrapsStayProxyless() throws Exception {
    Bootstrap proxyless = new BootstrapParser().parse("""
        {"xds_servers": [{"server_uri": "127.0.0.1:1", "channel_creds": [{"type": "insecure"}]}],
         "node": {"id": "n", "metadata": {"GENERATOR": "grpc"}}}""", "test");
    assertEquals(XdsMode.PROXYLESS, XdsMode.of(proxyless));
    assertEquals(XdsMode.SIDECAR, XdsMode.of(sidecarBootstrap("127.0.0.1:1")));
    assertEquals(XdsMode.SIDECAR, XdsMode.parse(" Sidecar "));
    assertNull(XdsMode.parse(""));
    assertEquals(NameTableResourceType.TYPE_URL, SidecarShapes.NAME_TABLE_TYPE_URL);
  }

  private static void eventually(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
