package io.inmesh.it;

import static io.inmesh.examples.controlplane.IstiodShapes.cluster;
import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.domains;
import static io.inmesh.examples.controlplane.IstiodShapes.endpoints;
import static io.inmesh.examples.controlplane.IstiodShapes.listenerName;
import static io.inmesh.examples.controlplane.IstiodShapes.routeConfigName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.ClientProbe;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Backend;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ClientApps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VirtualService's retries and timeout (route {@code retry_policy} and {@code timeout}) enforced
 * in process for the JDK HttpClient, OkHttp and Apache HttpClient 4 and 5 classic: failed
 * attempts are re-sent to another endpoint, and a route timeout answers 504 with flag UT, as behind
 * an Envoy sidecar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetriesAndTimeoutsIT {

  private static final String HOST = ReviewsMesh.HOST;
  private static final int PORT = ReviewsMesh.PORT;
  private static final String BASE = "http://" + HOST + ":" + PORT;
  private static final String OKHTTP_PROBE = "io.inmesh.it.clients.OkHttpProbe";
  private static final String APACHE5_PROBE = "io.inmesh.it.clients.ApacheHttpClient5Probe";
  private static final String APACHE4_PROBE = "io.inmesh.it.clients.ApacheHttpClient4Probe";

  private Backend good;
  private Backend failing;
  private Backend slow;
  private int closedPort;
  private LocalControlPlane controlPlane;
  private AgentJvm app;
  /** OkHttp 4, whose attempts its interceptor sends itself (the synchronous path). */
  private AgentJvm okhttp;
  /** Apache HttpClient 5 classic at its oldest supported version: doExecute once per attempt. */
  private AgentJvm apache5;
  /** Apache HttpClient 4 at its oldest supported version, likewise. */
  private AgentJvm apache4;
  private Path accessLog;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    good = new Backend("good");
    failing = new Backend("failing", null, 503);
    slow = new Backend("slow", null, 200, 3000);
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", resources());
    accessLog = dir.resolve("access.log");
    app = AgentJvm.start(AgentJvm.meshArgs(Bootstraps.pilotAgentShaped(dir,
        controlPlane.serverUri())) + ",access_log=" + accessLog, Map.of(),
        HttpProbe.class.getName());
    okhttp = AgentJvm.start(System.getProperty("java.home"), AgentJvm.meshArgs(
        Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri())), Map.of(),
        ClientApps.classpath("okhttp-4.12.0", OKHTTP_PROBE, dir), ClientProbe.class.getName(),
        OKHTTP_PROBE);
    apache5 = AgentJvm.start(System.getProperty("java.home"), AgentJvm.meshArgs(
        Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri())), Map.of(),
        ClientApps.classpath("httpclient5-5.0.4", APACHE5_PROBE, dir),
        ClientProbe.class.getName(), APACHE5_PROBE);
    apache4 = AgentJvm.start(System.getProperty("java.home"), AgentJvm.meshArgs(
        Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri())), Map.of(),
        ClientApps.classpath("httpclient-4.4.1", APACHE4_PROBE, dir),
        ClientProbe.class.getName(), APACHE4_PROBE);
    app.await("READY", 30);
    okhttp.await("READY", 30);
    apache5.await("READY", 30);
    apache4.await("READY", 30);
    controlPlane.awaitOpenStreams(4, java.time.Duration.ofSeconds(10));
  }

  @AfterAll
  void stop() {
    app.close();
    okhttp.close();
    apache5.close();
    apache4.close();
    controlPlane.close();
    good.close();
    failing.close();
    slow.close();
  }

  private static Route route(String prefix, String cluster, RetryPolicy retry,
      com.google.protobuf.Duration timeout) {
    RouteAction.Builder action = RouteAction.newBuilder().setCluster(cluster);
    if (retry != null) {
      action.setRetryPolicy(retry);
    }
    if (timeout != null) {
      action.setTimeout(timeout);
    }
    return Route.newBuilder().setName(prefix)
        .setMatch(RouteMatch.newBuilder().setPrefix(prefix))
        .setRoute(action)
        .build();
  }

  private XdsResources resources() {
    String flaky = clusterName(HOST, PORT, "flaky");
    String refused = clusterName(HOST, PORT, "refused");
    String slowCluster = clusterName(HOST, PORT, "slow");
    String slowPair = clusterName(HOST, PORT, "slowpair");
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(routeConfigName(HOST, PORT))
            .setConfigSource(ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    Listener listener = Listener.newBuilder().setName(listenerName(HOST, PORT))
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
    RetryPolicy retry5xx = RetryPolicy.newBuilder().setRetryOn("5xx")
        .setNumRetries(UInt32Value.of(2)).build();
    // What istiod writes for a VirtualService without a retries block.
    RetryPolicy istioDefault = RetryPolicy.newBuilder()
        .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,"
            + "retriable-status-codes")
        .setNumRetries(UInt32Value.of(2))
        .addRetriableStatusCodes(503)
        .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
            .setName("envoy.retry_host_predicates.previous_hosts")
            .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
        .setHostSelectionRetryMaxAttempts(5)
        .build();
    VirtualHost vhost = VirtualHost.newBuilder()
        .setName(HOST + ":" + PORT)
        .addAllDomains(domains(HOST, PORT))
        .addRoutes(route("/retry-5xx", flaky, retry5xx, null))
        .addRoutes(route("/istio-default", refused, istioDefault, null))
        .addRoutes(route("/per-try", slowPair, RetryPolicy.newBuilder().setRetryOn("reset")
            .setNumRetries(UInt32Value.of(2))
            .setPerTryTimeout(com.google.protobuf.Duration.newBuilder().setNanos(200_000_000))
            .build(), null))
        .addRoutes(route("/slow", slowCluster, null,
            com.google.protobuf.Duration.newBuilder().setNanos(300_000_000).build()))
        .build();
    return new XdsResources(
        List.of(listener),
        List.of(RouteConfiguration.newBuilder().setName(routeConfigName(HOST, PORT))
            .addVirtualHosts(vhost).build()),
        List.of(cluster(HOST, PORT, "flaky"), cluster(HOST, PORT, "refused"),
            cluster(HOST, PORT, "slow"), cluster(HOST, PORT, "slowpair")),
        List.of(endpoints(flaky, "127.0.0.1:" + failing.port(), "127.0.0.1:" + good.port()),
            endpoints(refused, "127.0.0.1:" + closedPort, "127.0.0.1:" + good.port()),
            endpoints(slowCluster, "127.0.0.1:" + slow.port()),
            endpoints(slowPair, "127.0.0.1:" + slow.port(), "127.0.0.1:" + good.port())));
  }

  @Test
  void a5xxIsRetriedOnTheHealthyEndpoint() throws Exception {
    int before = failing.requests();
    ProbeResult r = app.call("jdk", 10, BASE + "/retry-5xx");
    assertEquals(Map.of("good", 10), r.counts(), r.firstError());
    ProbeResult async = app.call("jdkasync", 10, BASE + "/retry-5xx");
    assertEquals(Map.of("good", 10), async.counts(), async.firstError());
    for (AgentJvm library : new AgentJvm[] {okhttp, apache5, apache4}) {
      int beforeLibrary = failing.requests();
      assertAnsweredWithin(library, 10, "/retry-5xx", Map.of("good", 10), 10_000);
      assertTrue(failing.requests() > beforeLibrary, "the failing endpoint was never tried");
    }
    assertTrue(failing.requests() > before, "the failing endpoint was never tried");
  }

  @Test
  void everyAttemptIsReportedOnce() throws Exception {
    int before = failing.requests();
    ProbeResult r = app.call("jdk", 6, BASE + "/retry-5xx/attempts");
    assertEquals(Map.of("good", 6), r.counts(), r.firstError());
    int failed = failing.requests() - before;
    assertTrue(failed > 0, "the failing endpoint was never tried");
    List<String> lines = accessLogLines("/retry-5xx/attempts", 6 + failed);
    assertEquals(6 + failed, lines.size(), String.join("\n", lines));
    assertEquals(failed, lines.stream().filter(l -> l.contains("\"response_code\":503")).count(),
        String.join("\n", lines));
    assertEquals(6, lines.stream().filter(l -> l.contains("\"response_code\":200")).count(),
        String.join("\n", lines));
  }

  /** The access log lines for a path, once at least {@code expected} are there (or 5 s). */
  private List<String> accessLogLines(String path, int expected) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    List<String> lines = List.of();
    while (System.nanoTime() < deadline) {
      lines = java.nio.file.Files.exists(accessLog)
          ? java.nio.file.Files.readAllLines(accessLog).stream()
              .filter(l -> l.contains(path)).toList() : List.of();
      if (lines.size() >= expected) {
        Thread.sleep(200); // and no more than that
        return java.nio.file.Files.readAllLines(accessLog).stream()
            .filter(l -> l.contains(path)).toList();
      }
      Thread.sleep(100);
    }
    return lines;
  }

  @Test
  void istiosDefaultPolicyRetriesARefusedConnectionOnAnotherHost() throws Exception {
    ProbeResult r = app.call("jdk", 10, BASE + "/istio-default");
    assertEquals(Map.of("good", 10), r.counts(), r.firstError());
    ProbeResult async = app.call("jdkasync", 10, BASE + "/istio-default");
    assertEquals(Map.of("good", 10), async.counts(), async.firstError());
    for (AgentJvm library : new AgentJvm[] {okhttp, apache5, apache4}) {
      assertAnsweredWithin(library, 10, "/istio-default", Map.of("good", 10), 10_000);
    }
  }

  @Test
  void anAttemptPastItsPerTryTimeoutIsRetriedElsewhere() throws Exception {
    long start = System.nanoTime();
    ProbeResult r = app.call("jdk", 4, BASE + "/per-try");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Map.of("good", 4), r.counts(), r.firstError());
    // a call that waited for the slow endpoint would take 3 s; the margin is for a loaded machine
    assertTrue(millis < 2800, "took " + millis + " ms");
    List<String> lines = accessLogLines("/per-try", 5);
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"response_flags\":\"UT\"")),
        String.join("\n", lines));
    for (AgentJvm library : new AgentJvm[] {okhttp, apache5, apache4}) {
      assertAnsweredWithin(library, 4, "/per-try", Map.of("good", 4), 2800);
    }
  }

  /** {@code count} calls of one client library's probe, with their answers and how long. */
  private static void assertAnsweredWithin(AgentJvm library, int count, String path,
      Map<String, Integer> expected, long maxMillis) throws Exception {
    long start = System.nanoTime();
    ProbeResult r = library.call("lib", count, BASE + path);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(expected, r.counts(), r.firstError());
    assertTrue(millis < maxMillis, path + " took " + millis + " ms");
  }

  @Test
  void theRouteTimeoutAnswers504UpstreamTimeout() throws Exception {
    long start = System.nanoTime();
    ProbeResult r = app.call("jdk", 1, BASE + "/slow");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Map.of("status-504-UT", 1), r.counts(), r.firstError());
    assertTrue(millis < 1500, "took " + millis + " ms");
    ProbeResult async = app.call("jdkasync", 2, BASE + "/slow");
    assertEquals(Map.of("status-504-UT", 2), async.counts(), async.firstError());
    List<String> lines = accessLogLines("/slow\"", 3);
    assertEquals(3, lines.size(), String.join("\n", lines));
    assertTrue(lines.stream().allMatch(l -> l.contains("\"response_flags\":\"UT\"")),
        String.join("\n", lines));
    for (AgentJvm library : new AgentJvm[] {okhttp, apache5, apache4}) {
      assertAnsweredWithin(library, 2, "/slow", Map.of("status-504-UT", 2), 2500);
    }
  }
}
