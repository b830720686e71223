package io.inmesh.it;

import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.domains;
import static io.inmesh.examples.controlplane.IstiodShapes.listener;
import static io.inmesh.examples.controlplane.IstiodShapes.routeConfigName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Backend;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DestinationRule's consistent hashing and locality failover, as Envoy cluster and EDS
 * configuration, applied in process: the same header value always reaches the same endpoint, and
 * when every endpoint of the local priority is unhealthy the calls fail over to the next one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancingIT {

  private static final String HOST = ReviewsMesh.HOST;
  private static final int PORT = ReviewsMesh.PORT;
  private static final String CLUSTER = clusterName(HOST, PORT, "");
  private static final String URL = ReviewsMesh.URL;

  private final Backend[] local = new Backend[3];
  private Backend remote;
  private LocalControlPlane controlPlane;
  private AgentJvm app;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    for (int i = 0; i < local.length; i++) {
      local[i] = new Backend("zone-a-" + i);
    }
    remote = new Backend("zone-b");
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", resources(HealthStatus.HEALTHY));
    app = AgentJvm.start(AgentJvm.meshArgs(Bootstraps.pilotAgentShaped(dir,
        controlPlane.serverUri())), Map.of(), HttpProbe.class.getName());
    app.await("READY", 30);
  }

  @AfterAll
  void stop() {
    app.close();
    controlPlane.close();
    for (Backend b : local) {
      b.close();
    }
    remote.close();
  }

  /** A ring-hash cluster hashed on {@code x-user}; zone-a at priority 0, zone-b at priority 1. */
  private XdsResources resources(HealthStatus localHealth) {
    VirtualHost vhost = VirtualHost.newBuilder()
        .setName(HOST + ":" + PORT)
        .addAllDomains(domains(HOST, PORT))
        .addRoutes(Route.newBuilder().setName("default")
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(RouteAction.newBuilder().setCluster(CLUSTER)
                .addHashPolicy(RouteAction.HashPolicy.newBuilder()
                    .setHeader(RouteAction.HashPolicy.Header.newBuilder()
                        .setHeaderName("x-user")))))
        .build();
    Cluster cluster = Cluster.newBuilder()
        .setName(CLUSTER)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()))
            .setServiceName(CLUSTER))
        .setLbPolicy(Cluster.LbPolicy.RING_HASH)
        .build();
    LocalityLbEndpoints.Builder zoneA = LocalityLbEndpoints.newBuilder()
        .setLocality(Locality.newBuilder().setRegion("r1").setZone("zone-a"))
        .setLoadBalancingWeight(UInt32Value.of(local.length))
        .setPriority(0);
    for (Backend b : local) {
      zoneA.addLbEndpoints(endpoint(b, localHealth));
    }
    LocalityLbEndpoints zoneB = LocalityLbEndpoints.newBuilder()
        .setLocality(Locality.newBuilder().setRegion("r1").setZone("zone-b"))
        .setLoadBalancingWeight(UInt32Value.of(1))
        .setPriority(1)
        .addLbEndpoints(endpoint(remote, HealthStatus.HEALTHY))
        .build();
    return new XdsResources(
        List.of(listener(HOST, PORT)),
        List.of(RouteConfiguration.newBuilder().setName(routeConfigName(HOST, PORT))
            .addVirtualHosts(vhost).build()),
        List.of(cluster),
        List.of(ClusterLoadAssignment.newBuilder().setClusterName(CLUSTER)
            .addEndpoints(zoneA).addEndpoints(zoneB).build()));
  }

  private static LbEndpoint endpoint(Backend backend, HealthStatus health) {
    return LbEndpoint.newBuilder()
        .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
            .setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
                .setPortValue(backend.port()))))
        .setHealthStatus(health)
        .setLoadBalancingWeight(UInt32Value.of(1))
        .build();
  }

  @Test
  @Order(1)
  void theSameHeaderValueAlwaysReachesTheSameEndpoint() throws Exception {
    int distinctEndpoints = 0;
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int user = 0; user < 12; user++) {
      ProbeResult r = app.call("jdk", 10, URL, "x-user:user-" + user);
      assertEquals(0, r.errors(), r.firstError());
      assertEquals(1, r.counts().size(), "user-" + user + " was spread: " + r.counts());
      String endpoint = r.counts().keySet().iterator().next();
      assertTrue(endpoint.startsWith("zone-a-"), "priority 0 serves while healthy: " + endpoint);
      if (used.add(endpoint)) {
        distinctEndpoints++;
      }
    }
    assertTrue(distinctEndpoints >= 2, "twelve users all hashed to one endpoint: " + used);
  }

  @Test
  @Order(2)
  void failsOverToTheNextPriorityWhenTheLocalOneEmpties() throws Exception {
    controlPlane.setResources("2", resources(HealthStatus.UNHEALTHY));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    ProbeResult r;
    do {
      r = app.call("jdk", 20, URL, "x-user:anyone");
    } while (!r.counts().equals(Map.of("zone-b", 20)) && System.nanoTime() < deadline);
    assertEquals(Map.of("zone-b", 20), r.counts(), r.firstError());
  }
}
