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

import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.ClientProbe;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ClientApps;
import io.inmesh.it.support.H2Backend;
import io.inmesh.it.support.ProbeResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
  private LocalControlPlane controlPlane;
  private Path bootstrap;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    v1a = new H2Backend("v1");
    v1b = new H2Backend("v1");
    v2 = new H2Backend("v2");
    controlPlane = LocalControlPlane.onLoopback().start();
    String v1Cluster = clusterName(HOST, PORT, "v1");
    String v2Cluster = clusterName(HOST, PORT, "v2");
    controlPlane.setResources("1", new XdsResources(
        List.of(listener(HOST, PORT)),
        List.of(routeConfig(HOST, PORT, List.of(
            headerRoute("jason", "end-user", "jason", v2Cluster),
            defaultRoute(List.of(weight(v1Cluster, 80), weight(v2Cluster, 20)))))),
        List.of(cluster(HOST, PORT, "v1"), cluster(HOST, PORT, "v2")),
        List.of(endpoints(v1Cluster, "127.0.0.1:" + v1a.port(), "127.0.0.1:" + v1b.port()),
            endpoints(v2Cluster, "127.0.0.1:" + v2.port()))));
    bootstrap = Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri());
  }

  @AfterAll
  void stop() throws Exception {
    controlPlane.close();
    v1a.close();
    v1b.close();
    v2.close();
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
    } finally {
      app.close();
    }
  }
}
