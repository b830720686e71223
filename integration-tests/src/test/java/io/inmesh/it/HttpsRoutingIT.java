package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import io.inmesh.it.support.TestCertificates;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code https://} through the mesh: the agent dials the endpoint's IP, while TLS server name
 * indication and hostname verification still use the name the application wrote (the backends'
 * certificate names only {@code reviews.default.svc.cluster.local}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpsRoutingIT {

  private ReviewsMesh mesh;
  private LocalControlPlane controlPlane;
  private AgentJvm app;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.forHost(dir, ReviewsMesh.HOST);
    mesh = new ReviewsMesh(9443, certs.serverContext());
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("v1", mesh.split(80, 20));
    Path bootstrap = Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri());
    app = AgentJvm.start(System.getProperty("java.home"), certs.clientTrustOptions(),
        AgentJvm.meshArgs(bootstrap), Map.of(), AgentJvm.testClasspath(), HttpProbe.class.getName());
    app.await("READY", 30);
  }

  @AfterAll
  void stop() {
    app.close();
    controlPlane.close();
    mesh.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jdkasync", "urlconnection"})
  void routesHttpsByWeightKeepingTheTlsIdentity(String client) throws Exception {
    ProbeResult r = app.call(client, 200, mesh.url());
    assertEquals(0, r.errors(), r.firstError());
    assertTrue(r.count("v2") >= 20 && r.count("v2") <= 60, r.counts().toString());
    assertEquals(ReviewsMesh.HOST + ":9443", r.hosts());
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void headerRoutingWorksOverHttps(String client) throws Exception {
    ProbeResult r = app.call(client, 20, mesh.url(), "end-user:jason");
    assertEquals(Map.of("v2", 20), r.counts(), r.firstError());
  }
}
