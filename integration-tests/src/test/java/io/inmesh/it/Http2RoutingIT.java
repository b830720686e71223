package io.inmesh.it;

import static io.inmesh.examples.controlplane.IstiodShapes.cluster;
import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.defaultRoute;
import static io.inmesh.examples.controlplane.IstiodShapes.endpoints;
import static io.inmesh.examples.controlplane.IstiodShapes.headerRoute;
import static io.inmesh.examples.controlplane.IstiodShapes.listener;
import static io.inmesh.examples.controlplane.IstiodShapes.routeConfig;
import static io.inmesh.examples.controlplane.IstiodShapes.weight;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.ClientProbe;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ClientApps;
import io.inmesh.it.support.H2Backend;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.RatingsMesh;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same route table over cleartext HTTP/2 for every client that speaks it: the JDK HttpClient
 * (h2c by upgrade), OkHttp, Reactor Netty and Apache HttpClient 5's HTTP/2 async client (h2c with
 * prior knowledge). The split and the header route hold, every call arrives as HTTP/2, and each client
 * multiplexes its calls to an endpoint over one connection: the HTTP/2 pools key by endpoint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2RoutingIT {

  private static final String HOST = "reviews.default.svc.cluster.local";
  private static final int PORT = 9080;
  private static final String URL = "http://" + HOST + ":" + PORT + "/reviews/1";

  private H2Backend v1a;
  private H2Backend v1b;
  private H2Backend v2;
  private RatingsMesh ratings;
  private LocalControlPlane controlPlane;
  private Path bootstrap;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    v1a = new H2Backend("v1");
    v1b = new H2Backend("v1");
    v2 = new H2Backend("v2");
    ratings = new RatingsMesh(true);
    controlPlane = LocalControlPlane.onLoopback().start();
    String v1Cluster = clusterName(HOST, PORT, "v1");
    String v2Cluster = clusterName(HOST, PORT, "v2");
    XdsResources actions = ratings.resources(HealthStatus.HEALTHY);
    controlPlane.setResources("1", new XdsResources(
        concat(listener(HOST, PORT), actions.listeners()),
        concat(routeConfig(HOST, PORT, List.of(
            headerRoute("jason", "end-user", "jason", v2Cluster),
            defaultRoute(List.of(weight(v1Cluster, 80), weight(v2Cluster, 20))))),
            actions.routes()),
        concat(cluster(HOST, PORT, "v1"), concat(cluster(HOST, PORT, "v2"), actions.clusters())),
        concat(endpoints(v1Cluster, "127.0.0.1:" + v1a.port(), "127.0.0.1:" + v1b.port()),
            concat(endpoints(v2Cluster, "127.0.0.1:" + v2.port()), actions.endpoints()))));
    bootstrap = Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri());
  }

  private static <T> List<T> concat(T first, List<T> rest) {
    List<T> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }

  @AfterAll
  void stop() throws Exception {
    controlPlane.close();
    ratings.close();
    v1a.close();
    v1b.close();
    v2.close();
  }

  /** {@link ClientRoutingTestBase}'s route-action scenarios, over HTTP/2. */
  private void routeActionsHoldOverHttp2(AgentJvm app, String client) throws Exception {
    String r = app.fetch(client, RatingsMesh.BASE + "/old/page?q=1", "x-canary:no",
        "x-internal:secret", "x-kept:1");
    assertTrue(r.contains("status=200") && r.contains("seen-path=/new/page?q=1")
        && r.contains("HTTP/2.0"), r);
    assertTrue(r.contains("canary=yes") && r.contains("kept=1") && !r.contains("internal="), r);
    assertTrue(r.contains("x-route=rewrite"), r);
    String hosted = app.fetch(client, RatingsMesh.BASE + "/hosted");
    assertTrue(hosted.contains("body=v1 ratings.internal HTTP/2.0"), hosted);
    String moved = app.fetch(client, RatingsMesh.BASE + "/moved");
    assertTrue(moved.contains("status=301") && moved.contains("location=http://"
        + RatingsMesh.HOST + ":" + RatingsMesh.PORT + "/ratings/1"), moved);
    int mirrored = ratings.mirror.requests();
    for (int i = 0; i < 3; i++) {
      String m = app.fetch(client, RatingsMesh.BASE + "/mirrored/" + i);
      assertTrue(m.contains("status=200"), m);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (ratings.mirror.requests() < mirrored + 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(mirrored + 3, ratings.mirror.requests(), "the mirror's copies");
    Set<String> used = new HashSet<>();
    for (int user = 0; user < 8; user++) {
      ProbeResult hashed = app.call(client, 4, RatingsMesh.BASE + "/hashed",
          "x-user:user-" + user);
      assertEquals(1, hashed.counts().size(), "user-" + user + " was spread: " + hashed.counts());
      used.addAll(hashed.counts().keySet());
    }
    assertTrue(used.size() >= 2, "eight users all hashed to one endpoint: " + used);
  }

  /**
   * @param clientApp the directory under integration-tests/client-apps, or {@code jdk} for the
   *     JDK's HttpClient (HTTP/2 is its default version)
   */
  @ParameterizedTest
  @CsvSource({
      "jdk, -",
      "okhttp-4.12.0, io.inmesh.it.clients.OkHttpProbe",
      "okhttp-5.5.1, io.inmesh.it.clients.OkHttpProbe",
      "reactor-netty-http-1.3.7, io.inmesh.it.clients.ReactorNettyProbe",
      "httpclient5-5.4, io.inmesh.it.clients.ApacheHttpAsyncClient5Probe",
      "httpclient5-5.6.5, io.inmesh.it.clients.ApacheHttpAsyncClient5Probe"})
  void routesOverHttp2WithOneConnectionPerEndpoint(String clientApp, String probe,
      @TempDir Path dir) throws Exception {
    int before = v1a.connections() + v1b.connections() + v2.connections();
    AgentJvm app = clientApp.equals("jdk")
        ? AgentJvm.start(AgentJvm.meshArgs(bootstrap), Map.of(), HttpProbe.class.getName())
        : AgentJvm.start(System.getProperty("java.home"), AgentJvm.meshArgs(bootstrap),
            Map.of(), ClientApps.classpath(clientApp, probe, dir), ClientProbe.class.getName(),
            probe, "h2");
    try {
      app.await("READY", 30);
      controlPlane.awaitOpenStreams(1, Duration.ofSeconds(10));
      String client = clientApp.equals("jdk") ? "jdk" : "lib";
      ProbeResult split = app.call(client, 200, URL);
      assertEquals(0, split.errors(), split.firstError());
      assertEquals(HOST + ":" + PORT + " HTTP/2.0", split.hosts());
      int v2Calls = split.count("v2");
      assertTrue(v2Calls >= 20 && v2Calls <= 60, "v2 share of 200 calls: " + v2Calls);
      ProbeResult jason = app.call(client, 20, URL, "end-user:jason");
      assertEquals(Map.of("v2", 20), jason.counts(), jason.firstError());
      int opened = v1a.connections() + v1b.connections() + v2.connections() - before;
      assertEquals(3, opened, "one multiplexed connection per endpoint");
      routeActionsHoldOverHttp2(app, client);
    } finally {
      app.close();
    }
  }
}
