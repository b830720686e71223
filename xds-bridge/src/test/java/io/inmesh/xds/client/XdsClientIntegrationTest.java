package io.inmesh.xds.client;

import static io.inmesh.xds.MeshResources.ROUTE_NAME;
import static io.inmesh.xds.MeshResources.TARGET;
import static io.inmesh.xds.MeshResources.V1;
import static io.inmesh.xds.MeshResources.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.Router;
import io.inmesh.policies.Routing;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.xds.MeshResources;
import io.inmesh.xds.bootstrap.Bootstrap;
import io.inmesh.xds.bootstrap.BootstrapParser;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a real java-control-plane ADS server on loopback. */
class XdsClientIntegrationTest {

  private static final XdsClientSettings FAST = XdsClientSettings.defaults()
      // generous: a wait ends as soon as the target resolves, and a loaded CI machine is slow
      .withResourceTimeout(Duration.ofSeconds(5));

  private IstiodLikeControlPlane server;
  private XdsClient client;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Snapshot reviews(String version, String jasonRegex, String... v1Endpoints) {
    return Snapshot.create(
        List.of(MeshResources.edsCluster(V1), MeshResources.edsCluster(V2)),
        List.of(MeshResources.endpoints(V1, v1Endpoints),
            MeshResources.endpoints(V2, "127.0.0.21:9080")),
        List.of(MeshResources.listener(TARGET, ROUTE_NAME)),
        List.of(MeshResources.reviewsRoutes(jasonRegex)),
        List.of(), version);
  }

  private static Bootstrap bootstrap(int port) throws Exception {
    return new BootstrapParser().parse("""
        {"xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}],
          "server_features": ["xds_v3"]}],
         "node": {"id": "sidecar~127.0.0.5~app-7d4f.default~default.svc.cluster.local",
                  "metadata": {"GENERATOR": "grpc", "NAMESPACE": "default"}}}
        """.formatted(port), "test");
  }

  private static RequestView request(String user) {
    return new RequestView() {
      @Override
      public String authority() {
        return TARGET;
      }

      @Override
      public String path() {
        return "/reviews/0";
      }

      @Override
      public String header(String name) {
        return name.equals("end-user") ? user : null;
      }
    };
  }

  private static void eventually(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void resolvesTargetAndRoutesByHeaderAndWeight() throws Exception {
    server = new IstiodLikeControlPlane(0);
    server.publish(reviews("1", null, "127.0.0.11:9080", "127.0.0.12:9080"));
    client = XdsClient.start(bootstrap(server.port()), FAST);

    assertEquals(TargetState.RESOLVED, client.awaitTarget(TARGET));
    MeshSnapshot snapshot = client.snapshot();
    assertNotNull(snapshot.routesByTarget().get(TARGET));
    Routing jason = Router.route(snapshot, snapshot.routesByTarget().get(TARGET),
        request("jason"));
    assertEquals(Routing.Result.ROUTED, jason.result());
    assertEquals(V2, jason.cluster());
    assertEquals("127.0.0.21", jason.endpoint().host());
    int v1 = 0;
    for (int i = 0; i < 1000; i++) {
      if (V1.equals(Router.route(snapshot, snapshot.routesByTarget().get(TARGET),
          request(null)).cluster())) {
        v1++;
      }
    }
    assertTrue(v1 > 700 && v1 < 900, "80/20 split, got " + v1 + " of 1000 to v1");
    assertSame(TargetState.RESOLVED, client.awaitTarget(TARGET), "cheap when resolved");

    DiscoveryRequest first = server.requests.get(0);
    assertEquals("inmesh", first.getNode().getUserAgentName());
    assertEquals("grpc", first.getNode().getMetadata().getFieldsOrThrow("GENERATOR")
        .getStringValue());
    assertTrue(client.stats().acks() >= 4);
    assertEquals(0, client.stats().nacks());
  }

  @Test
  void newSnapshotVersionIsPublishedAndUnchangedClustersKeepTheirBalancer() throws Exception {
    server = new IstiodLikeControlPlane(0);
    server.publish(reviews("1", null, "127.0.0.11:9080"));
    client = XdsClient.start(bootstrap(server.port()), FAST);
    assertEquals(TargetState.RESOLVED, client.awaitTarget(TARGET));
    ClusterState v2Before = client.snapshot().clusters().get(V2);

    server.publish(reviews("2", null, "127.0.0.11:9080", "127.0.0.13:9080"));
    eventually(() -> client.snapshot().clusters().get(V1) != null
        && hostsOf(client.snapshot().clusters().get(V1)) == 2, "two v1 endpoints");
    assertSame(v2Before, client.snapshot().clusters().get(V2));
  }

  private static int hostsOf(ClusterState cluster) {
    return cluster.loadBalancer().hosts().size();
  }

  @Test
  void invalidRegexIsNackedAndLastGoodConfigKeepsServing() throws Exception {
    server = new IstiodLikeControlPlane(0);
    server.publish(reviews("1", "ja.*n", "127.0.0.11:9080"));
    client = XdsClient.start(bootstrap(server.port()), FAST);
    assertEquals(TargetState.RESOLVED, client.awaitTarget(TARGET));
    MeshSnapshot good = client.snapshot();

    // RE2 has no backreferences: \1 is rejected.
    server.publish(reviews("2", "(ja)\\1son", "127.0.0.11:9080"));
    eventually(() -> !server.nacks().isEmpty(), "a NACK at the server");
    DiscoveryRequest nack = server.nacks().get(0);
    assertEquals(RouteConfiguration.getDescriptor().getFullName(),
        nack.getTypeUrl().substring(nack.getTypeUrl().indexOf('/') + 1));
    assertEquals("1", nack.getVersionInfo(), "NACK carries the last good version");
    assertEquals(3, nack.getErrorDetail().getCode());
    assertTrue(nack.getErrorDetail().getMessage().contains(ROUTE_NAME),
        nack.getErrorDetail().getMessage());
    assertTrue(client.stats().lastNackReason().contains("invalid RE2 regex"),
        client.stats().lastNackReason());

    Routing jason = Router.route(client.snapshot(),
        client.snapshot().routesByTarget().get(TARGET), request("jason"));
    assertEquals(V2, jason.cluster(), "the last good route table still serves");
    assertNotNull(good);

    server.publish(reviews("3", "jas.n", "127.0.0.11:9080"));
    eventually(() -> client.stats().acks() > 0 && server.requests.stream().anyMatch(
        r -> r.getVersionInfo().equals("3") && !r.hasErrorDetail()), "ACK of version 3");
  }

  @Test
  void unknownTargetTimesOutThenResolvesWhenAdded() throws Exception {
    server = new IstiodLikeControlPlane(0);
    server.publish(reviews("1", null, "127.0.0.11:9080"));
    client = XdsClient.start(bootstrap(server.port()),
        XdsClientSettings.defaults().withResourceTimeout(Duration.ofMillis(300)));
    String ratings = "ratings.default.svc.cluster.local:9080";
    // With LDS version 1 already acked, the server has nothing new and stays silent about ratings.
    assertEquals(TargetState.RESOLVED, client.awaitTarget(TARGET));

    long start = System.nanoTime();
    assertEquals(TargetState.TIMED_OUT, client.awaitTarget(ratings));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMillis < 1000, "bounded wait, took " + tookMillis + " ms");
    assertEquals(TargetState.TIMED_OUT, client.awaitTarget(ratings), "no second wait");
    assertNull(client.snapshot().routesByTarget().get(ratings));

    String ratingsCluster = "outbound|9080||ratings.default.svc.cluster.local";
    RouteConfiguration ratingsRoutes = RouteConfiguration.newBuilder()
        .setName("outbound|9080||ratings.default.svc.cluster.local")
        .addVirtualHosts(io.envoyproxy.envoy.config.route.v3.VirtualHost.newBuilder()
            .setName("ratings").addDomains("*")
            .addRoutes(io.envoyproxy.envoy.config.route.v3.Route.newBuilder()
                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder()
                    .setPrefix("/"))
                .setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder()
                    .setCluster(ratingsCluster))))
        .build();
    server.publish(Snapshot.create(
        List.<Cluster>of(MeshResources.edsCluster(V1), MeshResources.edsCluster(V2),
            MeshResources.edsCluster(ratingsCluster)),
        List.<ClusterLoadAssignment>of(MeshResources.endpoints(V1, "127.0.0.11:9080"),
            MeshResources.endpoints(V2, "127.0.0.21:9080"),
            MeshResources.endpoints(ratingsCluster, "127.0.0.31:9080")),
        List.<Listener>of(MeshResources.listener(TARGET, ROUTE_NAME),
            MeshResources.listener(ratings, ratingsRoutes.getName())),
        List.of(MeshResources.reviewsRoutes(null), ratingsRoutes),
        List.of(), "2"));
    eventually(() -> client.awaitTarget(ratings) == TargetState.RESOLVED, "ratings resolved");
    assertNotNull(client.snapshot().clusters().get(ratingsCluster));
  }

  @Test
  void listenerRemovedFromStateOfTheWorldBecomesAbsent() throws Exception {
    server = new IstiodLikeControlPlane(0);
    server.publish(reviews("1", null, "127.0.0.11:9080"));
    client = XdsClient.start(bootstrap(server.port()), FAST);
    assertEquals(TargetState.RESOLVED, client.awaitTarget(TARGET));

    server.publish(Snapshot.create(List.of(), List.of(), List.of(), List.of(), List.of(), "2"));
    eventually(() -> client.awaitTarget(TARGET) == TargetState.ABSENT, "target absent");
    assertFalse(client.snapshot().routesByTarget().containsKey(TARGET));
  }

  @Test
  void serverDownAtStartThenUpIsReachedWithBackoff() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    client = XdsClient.start(bootstrap(port),
        XdsClientSettings.defaults().withResourceTimeout(Duration.ofMillis(200)));
    assertEquals(TargetState.TIMED_OUT, client.awaitTarget(TARGET));
    assertFalse(client.stats().connected());

    server = startOn(port);
    server.publish(reviews("1", null, "127.0.0.11:9080"));
    eventually(() -> client.awaitTarget(TARGET) == TargetState.RESOLVED, "resolved after start");
    assertTrue(client.stats().connected());
  }

  private static IstiodLikeControlPlane startOn(int port) throws IOException {
    return new IstiodLikeControlPlane(port);
  }

  @Test
  void boundedTargetSetUnwatchesLeastRecentlyUsed() throws Exception {
    server = new IstiodLikeControlPlane(0);
    server.publish(reviews("1", null, "127.0.0.11:9080"));
    client = XdsClient.start(bootstrap(server.port()),
        FAST.withMaxTargets(2).withResourceTimeout(Duration.ofMillis(100)));
    client.awaitTarget("a.default.svc.cluster.local:80");
    client.awaitTarget("b.default.svc.cluster.local:80");
    client.awaitTarget("a.default.svc.cluster.local:80");
    assertEquals(TargetState.RESOLVED, client.awaitTarget(TARGET));
    eventually(() -> {
      List<DiscoveryRequest> lds = server.requests.stream()
          .filter(r -> r.getTypeUrl().endsWith("Listener")).toList();
      return lds.get(lds.size() - 1).getResourceNamesList().equals(
          List.of("a.default.svc.cluster.local:80", TARGET));
    }, "b unwatched");
    assertEquals(Map.of(), Map.of());
  }
}
