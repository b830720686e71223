package io.inmesh.it;

import static io.inmesh.examples.controlplane.IstiodShapes.cluster;
import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.defaultRoute;
import static io.inmesh.examples.controlplane.IstiodShapes.endpoints;
import static io.inmesh.examples.controlplane.IstiodShapes.listener;
import static io.inmesh.examples.controlplane.IstiodShapes.routeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.inmesh.examples.controlplane.IstioMutualTls;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.ClientProbe;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Backend;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ClientApps;
import io.inmesh.it.support.MeshCa;
import io.inmesh.it.support.MtlsBackend;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.Scrape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Istio's STRICT mTLS, in process: the application calls {@code http://}, the clusters say
 * {@code ISTIO_MUTUAL} in the shapes istiod sends, the servers require a client certificate of
 * the mesh, and the agent presents the workload certificate pilot-agent keeps on disk. One child
 * JVM; the bootstrap's provider re-reads its files every second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutualTlsIT {

  static final String NS = "default";
  static final String PRODUCTPAGE_ID = MeshCa.spiffeId(NS, "bookinfo-productpage");
  static final String REVIEWS_ID = MeshCa.spiffeId(NS, "bookinfo-reviews");
  static final String RATINGS_ID = MeshCa.spiffeId(NS, "bookinfo-ratings");
  static final int PORT = 9080;
  /** ISTIO_MUTUAL as the grpc generator sends it. */
  static final String REVIEWS = "reviews.default.svc.cluster.local";
  /** ISTIO_MUTUAL as sent to sidecars (SDS secret names, SNI). */
  static final String RATINGS = "ratings.default.svc.cluster.local";
  /** Requires the ratings identity but is served by a pod with the reviews identity. */
  static final String IMPOSTOR = "details.default.svc.cluster.local";
  /** A plaintext cluster (DestinationRule DISABLE, or a service outside the mesh). */
  static final String PLAIN = "legacy.default.svc.cluster.local";
  /** Names a certificate provider whose files do not exist. */
  static final String CERTLESS = "certless.default.svc.cluster.local";

  private Path certs;
  private String providers;
  private MeshCa ca;
  private MeshCa.Workload clientIdentity;
  private final List<AutoCloseable> servers = new ArrayList<>();
  private MtlsBackend reviews;
  private MtlsBackend ratings;
  private MtlsBackend impostor;
  private MtlsBackend certless;
  private Backend plain;
  private LocalControlPlane controlPlane;
  private AgentJvm app;
  private AgentJvm okhttp;
  /** Apache HttpClient 4 and 5 classic, which open the mesh's TLS on the connection they bind. */
  private AgentJvm apache4;
  private AgentJvm apache5;
  /** Reactor Netty, which opens the mesh's TLS when it sets a channel up. */
  private AgentJvm reactor;
  /** Apache HttpClient 5 async, over HTTP/1.1 (opens the mesh's TLS) and HTTP/2 (does not). */
  private AgentJvm apacheAsync;
  private AgentJvm apacheH2;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    ca = MeshCa.create();
    certs = dir.resolve("istio-data");
    clientIdentity = ca.issue(PRODUCTPAGE_ID);
    clientIdentity.writeTo(certs);
    MeshCa.Workload reviewsPod = ca.issue(REVIEWS_ID);
    reviews = add(new MtlsBackend("v1", reviewsPod.serverContext()));
    ratings = add(new MtlsBackend("v1", ca.issue(RATINGS_ID).serverContext()));
    impostor = add(new MtlsBackend("v1", reviewsPod.serverContext()));
    certless = add(new MtlsBackend("v1", reviewsPod.serverContext()));
    plain = add(new Backend("v1"));

    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("v1", resources());
    providers = """
        {
          "default": {
            "plugin_name": "file_watcher",
            "config": {
              "certificate_file": "%1$s/cert-chain.pem",
              "private_key_file": "%1$s/key.pem",
              "ca_certificate_file": "%1$s/root-cert.pem",
              "refresh_interval": "1s"
            }
          },
          "absent": {
            "plugin_name": "file_watcher",
            "config": {
              "certificate_file": "%2$s/cert-chain.pem",
              "private_key_file": "%2$s/key.pem",
              "ca_certificate_file": "%2$s/root-cert.pem",
              "refresh_interval": "1s"
            }
          }
        }""".formatted(certs, dir.resolve("never-written"));
    Path bootstrap = Bootstraps.withCertificateProviders(dir, controlPlane.serverUri(),
        "grpc-bootstrap-mtls.json", providers);
    app = AgentJvm.start(AgentJvm.meshArgs(bootstrap), Map.of(), HttpProbe.class.getName());
    okhttp = AgentJvm.start(System.getProperty("java.home"), List.of(),
        AgentJvm.meshArgs(bootstrap), Map.of(), ClientApps.classpath("okhttp-4.12.0",
            "io.inmesh.it.clients.OkHttpProbe", dir), ClientProbe.class.getName(),
        "io.inmesh.it.clients.OkHttpProbe");
    apache4 = clientApp(bootstrap, dir, "httpclient-4.5.14", "ApacheHttpClient4Probe");
    apache5 = clientApp(bootstrap, dir, "httpclient5-5.6.5", "ApacheHttpClient5Probe");
    reactor = clientApp(bootstrap, dir, "reactor-netty-http-1.3.7", "ReactorNettyProbe");
    apacheAsync = clientApp(bootstrap, dir.resolve("async"), "httpclient5-5.6.5",
        "ApacheHttpAsyncClient5Probe");
    apacheH2 = clientApp(bootstrap, dir.resolve("h2"), "httpclient5-5.6.5",
        "ApacheHttpAsyncClient5Probe", "h2");
    app.await("READY", 30);
    okhttp.await("READY", 30);
    apache4.await("READY", 30);
    apache5.await("READY", 30);
    reactor.await("READY", 30);
    apacheAsync.await("READY", 30);
    apacheH2.await("READY", 30);
  }

  private static AgentJvm clientApp(Path bootstrap, Path dir, String clientApp, String probe,
      String... mode) throws Exception {
    String probeClass = "io.inmesh.it.clients." + probe;
    List<String> args = new java.util.ArrayList<>(List.of(probeClass));
    args.addAll(List.of(mode));
    return AgentJvm.start(System.getProperty("java.home"), List.of(),
        AgentJvm.meshArgs(bootstrap), Map.of(), ClientApps.classpath(clientApp, probeClass,
            dir.resolve(clientApp)), ClientProbe.class.getName(), args.toArray(new String[0]));
  }

  private <T extends AutoCloseable> T add(T server) {
    servers.add(server);
    return server;
  }

  private XdsResources resources() {
    List<Listener> listeners = new ArrayList<>();
    List<RouteConfiguration> routes = new ArrayList<>();
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> assignments = new ArrayList<>();
    service(REVIEWS, IstioMutualTls.proxyless(cluster(REVIEWS, PORT, ""), "default",
        List.of(REVIEWS_ID)), reviews.port(), listeners, routes, clusters, assignments);
    // Envoy's SNI is outbound_.9080_._.HOST; the JDK's test server refuses underscores in SNI,
    // so the SNI here is the host (MeshTlsTest checks the underscore form goes out as is)
    service(RATINGS, IstioMutualTls.sidecar(cluster(RATINGS, PORT, ""), RATINGS,
        List.of(RATINGS_ID)), ratings.port(), listeners, routes, clusters, assignments);
    service(IMPOSTOR, IstioMutualTls.proxyless(cluster(IMPOSTOR, PORT, ""), "default",
        List.of(RATINGS_ID)), impostor.port(), listeners, routes, clusters, assignments);
    service(PLAIN, cluster(PLAIN, PORT, ""), plain.port(), listeners, routes, clusters,
        assignments);
    service(CERTLESS, IstioMutualTls.proxyless(cluster(CERTLESS, PORT, ""), "absent",
        List.of(REVIEWS_ID)), certless.port(), listeners, routes, clusters, assignments);
    return new XdsResources(listeners, routes, clusters, assignments);
  }

  private static void service(String host, Cluster cluster, int backendPort,
      List<Listener> listeners, List<RouteConfiguration> routes, List<Cluster> clusters,
      List<ClusterLoadAssignment> assignments) {
    listeners.add(listener(host, PORT));
    routes.add(routeConfig(host, PORT, List.of(defaultRoute(clusterName(host, PORT, "")))));
    clusters.add(cluster);
    assignments.add(endpoints(clusterName(host, PORT, ""), "127.0.0.1:" + backendPort));
  }

  private static String url(String host) {
    return "http://" + host + ":" + PORT + "/reviews/1";
  }

  @AfterAll
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    if (okhttp != null) {
      okhttp.close();
    }
    for (AgentJvm jvm : new AgentJvm[] {apache4, apache5, reactor, apacheAsync, apacheH2}) {
      if (jvm != null) {
        jvm.close();
      }
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    for (AutoCloseable s : servers) {
      s.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jdkasync", "urlconnection"})
  void callsTheStrictServerWithTheWorkloadIdentity(String client) throws Exception {
    ProbeResult r = app.call(client, 20, url(REVIEWS));
    assertEquals(0, r.errors(), r.firstError());
    assertEquals(20, r.count("v1"));
    assertTrue(r.hosts().startsWith(PRODUCTPAGE_ID + "#"), "the server saw " + r.hosts());
  }

  @Test
  void okHttpOpensTheMeshTlsUnderHttpToo() throws Exception {
    ProbeResult r = okhttp.call("okhttp", 10, url(REVIEWS));
    assertEquals(0, r.errors(), r.firstError());
    assertTrue(r.hosts().startsWith(PRODUCTPAGE_ID + "#"), "the server saw " + r.hosts());
    ProbeResult refused = okhttp.call("okhttp", 2, url(IMPOSTOR));
    assertEquals(2, refused.errors(), refused.toString());
    ProbeResult plaintext = okhttp.call("okhttp", 2, url(PLAIN));
    assertEquals(0, plaintext.errors(), plaintext.firstError());
  }

  @Test
  void apacheAndReactorNettyOpenTheMeshTlsToo() throws Exception {
    for (AgentJvm client : List.of(apache4, apache5, apacheAsync, reactor)) {
      ProbeResult r = client.call("lib", 10, url(REVIEWS));
      assertEquals(0, r.errors(), r.firstError());
      assertTrue(r.hosts().startsWith(PRODUCTPAGE_ID + "#"), "the server saw " + r.hosts());
      ProbeResult refused = client.call("lib", 2, url(IMPOSTOR));
      assertEquals(2, refused.errors(), refused.toString());
      ProbeResult plaintext = client.call("lib", 2, url(PLAIN));
      assertEquals(0, plaintext.errors(), plaintext.firstError());
    }
  }

  @Test
  void readsTheSidecarShapeToo() throws Exception {
    ProbeResult r = app.call("jdk", 5, url(RATINGS));
    assertEquals(0, r.errors(), r.firstError());
    assertTrue(r.hosts().startsWith(PRODUCTPAGE_ID + "#"), r.hosts());
  }

  @Test
  void refusesAServerPresentingAnotherIdentity() throws Exception {
    ProbeResult r = app.call("jdk", 3, url(IMPOSTOR));
    assertEquals(3, r.errors(), r.toString());
    assertTrue(r.firstError().contains("matches none of"), r.firstError());
    assertEquals(0, impostor.requests(), "no request reached the impostor");
  }

  @Test
  void aPlaintextClusterStaysPlaintext() throws Exception {
    ProbeResult r = app.call("jdk", 5, url(PLAIN));
    assertEquals(0, r.errors(), r.firstError());
    assertEquals(5, r.count("v1"));
  }

  @Test
  void aClientThatCannotOpenTheMeshTlsIsRefusedNeverPlaintext() throws Exception {
    int before = reviews.requests();
    String fetched = apacheH2.fetch("lib", url(REVIEWS));
    assertTrue(fetched.contains("status=503") && fetched.contains("flags=UF"), fetched);
    assertEquals(before, reviews.requests(), "nothing may reach the server in plaintext");
    assertTrue(apacheH2.stderrContains("this HTTP client cannot open it yet"),
        String.join("\n", apacheH2.stderr()));
  }

  @Test
  void noCertificateFilesIsA503NeverPlaintext() throws Exception {
    String fetched = app.fetch("jdk", url(CERTLESS));
    assertTrue(fetched.contains("status=503") && fetched.contains("flags=UF"), fetched);
    assertEquals(0, certless.requests());
    assertTrue(app.stderrContains("requires TLS but no workload certificate from certificate"
        + " provider absent"), String.join("\n", app.stderr()));
  }

  @Test
  void picksUpRotatedCertificatesWithoutFailedCalls() throws Exception {
    ProbeResult before = app.call("jdk", 3, url(REVIEWS), "x-close:1");
    assertEquals(0, before.errors(), before.firstError());
    MeshCa.Workload rotated = ca.issue(PRODUCTPAGE_ID);
    rotated.writeTo(certs);
    String expected = PRODUCTPAGE_ID + "#" + rotated.serial();
    long deadline = System.nanoTime() + 10_000_000_000L;
    ProbeResult r;
    do {
      // every call a new connection (x-close), none may fail while the files change
      r = app.call("jdk", 5, url(REVIEWS), "x-close:1");
      assertEquals(0, r.errors(), r.firstError());
    } while (!r.hosts().contains(expected) && System.nanoTime() < deadline);
    assertTrue(r.hosts().contains(expected), "rotated certificate not presented: " + r.hosts());
  }

  /**
   * {@code channel_creds} {@code tls} (gRFC A65): the agent reaches a TLS xDS server directly
   * (named {@code localhost} by its certificate), presenting the workload certificate.
   */
  @Test
  void talksToATlsXdsServerDirectly(@TempDir Path dir) throws Exception {
    try (LocalControlPlane tlsControlPlane = LocalControlPlane.onLoopback().withCredentials(
        ca.issueForHost("localhost").grpcServerCredentials(dir)).start()) {
      tlsControlPlane.setResources("v1", resources());
      String json = java.nio.file.Files.readString(Bootstraps.withCertificateProviders(dir,
          "localhost:" + tlsControlPlane.port(), "grpc-bootstrap.json", providers));
      Path bootstrap = java.nio.file.Files.writeString(dir.resolve("tls-bootstrap.json"),
          json.replace("\"channel_creds\": [ { \"type\": \"insecure\" } ]",
              ("\"channel_creds\": [ { \"type\": \"google_default\" }, { \"type\": \"tls\","
                  + " \"config\": { \"certificate_file\": \"%1$s/cert-chain.pem\","
                  + " \"private_key_file\": \"%1$s/key.pem\","
                  + " \"ca_certificate_file\": \"%1$s/root-cert.pem\" } } ]").formatted(certs)));
      try (AgentJvm direct = AgentJvm.start(AgentJvm.meshArgs(bootstrap), Map.of(),
          HttpProbe.class.getName())) {
        direct.await("READY", 30);
        ProbeResult r = direct.call("jdk", 3, url(REVIEWS));
        assertEquals(0, r.errors(), r.firstError() + "\n" + String.join("\n", direct.stderr()));
        assertTrue(r.hosts().startsWith(PRODUCTPAGE_ID + "#"), r.hosts());
      }
    }
  }

  @Test
  void istioMetricsSayMutualTlsAndTheServersIdentity() throws Exception {
    app.call("jdk", 2, url(REVIEWS));
    String address = Scrape.metricsAddress(app);
    long deadline = System.nanoTime() + 10_000_000_000L;
    String scrape;
    do {
      scrape = Scrape.metrics(address);
    } while (!scrape.contains("connection_security_policy=\"mutual_tls\"")
        && System.nanoTime() < deadline);
    String line = scrape.lines().filter(l -> l.startsWith("istio_requests_total{")
        && l.contains("destination_service=\"" + REVIEWS + "\"")).findFirst().orElse("");
    assertTrue(line.contains("connection_security_policy=\"mutual_tls\""), scrape);
    assertTrue(line.contains("destination_principal=\"" + REVIEWS_ID + "\""), line);
    String plainLine = scrape.lines().filter(l -> l.startsWith("istio_requests_total{")
        && l.contains("destination_service=\"" + PLAIN + "\"")).findFirst().orElse("");
    assertTrue(plainLine.isEmpty() || plainLine.contains("connection_security_policy=\"unknown\""),
        plainLine);
  }
}
