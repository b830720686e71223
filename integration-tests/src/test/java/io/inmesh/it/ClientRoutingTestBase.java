package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.ClientProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ClientApps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.RatingsMesh;
import io.inmesh.it.support.ReviewsMesh;
import io.inmesh.it.support.Scrape;
import io.inmesh.it.support.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HttpRoutingTestBase}'s ordered scenarios for an HTTP client library the test JVM does not
 * have: one child JVM with the real agent, the library version under test and a probe for it
 * ({@link ClientProbe}); plus what differs between libraries: connection pools keyed by endpoint,
 * https with the application's TLS identity, and the library's version shown to be the one tested.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ClientRoutingTestBase {

  private static final int HTTPS_PORT = 9443;

  private final String clientApp;
  private final String probe;
  private final String libraryJar;
  private ReviewsMesh mesh;
  private ReviewsMesh httpsMesh;
  private RatingsMesh ratings;
  private HealthStatus ratingsLocalHealth = HealthStatus.HEALTHY;
  private XdsResources lastPublished;
  private LocalControlPlane controlPlane;
  private AgentJvm app;
  private String ready;
  private int version;

  /**
   * @param clientApp the directory under integration-tests/client-apps, e.g. {@code okhttp-4.12.0}
   * @param probe the probe class under integration-tests/client-apps/src
   * @param libraryJar the jar the library's client class must come from
   */
  ClientRoutingTestBase(String clientApp, String probe, String libraryJar) {
    this.clientApp = clientApp;
    this.probe = probe;
    this.libraryJar = libraryJar;
  }

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    String classpath = ClientApps.classpath(clientApp, probe, dir);
    TestCertificates certs = TestCertificates.forHost(dir, ReviewsMesh.HOST);
    mesh = new ReviewsMesh();
    httpsMesh = new ReviewsMesh(HTTPS_PORT, certs.serverContext());
    ratings = new RatingsMesh();
    controlPlane = LocalControlPlane.onLoopback().start();
    publish(mesh.split(80, 20));
    Path bootstrap = Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri());
    app = AgentJvm.start(System.getProperty("java.home"), certs.clientTrustOptions(),
        AgentJvm.meshArgs(bootstrap), Map.of(), classpath, ClientProbe.class.getName(), probe);
    ready = app.await("READY", 30);
    // the first call to a destination waits for its listener only briefly: let the ADS stream
    // come up first, so the scenarios below test routing rather than start-up timing
    controlPlane.awaitOpenStreams(1, Duration.ofSeconds(10));
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (mesh != null) {
      mesh.close();
    }
    if (httpsMesh != null) {
      httpsMesh.close();
    }
    if (ratings != null) {
      ratings.close();
    }
  }

  /** The plain HTTP mesh (for scenarios a subclass redefines). */
  ReviewsMesh mesh() {
    return mesh;
  }

  /** The child application (for scenarios a subclass redefines). */
  AgentJvm app() {
    return app;
  }

  /**
   * The plain HTTP mesh's resources, with the https mesh's (80/20, unchanged) and the ratings
   * service's beside them.
   */
  void publish(XdsResources resources) {
    lastPublished = resources;
    XdsResources all = resources;
    for (XdsResources more : List.of(httpsMesh.split(80, 20),
        ratings.resources(ratingsLocalHealth))) {
      all = new XdsResources(concat(all.listeners(), more.listeners()),
          concat(all.routes(), more.routes()), concat(all.clusters(), more.clusters()),
          concat(all.endpoints(), more.endpoints()));
    }
    controlPlane.setResources("v" + (++version), all);
  }

  /** True when the client applies the route's path, Host and request header changes. */
  boolean appliesRequestChanges() {
    return true;
  }

  /** True when the client applies the route's response header changes. */
  boolean appliesResponseHeaders() {
    return true;
  }

  /** True when a local reply reaches the application as an HTTP response. */
  boolean answersLocalRepliesAsResponses() {
    return true;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Test
  @Order(1)
  void runsTheLibraryVersionUnderTest() {
    assertEquals("READY " + libraryJar, ready);
  }

  @Test
  @Order(2)
  void splitsEightyTwentyByWeightWithKeepAlivePerEndpoint() throws Exception {
    ProbeResult r = app.call("lib", 1000, ReviewsMesh.URL);
    assertEquals(0, r.errors(), r.firstError());
    assertEquals(1000, r.total());
    int v2 = r.count("v2");
    assertTrue(v2 >= 150 && v2 <= 250, "v2 share of 1000 calls: " + v2);
    assertEquals(ReviewsMesh.HOST + ":" + ReviewsMesh.PORT, r.hosts());
    int a = mesh.v1a.requests();
    int b = mesh.v1b.requests();
    assertTrue(Math.abs(a - b) <= 2, "v1 endpoints got " + a + " and " + b);
    // one kept-alive connection per endpoint (v1 twice, v2 once): the pool is keyed by endpoint
    app.send("pooled");
    assertEquals("POOLED 3", app.await("POOLED", 10));
  }

  @Test
  @Order(3)
  void endUserJasonGoesToV2() throws Exception {
    ProbeResult r = app.call("lib", 50, ReviewsMesh.URL, "end-user:jason");
    assertEquals(0, r.errors(), r.firstError());
    assertEquals(Map.of("v2", 50), r.counts());
  }

  @Test
  @Order(4)
  void rewritesThePathAndRequestHeadersAsTheRouteSays() throws Exception {
    Assumptions.assumeTrue(appliesRequestChanges(), "this client does not apply route rewrites");
    String r = app.fetch("lib", RatingsMesh.BASE + "/old/page?q=1", "x-canary:no",
        "x-internal:secret", "x-kept:1");
    assertTrue(r.contains("status=200") && r.contains("seen-path=/new/page?q=1"), r);
    assertTrue(r.contains("canary=yes") && r.contains("kept=1") && !r.contains("internal="), r);
  }

  @Test
  @Order(4)
  void rewritesTheHostAsTheRouteSays() throws Exception {
    Assumptions.assumeTrue(appliesRequestChanges(), "this client does not apply route rewrites");
    String r = app.fetch("lib", RatingsMesh.BASE + "/hosted");
    assertTrue(r.contains("status=200") && r.contains("body=v1 ratings.internal"), r);
  }

  @Test
  @Order(4)
  void appliesTheRoutesResponseHeaders() throws Exception {
    Assumptions.assumeTrue(appliesResponseHeaders(),
        "this client does not apply response header changes");
    String r = app.fetch("lib", RatingsMesh.BASE + "/old/y");
    assertTrue(r.contains("status=200") && r.contains("x-route=rewrite"), r);
  }

  @Test
  @Order(4)
  void answersARedirectLocally() throws Exception {
    Assumptions.assumeTrue(answersLocalRepliesAsResponses(),
        "this client gets local replies as failures");
    int before = ratings.v1.requests();
    String r = app.fetch("lib", RatingsMesh.BASE + "/moved");
    assertTrue(r.contains("status=301")
        && r.contains("location=http://" + RatingsMesh.HOST + ":" + RatingsMesh.PORT
            + "/ratings/1"), r);
    assertEquals(before, ratings.v1.requests(), "a redirect must not reach the backend");
  }

  @Test
  @Order(4)
  void mirrorsCopiesAndIgnoresAMirrorThatIsDown() throws Exception {
    int before = ratings.mirror.requests();
    for (int i = 0; i < 5; i++) {
      String r = app.fetch("lib", RatingsMesh.BASE + "/mirrored/" + i);
      assertTrue(r.contains("status=200") && r.contains("body=v1 "), r);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (ratings.mirror.requests() < before + 5 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(before + 5, ratings.mirror.requests(), "the mirror's copies");
    for (int i = 0; i < 5; i++) {
      String r = app.fetch("lib", RatingsMesh.BASE + "/unmirrored/" + i);
      assertTrue(r.contains("status=200") && r.contains("body=v1 "), r);
    }
  }

  @Test
  @Order(4)
  void hashesTheSameUserToTheSameEndpoint() throws Exception {
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int user = 0; user < 12; user++) {
      ProbeResult r = app.call("lib", 5, RatingsMesh.BASE + "/hashed", "x-user:user-" + user);
      assertEquals(0, r.errors(), r.firstError());
      assertEquals(1, r.counts().size(), "user-" + user + " was spread: " + r.counts());
      String endpoint = r.counts().keySet().iterator().next();
      assertTrue(endpoint.startsWith("zone-a-"), "priority 0 serves while healthy: " + endpoint);
      used.add(endpoint);
    }
    assertTrue(used.size() >= 2, "twelve users all hashed to one endpoint: " + used);
  }

  @Test
  @Order(5)
  void failsOverToTheNextPriorityWhenTheLocalOneEmpties() throws Exception {
    ratingsLocalHealth = HealthStatus.UNHEALTHY;
    publish(lastPublished);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    ProbeResult r;
    do {
      r = app.call("lib", 10, RatingsMesh.BASE + "/hashed", "x-user:anyone");
    } while (!r.counts().equals(Map.of("zone-b", 10)) && System.nanoTime() < deadline);
    assertEquals(Map.of("zone-b", 10), r.counts(), r.firstError());
  }

  @Test
  @Order(4)
  void leavesADestinationWithoutAListenerUntouched() throws Exception {
    String direct = "http://127.0.0.1:" + mesh.v2.port() + "/direct";
    ProbeResult r = app.call("lib", 5, direct);
    assertEquals(Map.of("v2", 5), r.counts(), r.firstError());
    assertEquals("127.0.0.1:" + mesh.v2.port(), r.hosts());
  }

  @Test
  @Order(5)
  void routesHttpsKeepingTheApplicationsTlsIdentity() throws Exception {
    // the backends' certificate names only the mesh host: SNI and verification must use it
    ProbeResult r = app.call("lib", 200, httpsMesh.url());
    assertEquals(0, r.errors(), r.firstError());
    assertTrue(r.count("v2") >= 20 && r.count("v2") <= 60, r.counts().toString());
    assertEquals(ReviewsMesh.HOST + ":" + HTTPS_PORT, r.hosts());
    ProbeResult jason = app.call("lib", 20, httpsMesh.url(), "end-user:jason");
    assertEquals(Map.of("v2", 20), jason.counts(), jason.firstError());
  }

  @Test
  @Order(6)
  void followsASnapshotChangeWithinASecond() throws Exception {
    publish(mesh.split(0, 100));
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(5).toNanos();
    ProbeResult r;
    do {
      r = app.call("lib", 20, ReviewsMesh.URL);
    } while (!r.counts().equals(Map.of("v2", 20)) && System.nanoTime() < deadline);
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertEquals(Map.of("v2", 20), r.counts(), "after " + millis + " ms");
    assertTrue(millis < 1500, "took " + millis + " ms to follow the change");
  }

  @Test
  @Order(7)
  void keepsTheLastGoodConfigWhenABadResourceIsPushed() throws Exception {
    publish(mesh.split(100, 0));
    ProbeResult good;
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    do {
      good = app.call("lib", 20, ReviewsMesh.URL);
    } while (!good.counts().equals(Map.of("v1", 20)) && System.nanoTime() < deadline);
    assertEquals(Map.of("v1", 20), good.counts(), good.firstError());

    int nacksBefore = controlPlane.nackCount();
    publish(mesh.brokenAllToV2());
    controlPlane.awaitRequest(req -> req.isNack(), Duration.ofSeconds(5));
    assertTrue(controlPlane.nackCount() > nacksBefore);
    ProbeResult after = app.call("lib", 100, ReviewsMesh.URL);
    assertEquals(Map.of("v1", 100), after.counts(), "the NACKed version must not serve");
  }

  @Test
  @Order(8)
  void answersNoHealthyUpstreamLocallyAsEnvoyWould() throws Exception {
    publish(mesh.allToV2WithoutEndpoints());
    ProbeResult r;
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    do {
      r = app.call("lib", 10, ReviewsMesh.URL);
    } while (r.count("status-503-UH") < 10 && System.nanoTime() < deadline);
    assertEquals(Map.of("status-503-UH", 10), r.counts(), r.firstError() + " " + r.hosts());
    assertEquals("no_healthy_upstream", r.hosts());
  }

  @Test
  @Order(9)
  void exitsWhenMainReturns() throws Exception {
    app.send("quit");
    app.await("BYE", 10);
    assertTrue(app.exited(10), "the JVM must exit when main returns: agent threads are daemons");
    assertEquals(0, app.exitValue());
  }

  /** True when the client reports how its calls end (metrics, breakers, outlier detection). */
  boolean reportsOutcomes() {
    return false;
  }

  /** A client that reports its calls' ends has them counted in Istio's metrics. */
  @Test
  @Order(3)
  void callsAreCountedInIstioMetrics() throws Exception {
    Assumptions.assumeTrue(reportsOutcomes(), "this client does not report outcomes yet");
    String metrics = Scrape.metricsAddress(app);
    int before = Scrape.requests(Scrape.metrics(metrics), "200");
    ProbeResult r = app.call("lib", 10, ReviewsMesh.URL);
    assertEquals(0, r.errors(), r.firstError());
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    int after = before;
    while (after < before + 10 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      after = Scrape.requests(Scrape.metrics(metrics), "200");
    }
    assertEquals(before + 10, after);
  }
}
