package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.RatingsMesh;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A DestinationRule's consistent hashing and locality failover, as Envoy cluster and EDS
 * configuration, applied in process for the JDK's clients (the other libraries run the same
 * scenarios in {@link ClientRoutingTestBase}): the same header value always reaches the same
 * endpoint, and when every endpoint of the local priority is unhealthy the calls fail over to the
 * next one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancingIT {

  private static final String URL = RatingsMesh.BASE + "/hashed";

  private RatingsMesh ratings;
  private LocalControlPlane controlPlane;
  private AgentJvm app;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    ratings = new RatingsMesh();
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", ratings.resources(HealthStatus.HEALTHY));
    app = AgentJvm.start(AgentJvm.meshArgs(Bootstraps.pilotAgentShaped(dir,
        controlPlane.serverUri())), Map.of(), HttpProbe.class.getName());
    app.await("READY", 30);
  }

  @AfterAll
  void stop() {
    app.close();
    controlPlane.close();
    ratings.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  @Order(1)
  void theSameHeaderValueAlwaysReachesTheSameEndpoint(String client) throws Exception {
    Set<String> used = new HashSet<>();
    for (int user = 0; user < 12; user++) {
      ProbeResult r = app.call(client, 10, URL, "x-user:user-" + user);
      assertEquals(0, r.errors(), r.firstError());
      assertEquals(1, r.counts().size(), "user-" + user + " was spread: " + r.counts());
      String endpoint = r.counts().keySet().iterator().next();
      assertTrue(endpoint.startsWith("zone-a-"), "priority 0 serves while healthy: " + endpoint);
      used.add(endpoint);
    }
    assertTrue(used.size() >= 2, "twelve users all hashed to one endpoint: " + used);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  @Order(2)
  void failsOverToTheNextPriorityWhenTheLocalOneEmpties(String client) throws Exception {
    controlPlane.setResources("unhealthy-" + client, ratings.resources(HealthStatus.UNHEALTHY));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    ProbeResult r;
    do {
      r = app.call(client, 20, URL, "x-user:anyone");
    } while (!r.counts().equals(Map.of("zone-b", 20)) && System.nanoTime() < deadline);
    assertEquals(Map.of("zone-b", 20), r.counts(), r.firstError());
  }
}
