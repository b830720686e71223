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
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.ClientProbe;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Backend;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ClientApps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.Scrape;
import io.inmesh.it.support.ReviewsMesh;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a VirtualService's fault injection, an EnvoyFilter's local rate limit and a
 * DestinationRule's outlier detection become in Envoy configuration, enforced in process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResilienceIT {

  private static final String HOST = ReviewsMesh.HOST;
  private static final int PORT = ReviewsMesh.PORT;
  private static final String BASE = "http://" + HOST + ":" + PORT;
  private static final String FAULT = "envoy.filters.http.fault";
  private static final String RATE_LIMIT = "envoy.filters.http.local_ratelimit";

  private Backend v1;
  private Backend good;
  private Backend failing;
  private LocalControlPlane controlPlane;
  private AgentJvm app;
  /** Reactor Netty, which reports its calls' ends late (see OutcomeAdvice). */
  private AgentJvm reactor;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    v1 = new Backend("v1");
    good = new Backend("good");
    failing = new Backend("failing", null, 503);
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", resources());
    app = AgentJvm.start(AgentJvm.meshArgs(Bootstraps.pilotAgentShaped(dir,
        controlPlane.serverUri())), Map.of(), HttpProbe.class.getName());
    String probe = "io.inmesh.it.clients.ReactorNettyProbe";
    reactor = AgentJvm.start(System.getProperty("java.home"), AgentJvm.meshArgs(
        Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri())), Map.of(),
        ClientApps.classpath("reactor-netty-http-1.3.7", probe, dir), ClientProbe.class.getName(),
        probe);
    app.await("READY", 30);
    reactor.await("READY", 30);
  }

  @AfterAll
  void stop() {
    app.close();
    reactor.close();
    controlPlane.close();
    v1.close();
    good.close();
    failing.close();
  }

  private static FractionalPercent percent(int value) {
    return FractionalPercent.newBuilder().setNumerator(value)
        .setDenominator(FractionalPercent.DenominatorType.HUNDRED).build();
  }

  private static Route faultRoute(String prefix, HTTPFault fault, String cluster) {
    return Route.newBuilder().setName(prefix)
        .setMatch(RouteMatch.newBuilder().setPrefix(prefix))
        .setRoute(RouteAction.newBuilder().setCluster(cluster))
        .putTypedPerFilterConfig(FAULT, Any.pack(fault))
        .build();
  }

  private XdsResources resources() {
    String v1Cluster = clusterName(HOST, PORT, "v1");
    String flaky = clusterName(HOST, PORT, "flaky");
    String reactorFlaky = clusterName(HOST, PORT, "reactor-flaky");
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(routeConfigName(HOST, PORT))
            .setConfigSource(ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName(FAULT)
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName(RATE_LIMIT)
            .setTypedConfig(Any.pack(LocalRateLimit.newBuilder()
                .setStatPrefix("http_local_rate_limiter").build())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    Listener listener = Listener.newBuilder().setName(listenerName(HOST, PORT))
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
    LocalRateLimit fivePerTenSeconds = LocalRateLimit.newBuilder()
        .setStatPrefix("http_local_rate_limiter")
        .setTokenBucket(TokenBucket.newBuilder().setMaxTokens(5)
            .setTokensPerFill(UInt32Value.of(5))
            .setFillInterval(com.google.protobuf.Duration.newBuilder().setSeconds(10)))
        .setFilterEnabled(RuntimeFractionalPercent.newBuilder().setRuntimeKey("enabled")
            .setDefaultValue(percent(100)))
        .setFilterEnforced(RuntimeFractionalPercent.newBuilder().setRuntimeKey("enforced")
            .setDefaultValue(percent(100)))
        .build();
    VirtualHost vhost = VirtualHost.newBuilder()
        .setName(HOST + ":" + PORT)
        .addAllDomains(domains(HOST, PORT))
        .addRoutes(faultRoute("/abort-all", HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder()
            .setHttpStatus(503).setPercentage(percent(100))).build(), v1Cluster))
        .addRoutes(faultRoute("/abort-half", HTTPFault.newBuilder().setAbort(
            FaultAbort.newBuilder().setHttpStatus(503).setPercentage(percent(50))).build(),
            v1Cluster))
        .addRoutes(faultRoute("/delay", HTTPFault.newBuilder().setDelay(FaultDelay.newBuilder()
            .setFixedDelay(com.google.protobuf.Duration.newBuilder().setNanos(300_000_000))
            .setPercentage(percent(100))).build(), v1Cluster))
        .addRoutes(Route.newBuilder().setName("limited")
            .setMatch(RouteMatch.newBuilder().setPrefix("/limited"))
            .setRoute(RouteAction.newBuilder().setCluster(v1Cluster))
            .putTypedPerFilterConfig(RATE_LIMIT, Any.pack(fivePerTenSeconds)))
        .addRoutes(Route.newBuilder().setName("flaky")
            .setMatch(RouteMatch.newBuilder().setPrefix("/flaky"))
            .setRoute(RouteAction.newBuilder().setCluster(flaky)))
        .addRoutes(Route.newBuilder().setName("reactor-flaky")
            .setMatch(RouteMatch.newBuilder().setPrefix("/reactor-flaky"))
            .setRoute(RouteAction.newBuilder().setCluster(reactorFlaky)))
        .addRoutes(Route.newBuilder().setName("default")
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(RouteAction.newBuilder().setCluster(v1Cluster)))
        .build();
    OutlierDetection outliers = OutlierDetection.newBuilder()
        .setConsecutive5Xx(UInt32Value.of(3))
        .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(1))
        .setBaseEjectionTime(com.google.protobuf.Duration.newBuilder().setSeconds(60))
        .setMaxEjectionPercent(UInt32Value.of(100))
        .build();
    var flakyCluster = cluster(HOST, PORT, "flaky").toBuilder()
        .setOutlierDetection(outliers).build();
    var reactorFlakyCluster = cluster(HOST, PORT, "reactor-flaky").toBuilder()
        .setOutlierDetection(outliers).build();
    return new XdsResources(
        List.of(listener),
        List.of(RouteConfiguration.newBuilder().setName(routeConfigName(HOST, PORT))
            .addVirtualHosts(vhost).build()),
        List.of(cluster(HOST, PORT, "v1"), flakyCluster, reactorFlakyCluster),
        List.of(endpoints(v1Cluster, "127.0.0.1:" + v1.port()),
            endpoints(flaky, "127.0.0.1:" + good.port(), "127.0.0.1:" + failing.port()),
            endpoints(reactorFlaky, "127.0.0.1:" + good.port(),
                "127.0.0.1:" + failing.port())));
  }

  @Test
  void aFullAbortAnswersEveryCallWithTheFaultStatus() throws Exception {
    ProbeResult r = app.call("jdk", 10, BASE + "/abort-all");
    assertEquals(Map.of("status-503-FI", 10), r.counts(), r.firstError());
    ProbeResult u = app.call("urlconnection", 5, BASE + "/abort-all");
    assertEquals(Map.of("status-503-FI", 5), u.counts(), u.firstError());
  }

  @Test
  void aHalfAbortHitsAboutHalfTheCalls() throws Exception {
    ProbeResult r = app.call("jdk", 400, BASE + "/abort-half");
    int aborted = r.count("status-503-FI");
    assertEquals(400, aborted + r.count("v1"), r.counts().toString());
    // binomial(400, 0.5): 4.5 standard deviations either side
    assertTrue(aborted >= 155 && aborted <= 245, "aborted " + aborted + " of 400");
  }

  @Test
  void aDelayHoldsTheCall() throws Exception {
    long start = System.nanoTime();
    String r = app.fetch("jdk", BASE + "/delay");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(r.contains("status=200"), r);
    assertTrue(millis >= 300, "took " + millis + " ms");
  }

  @Test
  void theLocalRateLimitAdmitsTheBucketAndRefusesTheRest() throws Exception {
    ProbeResult r = app.call("jdk", 20, BASE + "/limited");
    assertEquals(Map.of("v1", 5, "status-429-RL", 15), r.counts(), r.firstError());
  }

  @Test
  void aFailingEndpointIsEjectedAndTheHealthyOneTakesTheCalls() throws Exception {
    assertTheHealthyEndpointTakesEveryCall(app, "jdk", "/flaky");
    // the agent's health shows it (base ejection time 60 s: still ejected)
    String scrape = Scrape.metrics(Scrape.metricsAddress(app));
    assertTrue(scrape.contains("inmesh_outlier_ejected_hosts 1.0"), scrape);
  }

  @Test
  void aFailingEndpointIsEjectedForAClientThatReportsItsCallsLate() throws Exception {
    assertTheHealthyEndpointTakesEveryCall(reactor, "lib", "/reactor-flaky");
  }

  /** Calls until the failing endpoint is ejected: then every call is the healthy one's. */
  private static void assertTheHealthyEndpointTakesEveryCall(AgentJvm jvm, String client,
      String path) throws Exception {
    jvm.call(client, 20, BASE + path);
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    ProbeResult r;
    do {
      Thread.sleep(300);
      r = jvm.call(client, 20, BASE + path);
    } while (!r.counts().equals(Map.of("good", 20)) && System.nanoTime() < deadline);
    assertEquals(Map.of("good", 20), r.counts(), r.firstError());
  }
}
