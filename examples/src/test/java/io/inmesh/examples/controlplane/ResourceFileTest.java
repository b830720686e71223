package io.inmesh.examples.controlplane;

import static io.envoyproxy.controlplane.cache.Resources.V3.ROUTE_TYPE_URL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceFileTest {

  private static final Path DEMO_MESH = Path.of("demo", "mesh.json");
  private static final Map<String, String> PORTS = Map.of("V1_PORT", "18001", "V2_PORT", "18002");
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String ROUTE = IstiodShapes.routeConfigName(REVIEWS, 9080);
  private static final String V1 = IstiodShapes.clusterName(REVIEWS, 9080, "v1");
  private static final String V2 = IstiodShapes.clusterName(REVIEWS, 9080, "v2");

  @Test
  void theDemoMeshFileHoldsWhatIstiodShapesBuilds() throws Exception {
    XdsResources mesh = ResourceFile.parse(Files.readString(DEMO_MESH), PORTS);

    assertEquals(List.of(IstiodShapes.listener(REVIEWS, 9080)), mesh.listeners());
    assertEquals(List.of(IstiodShapes.routeConfig(REVIEWS, 9080, List.of(
            IstiodShapes.headerRoute("jason-to-v2", "end-user", "jason", V2),
            IstiodShapes.defaultRoute(List.of(
                IstiodShapes.weight(V1, 80), IstiodShapes.weight(V2, 20)))))),
        mesh.routes());
    assertEquals(List.of(
            IstiodShapes.cluster(REVIEWS, 9080, ""),
            IstiodShapes.cluster(REVIEWS, 9080, "v1"),
            IstiodShapes.cluster(REVIEWS, 9080, "v2")),
        mesh.clusters());
    assertEquals(List.of(
            IstiodShapes.endpoints(IstiodShapes.clusterName(REVIEWS, 9080, ""),
                "127.0.0.1:18001", "127.0.0.1:18002"),
            IstiodShapes.endpoints(V1, "127.0.0.1:18001"),
            IstiodShapes.endpoints(V2, "127.0.0.1:18002")),
        mesh.endpoints());
  }

  @Test
  void printedResourcesParseBackUnchanged() throws Exception {
    XdsResources mesh = ResourceFile.parse(Files.readString(DEMO_MESH), PORTS);

    assertEquals(mesh, EnvoyJson.parse(EnvoyJson.print(mesh)));
  }

  @Test
  void errorsNameTheResourceAndTheProblem() {
    var badField = assertThrows(EnvoyJson.InvalidResourcesException.class,
        () -> EnvoyJson.parse("{\"clusters\": [{\"name\": \"c1\", \"lb_polcy\": \"ROUND_ROBIN\"}]}"));
    assertTrue(badField.getMessage().startsWith("clusters[0] (c1): "), badField.getMessage());
    assertTrue(badField.getMessage().contains("lb_polcy"), badField.getMessage());

    var typo = assertThrows(EnvoyJson.InvalidResourcesException.class,
        () -> EnvoyJson.parse("{\"cluster\": []}"));
    assertTrue(typo.getMessage().contains("unknown key \"cluster\""), typo.getMessage());

    var placeholder = assertThrows(EnvoyJson.InvalidResourcesException.class,
        () -> ResourceFile.parse("{\"_port\": \"${V3_PORT}\"}", PORTS));
    assertTrue(placeholder.getMessage().contains("${V3_PORT}"), placeholder.getMessage());
  }

  @Test
  void publishesEditsAndKeepsTheLastGoodVersionOnABrokenOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mesh.json");
    String original = Files.readString(DEMO_MESH);
    Files.writeString(file, original);
    try (LocalControlPlane xds = LocalControlPlane.onLoopback().start();
        ResourceFile resources = new ResourceFile(file, xds, PORTS).start();
        AdsTestClient client = new AdsTestClient(
            NettyChannelBuilder.forAddress("127.0.0.1", xds.port()).usePlaintext().build())) {
      client.request(ROUTE_TYPE_URL, List.of(ROUTE), "", "");
      DiscoveryResponse first = client.next();
      assertEquals("mesh.json-1", first.getVersionInfo());
      assertEquals(List.of(80, 20), weights(first));
      client.ack(first, List.of(ROUTE));

      Files.writeString(file, "{ \"routes\": [ { \"name\": ");
      client.expectNothingFor(Duration.ofMillis(1500));
      assertEquals("mesh.json-1", xds.version());

      Files.writeString(file, original.replace("\"weight\": 80", "\"weight\": 50")
          .replace("\"weight\": 20", "\"weight\": 50"));
      DiscoveryResponse edited = client.next();
      assertEquals("mesh.json-2", edited.getVersionInfo());
      assertEquals(List.of(50, 50), weights(edited));
    }
  }

  @Test
  void refusesToStartOnABrokenFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mesh.json");
    Files.writeString(file, "{ \"listeners\": [ 42 ] }");
    try (LocalControlPlane xds = LocalControlPlane.onLoopback().start();
        ResourceFile resources = new ResourceFile(file, xds, Map.of())) {
      assertThrows(EnvoyJson.InvalidResourcesException.class, resources::start);
      assertEquals(LocalControlPlane.INITIAL_VERSION, xds.version());
    }
  }

  private static List<Integer> weights(DiscoveryResponse response) throws Exception {
    RouteConfiguration route = response.getResources(0).unpack(RouteConfiguration.class);
    return route.getVirtualHosts(0).getRoutes(1).getRoute().getWeightedClusters()
        .getClustersList().stream().map(c -> c.getWeight().getValue()).toList();
  }
}
