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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a VirtualService's rewrite, headers, redirect, direct response and mirror, and a
 * DestinationRule's consistent hashing and locality failover, become in Envoy's configuration,
 * applied in process for the JDK's clients (the other libraries run the same {@link RatingsMesh}
 * scenarios in {@link ClientRoutingTestBase}): the backend sees the rewritten path and the added
 * header, the redirect and the direct response are answered locally as real HTTP responses, the
 * mirror gets copies with the shadow host, the same header value always reaches the same
 * endpoint, and when every endpoint of the local priority is unhealthy the calls fail over to the
 * next one (last: it changes the endpoints' health).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouteActionsIT {

  private static final String HOST = RatingsMesh.HOST;
  private static final int PORT = RatingsMesh.PORT;
  private static final String BASE = RatingsMesh.BASE;

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
  void prefixRewriteReachesTheBackend(String client) throws Exception {
    String r = app.fetch(client, BASE + "/old/page?q=1");
    assertTrue(r.contains("status=200") && r.contains("seen-path=/new/page?q=1"), r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void hostRewriteReachesTheBackend(String client) throws Exception {
    String r = app.fetch(client, BASE + "/hosted");
    assertTrue(r.contains("status=200") && r.contains("body=v1 ratings.internal"), r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void routeResponseHeadersReachTheApplication(String client) throws Exception {
    String routed = app.fetch(client, BASE + "/old/y");
    assertTrue(routed.contains("x-route=rewrite"), routed);
    String local = app.fetch(client, BASE + "/moved");
    assertTrue(local.contains("x-route=moved"), local);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void routeRequestHeadersAreAddedAndRemoved(String client) throws Exception {
    String r = app.fetch(client, BASE + "/old/x", "x-canary:no", "x-internal:secret", "x-kept:1");
    assertTrue(r.contains("canary=yes"), r);
    assertTrue(!r.contains("internal=") && r.contains("kept=1"), r);
  }

  @Test
  void mirrorReceivesCopiesWithTheShadowHost() throws Exception {
    int before = ratings.mirror.requests();
    for (int i = 0; i < 5; i++) {
      String r = app.fetch(i % 2 == 0 ? "jdk" : "urlconnection", BASE + "/mirrored/" + i);
      assertTrue(r.contains("status=200") && r.contains("body=v1"), r);
    }
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    while (ratings.mirror.requests() < before + 5 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(ratings.mirror.requests() >= before + 5,
        "mirror got " + (ratings.mirror.requests() - before));
    String shadow = ratings.mirror.lastHost();
    assertTrue(shadow.equals(HOST + "-shadow:" + PORT) || shadow.startsWith(HOST + "-shadow"),
        shadow);
  }

  @Test
  void aMirrorThatIsDownNeverAffectsTheCaller() throws Exception {
    for (int i = 0; i < 5; i++) {
      String r = app.fetch("jdk", BASE + "/unmirrored/" + i);
      assertTrue(r.contains("status=200") && r.contains("body=v1"), r);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void redirectIsAnsweredLocally(String client) throws Exception {
    String r = app.fetch(client, BASE + "/moved");
    assertTrue(r.contains("status=301") && r.contains("location=http://" + HOST + ":" + PORT
        + "/ratings/1"), r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void directResponseIsAnsweredLocally(String client) throws Exception {
    String r = app.fetch(client, BASE + "/teapot");
    assertTrue(r.contains("status=418") && r.contains("body=short and stout"), r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void theSameHeaderValueAlwaysReachesTheSameEndpoint(String client) throws Exception {
    Set<String> used = new HashSet<>();
    for (int user = 0; user < 12; user++) {
      ProbeResult r = app.call(client, 10, BASE + "/hashed", "x-user:user-" + user);
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
  @Order(Integer.MAX_VALUE)
  void failsOverToTheNextPriorityWhenTheLocalOneEmpties(String client) throws Exception {
    controlPlane.setResources("unhealthy-" + client,
        ratings.resources(HealthStatus.UNHEALTHY));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    ProbeResult r;
    do {
      r = app.call(client, 20, BASE + "/hashed", "x-user:anyone");
    } while (!r.counts().equals(Map.of("zone-b", 20)) && System.nanoTime() < deadline);
    assertEquals(Map.of("zone-b", 20), r.counts(), r.firstError());
  }
}
