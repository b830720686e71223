package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
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
 * One application JVM with the real agent, one HTTP client, an istiod-like xDS server and real
 * backends; the tests run in order against the same JVM, as a live mesh would change under it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class HttpRoutingTestBase {

  private final String client;
  private ReviewsMesh mesh;
  private LocalControlPlane controlPlane;
  private AgentJvm app;
  private int version;

  HttpRoutingTestBase(String client) {
    this.client = client;
  }

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    mesh = new ReviewsMesh();
    controlPlane = LocalControlPlane.onLoopback().start();
    publish(mesh.split(80, 20));
    Path bootstrap = Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri());
    app = AgentJvm.start(AgentJvm.meshArgs(bootstrap), Map.of(), HttpProbe.class.getName());
    app.await("READY", 30);
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
  }

  private void publish(io.inmesh.examples.controlplane.XdsResources resources) {
    controlPlane.setResources("v" + (++version), resources);
  }

  @Test
  @Order(1)
  void theDestinationExistsOnlyInTheMesh() {
    assertThrows(UnknownHostException.class, () -> InetAddress.getByName(ReviewsMesh.HOST));
  }

  @Test
  @Order(2)
  void splitsEightyTwentyByWeightWithKeepAlive() throws Exception {
    ProbeResult r = app.call(client, 1000, ReviewsMesh.URL);
    assertEquals(0, r.errors(), r.firstError());
    assertEquals(1000, r.total());
    int v2 = r.count("v2");
    assertTrue(v2 >= 150 && v2 <= 250, "v2 share of 1000 calls: " + v2);
    // the Host header is the one the application wrote
    assertEquals(ReviewsMesh.HOST + ":" + ReviewsMesh.PORT, r.hosts());
    // round robin over the two v1 endpoints
    int a = mesh.v1a.requests();
    int b = mesh.v1b.requests();
    assertTrue(Math.abs(a - b) <= 2, "v1 endpoints got " + a + " and " + b);
  }

  @Test
  @Order(3)
  void endUserJasonGoesToV2() throws Exception {
    ProbeResult r = app.call(client, 50, ReviewsMesh.URL, "end-user:jason");
    assertEquals(0, r.errors(), r.firstError());
    assertEquals(Map.of("v2", 50), r.counts());
  }

  @Test
  @Order(4)
  void followsASnapshotChangeWithinASecond() throws Exception {
    publish(mesh.split(0, 100));
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(5).toNanos();
    ProbeResult r;
    do {
      r = app.call(client, 20, ReviewsMesh.URL);
    } while (!r.counts().equals(Map.of("v2", 20)) && System.nanoTime() < deadline);
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertEquals(Map.of("v2", 20), r.counts(), "after " + millis + " ms");
    assertTrue(millis < 1500, "took " + millis + " ms to follow the change");
  }

  @Test
  @Order(5)
  void keepsTheLastGoodConfigWhenABadResourceIsPushed() throws Exception {
    publish(mesh.split(100, 0));
    ProbeResult good;
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    do {
      good = app.call(client, 20, ReviewsMesh.URL);
    } while (!good.counts().equals(Map.of("v1", 20)) && System.nanoTime() < deadline);
    assertEquals(Map.of("v1", 20), good.counts(), good.firstError());

    int nacksBefore = controlPlane.nackCount();
    publish(mesh.brokenAllToV2());
    controlPlane.awaitRequest(req -> req.isNack(),
        Duration.ofSeconds(5));
    assertTrue(controlPlane.nackCount() > nacksBefore);
    ProbeResult after = app.call(client, 100, ReviewsMesh.URL);
    assertEquals(Map.of("v1", 100), after.counts(), "the NACKed version must not serve");
  }

  @Test
  @Order(6)
  void answersNoHealthyUpstreamLocallyAsEnvoyWould() throws Exception {
    publish(mesh.allToV2WithoutEndpoints());
    ProbeResult r;
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    do {
      r = app.call(client, 10, ReviewsMesh.URL);
    } while (r.count("status-503-UH") < 10 && System.nanoTime() < deadline);
    assertEquals(Map.of("status-503-UH", 10), r.counts(), r.firstError());
    assertEquals("no_healthy_upstream", r.hosts());
  }

  @Test
  @Order(7)
  void exitsWhenMainReturns() throws Exception {
    app.send("quit");
    app.await("BYE", 10);
    assertTrue(app.exited(10), "the JVM must exit when main returns: agent threads are daemons");
    assertEquals(0, app.exitValue());
    // The API is defined in the bootstrap loader, not appended to its class path, so the JVM
    // keeps class data sharing for the application's classes.
    assertTrue(app.stderr().stream().noneMatch(l -> l.contains("Sharing is only supported")),
        String.join("\n", app.stderr()));
  }
}
