package io.inmesh.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.LoadAssignment;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.route.ClusterSpecifier;
import io.inmesh.policies.route.HeaderMatcher;
import io.inmesh.policies.route.PathMatcher;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteAction;
import io.inmesh.policies.route.RouteMatch;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.VirtualHost;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

  static final String V1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
  static final String V2 = "outbound|9080|v2|reviews.default.svc.cluster.local";

  private final AtomicBoolean ready = new AtomicBoolean(false);
  private AdminServer admin;
  private IstioMetrics metrics;

  static MeshSnapshot bookinfo() {
    Route jason = new Route("jason-to-v2", new RouteMatch(new PathMatcher.Prefix("/", true),
        List.of(HeaderMatcher.ofString("end-user", HeaderMatcher.Kind.EXACT, "jason", false,
            false))), RouteAction.Forward.to(new ClusterSpecifier.ToCluster(V2)));
    Route rest = new Route("default", new RouteMatch(new PathMatcher.Prefix("/", true),
        List.of()), RouteAction.Forward.to(new ClusterSpecifier.ToCluster(V1)));
    Route moved = new Route("moved", new RouteMatch(new PathMatcher.Exact("/old", true),
        List.of()), new RouteAction.DirectResponse(410, "gone"));
    VirtualHost vh = new VirtualHost("reviews.default.svc.cluster.local:9080",
        List.of("reviews.default.svc.cluster.local", "reviews", "reviews:9080"),
        List.of(moved, jason, rest));
    RouteTable table = new RouteTable("9080", List.of(vh));
    ClusterState v1 = ClusterState.of(
        new UpstreamCluster(V1, V1, UpstreamCluster.LbPolicy.ROUND_ROBIN),
        LoadAssignment.of(List.of(new Endpoint("127.96.0.1", 9080, 1, HealthStatus.HEALTHY))),
        null);
    ClusterState v2 = ClusterState.of(
        new UpstreamCluster(V2, V2, UpstreamCluster.LbPolicy.LEAST_REQUEST),
        LoadAssignment.of(List.of(new Endpoint("127.96.0.2", 9080, 3, HealthStatus.HEALTHY),
            new Endpoint("127.96.0.3", 9080, 1, HealthStatus.UNHEALTHY))),
        null);
    v2.loadBalancer().host("127.96.0.2:9080").activeRequests().started();
    return new MeshSnapshot(Map.of("reviews:9080", table), Map.of(V1, v1, V2, v2), 7);
  }

  @BeforeEach
  void start() {
    metrics = new IstioMetrics(SourceWorkload.UNKNOWN_WORKLOAD, EndpointMetadata.NONE);
    metrics.onCall(Calls.ok(V1, 200, 1, 1, 1));
    MeshSnapshot snapshot = bookinfo();
    admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), metrics, ready::get,
        () -> snapshot);
    assertNotNull(admin);
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertEquals(new Http(200, "text/plain; charset=utf-8", "ok\n"),
        Http.get(admin.address(), "/healthz"));
    assertEquals(503, Http.get(admin.address(), "/ready").status());
    ready.set(true);
    Http r = Http.get(admin.address(), "/ready");
    assertEquals(200, r.status());
    assertEquals("LIVE\n", r.body());
    assertEquals(404, Http.get(admin.address(), "/nope").status());
  }

  @Test
  void prometheus() throws Exception {
    Http r = Http.get(admin.address(), "/stats/prometheus");
    assertEquals(200, r.status());
    assertTrue(r.body().lines().anyMatch(l -> l.startsWith("istio_requests_total{")
        && l.endsWith(" 1.0")), r.body());
  }

  @Test
  void configDump() throws Exception {
    Http r = Http.get(admin.address(), "/config_dump");
    assertEquals(200, r.status());
    assertEquals("application/json", r.contentType());
    JsonObject dump = JsonParser.parseString(r.body()).getAsJsonObject();
    assertEquals(7, dump.get("version").getAsLong());
    JsonObject rc = dump.getAsJsonArray("route_configs").get(0).getAsJsonObject();
    assertEquals("reviews:9080", rc.get("target").getAsString());
    assertEquals("9080", rc.get("name").getAsString());
    JsonObject vh = rc.getAsJsonArray("virtual_hosts").get(0).getAsJsonObject();
    assertEquals(3, vh.getAsJsonArray("routes").size());
    JsonObject jason = vh.getAsJsonArray("routes").get(1).getAsJsonObject();
    assertEquals("jason-to-v2", jason.get("name").getAsString());
    assertEquals("prefix /", jason.getAsJsonObject("match").get("path").getAsString());
    assertEquals(V2, jason.getAsJsonObject("action").get("clusters").getAsString());
    assertEquals("15s", jason.getAsJsonObject("action").get("timeout").getAsString());
    JsonObject c2 = dump.getAsJsonArray("clusters").get(1).getAsJsonObject();
    assertEquals(V2, c2.get("name").getAsString());
    assertEquals("LEAST_REQUEST", c2.get("lb_policy").getAsString());
    JsonObject ep = c2.getAsJsonArray("endpoints").get(0).getAsJsonObject();
    assertEquals("127.96.0.2:9080", ep.get("address").getAsString());
    assertEquals(3, ep.get("weight").getAsInt());
    assertEquals(1, ep.get("active_requests").getAsInt());
  }

  @Test
  void routesPaged() throws Exception {
    List<String> all = Http.get(admin.address(), "/routes").body().lines().toList();
    assertEquals(List.of(
        "reviews:9080\t9080\treviews.default.svc.cluster.local:9080\tmoved\texact /old\t"
            + "direct_response 410",
        "reviews:9080\t9080\treviews.default.svc.cluster.local:9080\tjason-to-v2\tprefix / "
            + "headers=[" + HeaderMatcher.ofString("end-user", HeaderMatcher.Kind.EXACT, "jason",
            false, false) + "]\troute " + V2,
        "reviews:9080\t9080\treviews.default.svc.cluster.local:9080\tdefault\tprefix /\troute "
            + V1), all);
    assertEquals(List.of(all.get(1)),
        Http.get(admin.address(), "/routes?offset=1&limit=1").body().lines().toList());
    assertEquals(400, Http.get(admin.address(), "/routes?limit=x").status());
  }

  @Test
  void clusters() throws Exception {
    String text = Http.get(admin.address(), "/clusters").body();
    assertTrue(text.contains(V2 + "::127.96.0.2:9080::health_flags::healthy\n"), text);
    assertTrue(text.contains(V2 + "::127.96.0.2:9080::weight::3\n"), text);
    assertTrue(text.contains(V2 + "::127.96.0.2:9080::rq_active::1\n"), text);
    assertTrue(text.contains(V2 + "::127.96.0.3:9080::health_flags::unhealthy\n"), text);
    assertTrue(text.contains(V1 + "::127.96.0.1:9080::rq_active::0\n"), text);
    // the breaker's thresholds (DEFAULT priority) and what this process holds now
    assertTrue(text.contains(V2 + "::default_priority::max_requests::1024\n"), text);
    assertTrue(text.contains(V2 + "::upstream_rq_pending_overflow::0\n"), text);
  }

  @Test
  void configDumpSaysWhenItWasUpdatedAndTheLastNack() throws Exception {
    admin.close();
    MeshSnapshot snapshot = bookinfo();
    admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), metrics, ready::get,
        () -> snapshot, () -> new XdsStatus(1_795_000_000_000L,
            "RDS 9080: invalid RE2 regex", 1_795_000_001_000L));
    JsonObject dump = JsonParser.parseString(Http.get(admin.address(), "/config_dump").body())
        .getAsJsonObject();
    assertEquals("2026-11-18T11:06:40Z", dump.get("last_updated").getAsString());
    JsonObject nack = dump.getAsJsonObject("last_nack");
    assertEquals("RDS 9080: invalid RE2 regex", nack.get("error_detail").getAsString());
    assertEquals("2026-11-18T11:06:41Z", nack.get("at").getAsString());
  }

  @Test
  void explainPicksRouteClusterAndEndpoint() throws Exception {
    JsonObject jason = explain("/explain?authority=reviews:9080&path=/reviews/1"
        + "&header=end-user:jason");
    assertEquals("reviews:9080", jason.get("target").getAsString());
    assertEquals("9080", jason.get("route_config").getAsString());
    assertEquals("reviews.default.svc.cluster.local:9080",
        jason.get("virtual_host").getAsString());
    assertEquals("ROUTED", jason.get("result").getAsString());
    assertEquals("jason-to-v2", jason.get("route").getAsString());
    assertEquals(V2, jason.get("cluster").getAsString());
    // The only healthy endpoint of v2.
    assertEquals("127.96.0.2:9080", jason.get("endpoint").getAsString());
    assertEquals("15s", jason.getAsJsonObject("policies").get("timeout").getAsString());
    assertEquals(2, jason.getAsJsonObject("cluster_detail").get("endpoints").getAsInt());

    JsonObject other = explain("/explain?authority=reviews:9080&path=/reviews/1");
    assertEquals("default", other.get("route").getAsString());
    assertEquals(V1, other.get("cluster").getAsString());
    assertEquals("127.96.0.1:9080", other.get("endpoint").getAsString());

    JsonObject gone = explain("/explain?authority=reviews:9080&path=/old");
    assertEquals("LOCAL_REPLY", gone.get("result").getAsString());
    assertEquals(410, gone.get("status").getAsInt());
    assertEquals("gone", gone.getAsJsonObject("local_reply").get("body").getAsString());

    JsonObject unknownHost = explain("/explain?authority=nobody:9080&target=reviews:9080");
    assertEquals("NO_ROUTE", unknownHost.get("result").getAsString());
    assertEquals("NR", unknownHost.get("response_flags").getAsString());

    JsonObject passthrough = explain("/explain?authority=example.com");
    assertEquals("PASSTHROUGH", passthrough.get("result").getAsString());

    assertEquals(400, Http.get(admin.address(), "/explain?path=/").status());
  }

  private JsonObject explain(String query) throws Exception {
    Http r = Http.get(admin.address(), query);
    assertEquals(200, r.status(), r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }
}
