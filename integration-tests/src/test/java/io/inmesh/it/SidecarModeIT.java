package io.inmesh.it;

import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.endpoints;
import static io.inmesh.examples.controlplane.SidecarShapes.blackHoleCluster;
import static io.inmesh.examples.controlplane.SidecarShapes.edsCluster;
import static io.inmesh.examples.controlplane.SidecarShapes.httpListener;
import static io.inmesh.examples.controlplane.SidecarShapes.httpLocalRateLimit;
import static io.inmesh.examples.controlplane.SidecarShapes.inboundCluster;
import static io.inmesh.examples.controlplane.SidecarShapes.inboundPassthroughCluster;
import static io.inmesh.examples.controlplane.SidecarShapes.nameTable;
import static io.inmesh.examples.controlplane.SidecarShapes.networkFilter;
import static io.inmesh.examples.controlplane.SidecarShapes.networkLocalRateLimit;
import static io.inmesh.examples.controlplane.SidecarShapes.passthroughCluster;
import static io.inmesh.examples.controlplane.SidecarShapes.routeConfig;
import static io.inmesh.examples.controlplane.SidecarShapes.tcpListener;
import static io.inmesh.examples.controlplane.SidecarShapes.virtualHost;
import static io.inmesh.examples.controlplane.SidecarShapes.virtualInbound;
import static io.inmesh.examples.controlplane.SidecarShapes.virtualOutbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.inmesh.examples.controlplane.IstiodShapes;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.SidecarShapes;
import io.inmesh.examples.controlplane.SidecarShapes.NameInfo;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.apps.TcpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Backend;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.Scrape;
import io.inmesh.it.support.TcpEcho;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent in sidecar mode against resources shaped as istiod sends them to an Envoy sidecar, for
 * a small Bookinfo: HTTP services behind {@code 0.0.0.0_9080} (RDS {@code 9080}) with a 90/10
 * split, retries onto the healthy endpoint, outlier detection and a fault; an EnvoyFilter's local
 * rate limit (TypedStruct) on {@code 0.0.0.0_9081}; TCP services on VIPs ({@code VIP_5432},
 * {@code VIP_7000}) reached by JDBC and by plain sockets, by address and by name (NDS), one behind
 * a network local rate limit, one under a DestinationRule's {@code maxConnections};
 * {@code PassthroughCluster} for everything else, then {@code BlackHoleCluster} (REGISTRY_ONLY).
 * The same HTTP application in proxyless mode still works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarModeIT {

  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String RATINGS = "ratings.default.svc.cluster.local";
  private static final String DETAILS = "details.default.svc.cluster.local";
  private static final String RATINGS_DB = "ratings-db.default.svc.cluster.local";
  private static final String ECHO = "echo.default.svc.cluster.local";
  private static final String ECHO_LIMITED = "echo-limited.default.svc.cluster.local";
  private static final String ECHO_POOLED = "echo-pooled.default.svc.cluster.local";
  /** Fake VIPs: loopback addresses nothing listens on. */
  private static final String REVIEWS_VIP = "127.96.0.10";
  private static final String RATINGS_VIP = "127.96.0.11";
  private static final String DETAILS_VIP = "127.96.0.12";
  private static final String RATINGS_DB_VIP = "127.96.0.15";
  private static final String ECHO_VIP = "127.96.0.16";
  private static final String ECHO_LIMITED_VIP = "127.96.0.17";
  private static final String ECHO_POOLED_VIP = "127.96.0.18";
  private static final int HTTP_PORT = 9080;
  private static final int LIMITED_PORT = 9081;
  private static final int ECHO_PORT = 7000;
  private static final String FAULT = "envoy.filters.http.fault";

  private Backend reviewsV1;
  private Backend reviewsV2;
  private Backend ratings;
  private Backend ratingsFailing;
  private Backend details;
  private TcpEcho echo;
  private TcpEcho outside;
  private LocalControlPlane controlPlane;
  private AgentJvm http;
  private AgentJvm tcp;
  private Path dir;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    reviewsV1 = new Backend("v1");
    reviewsV2 = new Backend("v2");
    ratings = new Backend("ratings");
    ratingsFailing = new Backend("ratings-failing", null, 503);
    details = new Backend("details");
    echo = new TcpEcho("echo");
    outside = new TcpEcho("outside");
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", resources(SidecarShapes.PASSTHROUGH));
    controlPlane.setNameTable("1", nameTable(Map.of(
        RATINGS_DB, NameInfo.kubernetes(RATINGS_DB, RATINGS_DB_VIP),
        ECHO, NameInfo.kubernetes(ECHO, ECHO_VIP))));
    Path bootstrap = Bootstraps.sidecarShaped(dir, controlPlane.serverUri());
    http = AgentJvm.start(AgentJvm.meshArgs(bootstrap), Map.of(), HttpProbe.class.getName());
    // the probe and the PostgreSQL driver, as an application ships it
    String classpath = AgentJvm.testClasspath() + java.io.File.pathSeparator + Path.of(
        org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    tcp = AgentJvm.start(System.getProperty("java.home"), AgentJvm.meshArgs(bootstrap), Map.of(),
        classpath, TcpProbe.class.getName());
    http.await("READY", 30);
    tcp.await("READY", 30);
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {http, tcp, controlPlane, reviewsV1, reviewsV2,
        ratings, ratingsFailing, details, echo, outside}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static FractionalPercent percent(int value) {
    return FractionalPercent.newBuilder().setNumerator(value)
        .setDenominator(FractionalPercent.DenominatorType.HUNDRED).build();
  }

  private static Route route(String name, String prefix, RouteAction.Builder action) {
    return Route.newBuilder().setName(name).setMatch(RouteMatch.newBuilder().setPrefix(prefix))
        .setRoute(action).build();
  }

  /** @param outboundTrafficPolicy what virtualOutbound sends unknown destinations to */
  private XdsResources resources(String outboundTrafficPolicy) {
    String reviewsV1Cluster = clusterName(REVIEWS, HTTP_PORT, "v1");
    String reviewsV2Cluster = clusterName(REVIEWS, HTTP_PORT, "v2");
    String ratingsCluster = clusterName(RATINGS, HTTP_PORT, "");
    String detailsCluster = clusterName(DETAILS, LIMITED_PORT, "");
    String dbCluster = clusterName(RATINGS_DB, 5432, "");
    String echoCluster = clusterName(ECHO, ECHO_PORT, "");
    String echoLimitedCluster = clusterName(ECHO_LIMITED, ECHO_PORT, "");
    String echoPooledCluster = clusterName(ECHO_POOLED, ECHO_PORT, "");
    // what istiod writes for a VirtualService with retries: attempts 3, retryOn 5xx
    RetryPolicy retries = RetryPolicy.newBuilder().setRetryOn("5xx")
        .setNumRetries(UInt32Value.of(2))
        .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
            .setName("envoy.retry_host_predicates.previous_hosts")
            .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
        .setHostSelectionRetryMaxAttempts(5).build();
    Route reviewsSplit = route("reviews-split", "/", RouteAction.newBuilder()
        .setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(reviewsV1Cluster)
                .setWeight(UInt32Value.of(90)))
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(reviewsV2Cluster)
                .setWeight(UInt32Value.of(10)))));
    Route ratingsFault = route("ratings-fault", "/fault", RouteAction.newBuilder()
        .setCluster(ratingsCluster)).toBuilder()
        .putTypedPerFilterConfig(FAULT, Any.pack(HTTPFault.newBuilder().setAbort(
            FaultAbort.newBuilder().setHttpStatus(503).setPercentage(percent(100))).build()))
        .build();
    Route ratingsRetried = route("ratings", "/", RouteAction.newBuilder()
        .setCluster(ratingsCluster).setRetryPolicy(retries));
    // a DestinationRule's outlierDetection: consecutive5xxErrors 3, interval 1s, ejection 60s
    OutlierDetection outliers = OutlierDetection.newBuilder()
        .setConsecutive5Xx(UInt32Value.of(3))
        .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(1))
        .setBaseEjectionTime(com.google.protobuf.Duration.newBuilder().setSeconds(60))
        .setMaxEjectionPercent(UInt32Value.of(100)).build();
    List<Cluster> clusters = new ArrayList<>(List.of(
        edsCluster(REVIEWS, HTTP_PORT, "v1", null, null),
        edsCluster(REVIEWS, HTTP_PORT, "v2", null, null),
        edsCluster(RATINGS, HTTP_PORT, "", null, outliers),
        edsCluster(DETAILS, LIMITED_PORT, "", null, null),
        edsCluster(RATINGS_DB, 5432, "", null, null),
        edsCluster(ECHO, ECHO_PORT, "", null, null),
        edsCluster(ECHO_LIMITED, ECHO_PORT, "", null, null),
        // a DestinationRule's connectionPool.tcp.maxConnections: 1
        edsCluster(ECHO_POOLED, ECHO_PORT, "", CircuitBreakers.Thresholds.newBuilder()
            .setMaxConnections(UInt32Value.of(1)).build(), null),
        passthroughCluster(), blackHoleCluster(), inboundPassthroughCluster(),
        inboundCluster(HTTP_PORT)));
    return new XdsResources(
        List.of(httpListener(HTTP_PORT, List.of()),
            httpListener(LIMITED_PORT, List.of(httpLocalRateLimit(5, 60))),
            tcpListener(RATINGS_DB_VIP, 5432, dbCluster, List.of()),
            tcpListener(ECHO_VIP, ECHO_PORT, echoCluster, List.of()),
            tcpListener(ECHO_LIMITED_VIP, ECHO_PORT, echoLimitedCluster,
                List.of(networkLocalRateLimit(2, 60))),
            tcpListener(ECHO_POOLED_VIP, ECHO_PORT, echoPooledCluster, List.of()),
            outboundTrafficPolicy.equals(SidecarShapes.PASSTHROUGH) ? virtualOutbound()
                : registryOnly(virtualOutbound()),
            virtualInbound()),
        List.of(
            routeConfig(HTTP_PORT, List.of(
                virtualHost(REVIEWS, HTTP_PORT, REVIEWS_VIP, List.of(reviewsSplit)),
                virtualHost(RATINGS, HTTP_PORT, RATINGS_VIP, List.of(ratingsFault,
                    ratingsRetried)))),
            routeConfig(LIMITED_PORT, List.of(virtualHost(DETAILS, LIMITED_PORT, DETAILS_VIP,
                List.of(route("details", "/", RouteAction.newBuilder()
                    .setCluster(detailsCluster))))))),
        clusters,
        List.of(
            endpoints(reviewsV1Cluster, "127.0.0.1:" + reviewsV1.port()),
            endpoints(reviewsV2Cluster, "127.0.0.1:" + reviewsV2.port()),
            endpoints(ratingsCluster, "127.0.0.1:" + ratings.port(),
                "127.0.0.1:" + ratingsFailing.port()),
            endpoints(detailsCluster, "127.0.0.1:" + details.port()),
            endpoints(dbCluster, "127.0.0.1:5432"),
            endpoints(echoCluster, "127.0.0.1:" + echo.port()),
            endpoints(echoLimitedCluster, "127.0.0.1:" + echo.port()),
            endpoints(echoPooledCluster, "127.0.0.1:" + echo.port())));
  }

  /** virtualOutbound as istiod writes it for outboundTrafficPolicy REGISTRY_ONLY. */
  private static Listener registryOnly(Listener virtualOutbound) {
    return virtualOutbound.toBuilder().setDefaultFilterChain(FilterChain.newBuilder()
        .setName("PassthroughFilterChain")
        .addFilters(networkFilter("envoy.filters.network.tcp_proxy", Any.pack(
            TcpProxy.newBuilder().setStatPrefix(SidecarShapes.BLACK_HOLE)
                .setCluster(SidecarShapes.BLACK_HOLE).build())))).build();
  }

  private static String url(String host, int port, String path) {
    return "http://" + host + ":" + port + path;
  }

  @Test
  void httpCallsFollowTheSplitOfThePortsRouteConfiguration() throws Exception {
    ProbeResult r = http.call("jdk", 1000, url(REVIEWS, HTTP_PORT, "/reviews/1"));
    assertEquals(0, r.errors(), r.firstError());
    // binomial(1000, 0.1): 100 +- 4.5 standard deviations
    assertTrue(r.count("v2") >= 57 && r.count("v2") <= 143, r.counts().toString());
    assertEquals(1000, r.count("v1") + r.count("v2"), r.counts().toString());
    ProbeResult shortName = http.call("urlconnection", 50, url("reviews", HTTP_PORT, "/"));
    assertEquals(50, shortName.count("v1") + shortName.count("v2"), shortName.firstError());
  }

  @Test
  void aVirtualServicesFaultAndRetriesAndADestinationRulesOutlierDetectionGovernCalls()
      throws Exception {
    ProbeResult fault = http.call("jdk", 10, url(RATINGS, HTTP_PORT, "/fault"));
    assertEquals(Map.of("status-503-FI", 10), fault.counts(), fault.firstError());
    ProbeResult retried = http.call("jdk", 40, url(RATINGS, HTTP_PORT, "/ratings/1"));
    assertEquals(Map.of("ratings", 40), retried.counts(),
        "every 503 was retried onto the healthy endpoint: " + retried.firstError());
    // three consecutive 5xx eject the failing endpoint for 60 s: it sees no more calls
    int failingSeen = ratingsFailing.requests();
    assertTrue(failingSeen >= 3, "failing endpoint saw " + failingSeen);
    ProbeResult after = http.call("urlconnection", 40, url(RATINGS, HTTP_PORT, "/ratings/2"));
    assertEquals(Map.of("ratings", 40), after.counts(), after.firstError());
    assertEquals(failingSeen, ratingsFailing.requests(), "ejected endpoint was still called");
  }

  @Test
  void anEnvoyFiltersTypedStructLocalRateLimitAppliesToItsPort() throws Exception {
    ProbeResult r = http.call("jdk", 12, url(DETAILS, LIMITED_PORT, "/details/1"));
    assertEquals(Map.of("details", 5, "status-429-RL", 7), r.counts(), r.firstError());
  }

  @Test
  void tcpConnectionsToAVipReachItsEndpoint() throws Exception {
    assertEquals("OK echo ping", command(tcp, "socket " + ECHO_VIP + " " + ECHO_PORT));
    assertEquals("OK echo ping", command(tcp, "nio " + ECHO_VIP + " " + ECHO_PORT));
    assertEquals("OK echo ping", command(tcp, "nbio " + ECHO_VIP + " " + ECHO_PORT),
        "a non-blocking connect, as Kafka's and Netty's NIO clients make");
    assertEquals("OK echo ping", command(tcp, "socket " + ECHO + " " + ECHO_PORT),
        "a name the name table resolves");
    assertEquals("OK test",
        command(tcp, "jdbc jdbc:postgresql://" + RATINGS_DB_VIP + ":5432/test"));
    assertEquals("OK test", command(tcp, "jdbc jdbc:postgresql://" + RATINGS_DB + ":5432/test"),
        "JDBC by service name, resolved by NDS");
  }

  @Test
  void aNetworkLocalRateLimitRefusesConnectionsBeyondItsBucket() throws Exception {
    String cmd = "socket " + ECHO_LIMITED_VIP + " " + ECHO_PORT;
    assertEquals("OK echo ping", command(tcp, cmd));
    assertEquals("OK echo ping", command(tcp, cmd));
    String refused = command(tcp, cmd);
    assertTrue(refused.startsWith("ERR java.net.ConnectException"), refused);
  }

  @Test
  void routedConnectionsCountInIstiosTcpMetrics() throws Exception {
    assertEquals("OK echo ping", command(tcp, "socket " + ECHO_VIP + " " + ECHO_PORT));
    String scrape = Scrape.metrics(Scrape.metricsAddress(tcp));
    for (String counter : List.of("istio_tcp_connections_opened_total",
        "istio_tcp_connections_closed_total")) {
      assertTrue(scrape.lines().anyMatch(l -> l.startsWith(counter + "{")
          && l.contains("destination_service=\"" + ECHO + "\"")
          && l.contains("request_protocol=\"tcp\"") && !l.endsWith(" 0.0")), scrape);
    }
  }

  @Test
  void maxConnectionsBoundsTheOpenConnectionsToACluster() throws Exception {
    String target = ECHO_POOLED_VIP + " " + ECHO_PORT;
    assertEquals("OK echo ping", command(tcp, "open held " + target));
    String refused = command(tcp, "socket " + target);
    assertTrue(refused.startsWith("ERR java.net.ConnectException") && refused.contains(
        "max_connections (1)"), refused);
    assertEquals("OK closed held", command(tcp, "close held"));
    assertEquals("OK echo ping", command(tcp, "socket " + target),
        "the closed connection gave its admission back");
    assertEquals("OK echo ping", command(tcp, "nio " + target),
        "and so did the socket closed just before");
  }

  @Test
  void unknownDestinationsPassThroughThenRegistryOnlyRefusesThem() throws Exception {
    String cmd = "socket 127.0.0.1 " + outside.port();
    assertEquals("OK outside ping", command(tcp, cmd), "PassthroughCluster");
    ProbeResult direct = http.call("jdk", 3, url("127.0.0.1", details.port(), "/"));
    assertEquals(Map.of("details", 3), direct.counts(), direct.firstError());
    controlPlane.setResources("2", resources(SidecarShapes.BLACK_HOLE));
    String last = "";
    for (int i = 0; i < 50 && !last.startsWith("ERR"); i++) {
      Thread.sleep(100);
      last = command(tcp, cmd);
    }
    assertTrue(last.startsWith("ERR java.net.ConnectException"), last);
    assertEquals("OK echo ping", command(tcp, "socket " + ECHO_VIP + " " + ECHO_PORT),
        "services of the registry are still reached");
    controlPlane.setResources("3", resources(SidecarShapes.PASSTHROUGH));
  }

  @Test
  void theSameApplicationInProxylessModeStillWorks() throws Exception {
    String v1 = clusterName(REVIEWS, HTTP_PORT, "v1");
    try (LocalControlPlane proxyless = LocalControlPlane.onLoopback().start()) {
      proxyless.setResources("1", new XdsResources(
          List.of(IstiodShapes.listener(REVIEWS, HTTP_PORT)),
          List.of(IstiodShapes.routeConfig(REVIEWS, HTTP_PORT,
              List.of(IstiodShapes.defaultRoute(v1)))),
          List.of(IstiodShapes.cluster(REVIEWS, HTTP_PORT, "v1")),
          List.of(endpoints(v1, "127.0.0.1:" + reviewsV1.port()))));
      Path proxylessDir = Files.createDirectories(dir.resolve("proxyless"));
      try (AgentJvm app = AgentJvm.start(AgentJvm.meshArgs(Bootstraps.pilotAgentShaped(
          proxylessDir, proxyless.serverUri())), Map.of(), HttpProbe.class.getName())) {
        app.await("READY", 30);
        ProbeResult r = app.call("jdk", 20, url(REVIEWS, HTTP_PORT, "/"));
        assertEquals(Map.of("v1", 20), r.counts(), r.firstError());
        assertTrue(app.stderrContains("xDS mode proxyless"), String.join("\n", app.stderr()));
      }
    }
    assertTrue(http.stderrContains("xDS mode sidecar"), String.join("\n", http.stderr()));
  }

  private static String command(AgentJvm app, String line) throws InterruptedException {
    app.send(line);
    return app.await("", 20);
  }
}
