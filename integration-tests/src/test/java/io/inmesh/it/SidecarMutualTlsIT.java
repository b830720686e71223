package io.inmesh.it;

import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.defaultRoute;
import static io.inmesh.examples.controlplane.IstiodShapes.endpoints;
import static io.inmesh.examples.controlplane.SidecarShapes.edsCluster;
import static io.inmesh.examples.controlplane.SidecarShapes.httpListener;
import static io.inmesh.examples.controlplane.SidecarShapes.meshEndpoints;
import static io.inmesh.examples.controlplane.SidecarShapes.passthroughCluster;
import static io.inmesh.examples.controlplane.SidecarShapes.routeConfig;
import static io.inmesh.examples.controlplane.SidecarShapes.tcpListener;
import static io.inmesh.examples.controlplane.SidecarShapes.virtualHost;
import static io.inmesh.examples.controlplane.SidecarShapes.virtualOutbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.apps.TcpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Backend;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.MeshCa;
import io.inmesh.it.support.MtlsBackend;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.TcpEcho;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Istio's automatic mTLS in sidecar mode: istiod's sidecar clusters carry
 * {@code transport_socket_matches} ({@code tlsMode-istio} with SDS secrets {@code default} and
 * {@code ROOTCA}, {@code tlsMode-disabled} plaintext) and its EDS marks the endpoints of mesh
 * workloads {@code tlsMode: istio}. The agent, with pilot-agent's bootstrap certificate provider,
 * calls marked endpoints with the workload certificate and the others in plaintext, per endpoint:
 * during a migration one cluster has both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarMutualTlsIT {

  static final int PORT = 9080;
  static final String PRODUCTPAGE_ID = MeshCa.spiffeId("default", "bookinfo-productpage");
  static final String REVIEWS_ID = MeshCa.spiffeId("default", "bookinfo-reviews");
  static final String RATINGS_ID = MeshCa.spiffeId("default", "bookinfo-ratings");
  /** One STRICT mTLS pod (tlsMode: istio) and one pod without a sidecar, behind one cluster. */
  static final String REVIEWS = "reviews.default.svc.cluster.local";
  /** No sidecar anywhere: plaintext. */
  static final String DETAILS = "details.default.svc.cluster.local";
  /** A TCP service whose pod has a sidecar (STRICT mTLS), on its VIP. */
  static final String DB = "ratings-db.default.svc.cluster.local";
  static final String DB_VIP = "127.96.0.25";
  static final int DB_PORT = 7000;
  /** Must present the ratings identity; its pod presents the reviews one. */
  static final String RATINGS = "ratings.default.svc.cluster.local";

  private MtlsBackend reviewsMesh;
  private Backend reviewsLegacy;
  private Backend details;
  private MtlsBackend impostor;
  private TcpEcho db;
  private AgentJvm tcp;
  private LocalControlPlane controlPlane;
  private AgentJvm app;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    MeshCa ca = MeshCa.create();
    Path certs = dir.resolve("istio-data");
    ca.issue(PRODUCTPAGE_ID).writeTo(certs);
    MeshCa.Workload reviewsPod = ca.issue(REVIEWS_ID);
    reviewsMesh = new MtlsBackend("mesh", reviewsPod.serverContext());
    reviewsLegacy = new Backend("legacy");
    details = new Backend("details");
    impostor = new MtlsBackend("impostor", reviewsPod.serverContext());
    db = TcpEcho.mutualTls("db", ca.issue(MeshCa.spiffeId("default", "ratings-db"))
        .serverContext());
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", resources());
    // pilot-agent's bootstrap: its file_watcher provider "default" serves the SDS secrets
    Path bootstrap = Bootstraps.sidecarWithCertificateProviders(dir, controlPlane.serverUri(),
        "sidecar-bootstrap-mtls.json", """
            {
              "default": {
                "plugin_name": "file_watcher",
                "config": {
                  "certificate_file": "%1$s/cert-chain.pem",
                  "private_key_file": "%1$s/key.pem",
                  "ca_certificate_file": "%1$s/root-cert.pem",
                  "refresh_interval": "900s"
                }
              }
            }""".formatted(certs));
    app = AgentJvm.start(AgentJvm.meshArgs(bootstrap), Map.of(), HttpProbe.class.getName());
    tcp = AgentJvm.start(AgentJvm.meshArgs(bootstrap), Map.of(), TcpProbe.class.getName());
    app.await("READY", 30);
    tcp.await("READY", 30);
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {app, tcp, controlPlane, reviewsMesh,
        reviewsLegacy, details, impostor, db}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private XdsResources resources() {
    String reviews = clusterName(REVIEWS, PORT, "");
    String detailsCluster = clusterName(DETAILS, PORT, "");
    String ratings = clusterName(RATINGS, PORT, "");
    String dbCluster = clusterName(DB, DB_PORT, "");
    // istiod's SNI is outbound_.9080_._.HOST; the JDK's test server refuses underscores in SNI
    ClusterLoadAssignment.Builder reviewsEndpoints = meshEndpoints(reviews,
        "127.0.0.1:" + reviewsMesh.port(), "127.0.0.1:" + reviewsLegacy.port()).toBuilder();
    // the pod without a sidecar: istiod writes no tlsMode for it
    reviewsEndpoints.getEndpointsBuilder(0).getLbEndpointsBuilder(1).clearMetadata();
    return new XdsResources(
        List.of(httpListener(PORT, List.of()), virtualOutbound(),
            tcpListener(DB_VIP, DB_PORT, dbCluster, List.of())),
        List.of(routeConfig(PORT, List.of(
            virtualHost(REVIEWS, PORT, "127.96.0.21", List.of(defaultRoute(reviews))),
            virtualHost(DETAILS, PORT, "127.96.0.22", List.of(defaultRoute(detailsCluster))),
            virtualHost(RATINGS, PORT, "127.96.0.23", List.of(defaultRoute(ratings)))))),
        List.of(
            edsCluster(REVIEWS, PORT, "", null, null, REVIEWS, List.of(REVIEWS_ID)),
            edsCluster(DETAILS, PORT, "", null, null),
            edsCluster(RATINGS, PORT, "", null, null, RATINGS, List.of(RATINGS_ID)),
            edsCluster(DB, DB_PORT, "", null, null, DB,
                List.of(MeshCa.spiffeId("default", "ratings-db"))),
            passthroughCluster()),
        List.of(reviewsEndpoints.build(),
            endpoints(detailsCluster, "127.0.0.1:" + details.port()),
            meshEndpoints(ratings, "127.0.0.1:" + impostor.port()),
            meshEndpoints(dbCluster, "127.0.0.1:" + db.port())));
  }

  private static String url(String host) {
    return "http://" + host + ":" + PORT + "/reviews/1";
  }

  @Test
  void eachEndpointGetsTheTransportSocketItsTlsModeSelects() throws Exception {
    int meshBefore = reviewsMesh.requests();
    ProbeResult r = app.call("jdk", 40, url(REVIEWS));
    assertEquals(0, r.errors(), r.firstError());
    assertEquals(40, r.count("mesh") + r.count("legacy"), r.counts().toString());
    assertTrue(r.count("mesh") > 0 && r.count("legacy") > 0, r.counts().toString());
    assertEquals(r.count("mesh"), reviewsMesh.requests() - meshBefore);
    assertTrue(r.hosts().contains(PRODUCTPAGE_ID + "#"),
        "the STRICT pod saw the workload certificate: " + r.hosts());
  }

  @Test
  void endpointsWithoutTlsModeStayPlaintext() throws Exception {
    ProbeResult r = app.call("urlconnection", 5, url(DETAILS));
    assertEquals(0, r.errors(), r.firstError());
    assertEquals(5, r.count("details"));
  }

  @Test
  void withoutCertificatesMtlsEndpointsFailAndTheOthersServe(@TempDir Path dir) throws Exception {
    // a hand-written bootstrap without pilot-agent's certificate provider
    Path bootstrap = Bootstraps.sidecarWithCertificateProviders(dir, controlPlane.serverUri(),
        "sidecar-bootstrap-no-certs.json", "{}");
    try (AgentJvm certless = AgentJvm.start(AgentJvm.meshArgs(bootstrap), Map.of(),
        HttpProbe.class.getName())) {
      certless.await("READY", 30);
      int meshBefore = reviewsMesh.requests();
      ProbeResult r = certless.call("jdk", 20, url(REVIEWS));
      assertEquals(20, r.count("legacy") + r.count("status-503-UF"), r.counts().toString());
      assertTrue(r.count("legacy") > 0 && r.count("status-503-UF") > 0, r.counts().toString());
      assertEquals(meshBefore, reviewsMesh.requests(), "nothing went to the mTLS pod in plaintext");
      ProbeResult plain = certless.call("jdk", 3, url(DETAILS));
      assertEquals(Map.of("details", 3), plain.counts(), plain.firstError());
    }
  }

  @Test
  void aTcpConnectionToAnMtlsPodIsCarriedOverTheMeshsTls() throws Exception {
    tcp.send("socket " + DB_VIP + " " + DB_PORT);
    assertEquals("OK db " + PRODUCTPAGE_ID + " ping", tcp.await("", 20),
        "the pod saw the workload certificate, and the application's bytes");
    tcp.send("nio " + DB_VIP + " " + DB_PORT);
    assertEquals("OK db " + PRODUCTPAGE_ID + " ping", tcp.await("", 20));
    assertEquals(2, db.connections());
  }

  @Test
  void theSocketMatchsSubjectAltNamesAreEnforced() throws Exception {
    ProbeResult r = app.call("jdk", 2, url(RATINGS));
    assertEquals(2, r.errors(), r.toString());
    assertTrue(r.firstError().contains("matches none of"), r.firstError());
    assertEquals(0, impostor.requests(), "no request reached the impostor");
  }
}
