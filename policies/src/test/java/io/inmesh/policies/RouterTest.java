package io.inmesh.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.LoadAssignment;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import io.inmesh.policies.header.AppendAction;
import io.inmesh.policies.header.Header;
import io.inmesh.policies.header.HeaderAddition;
import io.inmesh.policies.header.HeaderEditor;
import io.inmesh.policies.header.HeaderMutations;
import io.inmesh.policies.header.HeaderValue;
import io.inmesh.policies.route.ClusterSpecifier;
import io.inmesh.policies.route.HashPolicy;
import io.inmesh.policies.route.HostRewrite;
import io.inmesh.policies.route.PathMatcher;
import io.inmesh.policies.route.PathRewrite;
import io.inmesh.policies.route.RequestMirrorPolicy;
import io.inmesh.policies.route.Rewrites;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteAction;
import io.inmesh.policies.route.RouteMatch;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.SessionAffinity;
import io.inmesh.policies.route.VirtualHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Actions end to end through {@link Router}, with a fixed random seed. */
class RouterTest {

  private static final RouteMatch ANY = new RouteMatch(new PathMatcher.Prefix("/", true),
      List.of());

  private static ClusterState cluster(String name, LbPolicy policy, String... hostPorts) {
    List<Endpoint> eps = new ArrayList<>();
    for (String hp : hostPorts) {
      int c = hp.lastIndexOf(':');
      eps.add(new Endpoint(hp.substring(0, c), Integer.parseInt(hp.substring(c + 1)), 1,
          HealthStatus.HEALTHY));
    }
    return ClusterState.of(new UpstreamCluster(name, name, policy), LoadAssignment.of(eps), null);
  }

  private static MeshSnapshot snapshot(ClusterState... clusters) {
    Map<String, ClusterState> map = new HashMap<>();
    for (ClusterState c : clusters) {
      map.put(c.cluster().name(), c);
    }
    return new MeshSnapshot(Map.of(), map, 1);
  }

  private static RouteTable table(Route... routes) {
    return new RouteTable("t", List.of(new VirtualHost("vh", List.of("*"), List.of(routes))));
  }

  private static Route route(RouteMatch match, RouteAction action) {
    return new Route("r", match, action);
  }

  private static RouteAction.Forward forward(String cluster, PathRewrite path, HostRewrite host) {
    return new RouteAction.Forward(new ClusterSpecifier.ToCluster(cluster), path, host, List.of(),
        List.of(), RouteAction.DEFAULT_TIMEOUT, Duration.ZERO, 503);
  }

  private final RandomSource random = RandomSource.seeded(7);
  private final MeshSnapshot snap = snapshot(cluster("c", LbPolicy.ROUND_ROBIN, "127.96.0.1:80"));

  @Test
  void plainRouteHasNoEffectsAndEnvoysDefaultTimeout() {
    Routing r = Router.route(snap, table(route(ANY, RouteAction.Forward.to(
        new ClusterSpecifier.ToCluster("c")))), TestRequest.of("h", "/x"), random);
    assertEquals(Routing.Result.ROUTED, r.result());
    assertEquals("127.96.0.1", r.endpoint().host());
    assertNull(r.pathAndQuery());
    assertNull(r.authority());
    assertSame(HeaderMutations.NONE, r.requestHeaders());
    assertSame(HeaderMutations.NONE, r.responseHeaders());
    assertTrue(r.mirrors().isEmpty());
    assertEquals(Duration.ofSeconds(15), r.timeout());
    assertEquals(Duration.ofSeconds(15), r.effectiveTimeout());
    assertNotNull(r.activeRequests());
  }

  @Test
  void noRouteIsTheSharedInstance() {
    RouteTable t = new RouteTable("t", List.of(new VirtualHost("vh", List.of("other"),
        List.of())));
    assertSame(Routing.NO_ROUTE, Router.route(snap, t, TestRequest.of("h", "/"), random));
    assertEquals(404, Routing.NO_ROUTE.httpStatus());
  }

  @Test
  void prefixRewriteReplacesTheMatchedPartAndKeepsTheQuery() {
    RouteMatch api = new RouteMatch(new PathMatcher.Prefix("/api/", true), List.of());
    Routing r = Router.route(snap, table(route(api, forward("c", new PathRewrite.Prefix("/v2/"),
        null))), TestRequest.of("h", "/api/users?id=1"), random);
    assertEquals("/v2/users?id=1", r.pathAndQuery());
    RouteMatch exact = new RouteMatch(new PathMatcher.Exact("/old", true), List.of());
    r = Router.route(snap, table(route(exact, forward("c", new PathRewrite.Prefix("/new"),
        null))), TestRequest.of("h", "/old?a=b"), random);
    assertEquals("/new?a=b", r.pathAndQuery());
  }

  @Test
  void regexRewriteSubstitutesInThePathOnly() {
    PathRewrite rw = new PathRewrite.Regex(Pattern.compile("^/service/([^/]+)(/.*)$"),
        Rewrites.re2jReplacement("\\2/instance/\\1"));
    Routing r = Router.route(snap, table(route(ANY, forward("c", rw, null))),
        TestRequest.of("h", "/service/foo/v1/api?x=$1"), random);
    assertEquals("/v1/api/instance/foo?x=$1", r.pathAndQuery());
    PathRewrite all = new PathRewrite.Regex(Pattern.compile("one"), Rewrites.re2jReplacement(
        "two"));
    assertEquals("/xxtwo/two", all.rewrite("/xxone/one", null));
  }

  @Test
  void hostRewrites() {
    RequestView req = TestRequest.of("reviews:9080", "/svc/a", "x-host", "from-header");
    Endpoint ip = new Endpoint("127.96.0.1", 80, 1, HealthStatus.HEALTHY);
    Endpoint named = new Endpoint("127.96.0.2", 80, 1, HealthStatus.HEALTHY, "pod-a.local");
    assertEquals("lit", new HostRewrite.Literal("lit").rewrite(req, ip));
    assertNull(new HostRewrite.Auto().rewrite(req, ip), "an IP endpoint keeps the host");
    assertEquals("pod-a.local", new HostRewrite.Auto().rewrite(req, named));
    assertEquals("from-header", new HostRewrite.FromHeader("X-Host").rewrite(req, ip));
    assertNull(new HostRewrite.FromHeader("absent").rewrite(req, ip));
    assertEquals("a.svc", new HostRewrite.PathRegex(Pattern.compile("^/svc/([^/]+)$"),
        Rewrites.re2jReplacement("\\1.svc")).rewrite(req, ip));
    Routing r = Router.route(snap, table(route(ANY, forward("c", null,
        new HostRewrite.Literal("upstream.example")))), req, random);
    assertEquals("upstream.example", r.authority());
  }

  /** A header map for HeaderMutations tests. */
  private static final class Headers implements HeaderEditor {
    final Map<String, List<String>> map = new LinkedHashMap<>();

    @Override
    public boolean contains(String name) {
      return map.containsKey(name);
    }

    @Override
    public void set(String name, String value) {
      map.put(name, new ArrayList<>(List.of(value)));
    }

    @Override
    public void add(String name, String value) {
      map.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }

    @Override
    public void remove(String name) {
      map.remove(name);
    }
  }

  private static HeaderMutations.Operation add(String name, String value, AppendAction action) {
    return new HeaderMutations.Add(new HeaderAddition(name, HeaderValue.parse(value), action,
        false));
  }

  @Test
  void headerMutationsFollowAppendActions() {
    HeaderMutations m = HeaderMutations.of(List.of(
        new HeaderMutations.Remove("x-drop"),
        add("x-append", "b", AppendAction.APPEND_IF_EXISTS_OR_ADD),
        add("x-absent", "new", AppendAction.ADD_IF_ABSENT),
        add("x-present", "kept", AppendAction.ADD_IF_ABSENT),
        add("x-over", "o", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD),
        add("x-only-if", "no", AppendAction.OVERWRITE_IF_EXISTS),
        add("x-empty", "%REQ(x-missing)%", AppendAction.APPEND_IF_EXISTS_OR_ADD),
        add("x-from", "%REQ(x-in)%-%UPSTREAM_REMOTE_ADDRESS%-%%", AppendAction.ADD_IF_ABSENT)));
    Headers h = new Headers();
    h.add("x-drop", "1");
    h.add("x-append", "a");
    h.add("x-present", "old");
    h.add("x-over", "1");
    h.add("x-over", "2");
    m.applyTo(h, TestRequest.of("h", "/", "x-in", "v"),
        new Endpoint("127.96.0.1", 80, 1, HealthStatus.HEALTHY));
    assertFalse(h.contains("x-drop"));
    assertEquals(List.of("a", "b"), h.map.get("x-append"));
    assertEquals(List.of("new"), h.map.get("x-absent"));
    assertEquals(List.of("old"), h.map.get("x-present"));
    assertEquals(List.of("o"), h.map.get("x-over"));
    assertFalse(h.contains("x-only-if"));
    assertFalse(h.contains("x-empty"), "empty values are dropped unless keep_empty_value");
    assertEquals(List.of("v-127.96.0.1:80-%"), h.map.get("x-from"));
  }

  @Test
  void unsupportedCommandOperatorsAreRejected() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> HeaderValue.parse("%START_TIME%"));
    assertTrue(e.getMessage().contains("START_TIME"));
    assertEquals("127.1.1.1", HeaderValue.parse("%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%")
        .resolve(TestRequest.of("h", "/").withSourceIp("127.1.1.1"), null));
  }

  @Test
  void weightedClusterHeadersAndHostReplaceTheRoutes() {
    HeaderMutations routeLevel = HeaderMutations.of(List.of(add("x-level", "route",
        AppendAction.OVERWRITE_IF_EXISTS_OR_ADD)));
    HeaderMutations clusterLevel = HeaderMutations.of(List.of(add("x-level", "cluster",
        AppendAction.OVERWRITE_IF_EXISTS_OR_ADD)));
    ClusterSpecifier.WeightedClusters split = ClusterSpecifier.WeightedClusters.of(List.of(
        new ClusterSpecifier.WeightedCluster("c", 1, clusterLevel, null, "c.example"),
        new ClusterSpecifier.WeightedCluster("d", 1)));
    Route r = new Route("w", ANY, RouteAction.Forward.to(split), routeLevel, HeaderMutations.NONE,
        null);
    MeshSnapshot two = snapshot(cluster("c", LbPolicy.ROUND_ROBIN, "127.96.0.1:80"),
        cluster("d", LbPolicy.ROUND_ROBIN, "127.96.0.2:80"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      Routing routing = Router.route(two, table(r), TestRequest.of("h", "/"), random);
      seen.add(routing.cluster());
      if (routing.cluster().equals("c")) {
        assertSame(clusterLevel, routing.requestHeaders());
        assertEquals("c.example", routing.authority());
      } else {
        assertSame(routeLevel, routing.requestHeaders());
        assertNull(routing.authority());
      }
    }
    assertEquals(Set.of("c", "d"), seen);
  }

  @Test
  void clusterHeaderAndClusterNotFound() {
    RouteAction.Forward byHeader = new RouteAction.Forward(new ClusterSpecifier.ClusterHeader(
        "X-Cluster"), null, null, List.of(), List.of(), Duration.ZERO, Duration.ZERO, 404);
    RouteTable t = table(route(ANY, byHeader));
    assertEquals("c", Router.route(snap, t, TestRequest.of("h", "/", "x-cluster", "c"), random)
        .cluster());
    Routing unknown = Router.route(snap, t, TestRequest.of("h", "/", "x-cluster", "zz"), random);
    assertEquals(Routing.Result.CLUSTER_NOT_FOUND, unknown.result());
    assertEquals(404, unknown.httpStatus());
    assertEquals("NC", unknown.result().responseFlag());
    Routing absent = Router.route(snap, t, TestRequest.of("h", "/"), random);
    assertEquals(Routing.Result.CLUSTER_NOT_FOUND, absent.result());
    Routing empty = Router.route(snapshot(cluster("c", LbPolicy.ROUND_ROBIN)), table(route(ANY,
        forward("c", null, null))), TestRequest.of("h", "/"), random);
    assertEquals(Routing.Result.NO_HEALTHY_UPSTREAM, empty.result());
    assertEquals(503, empty.httpStatus());
  }

  private static String location(RouteAction.Redirect r, String authority, String path,
      String scheme) {
    Routing routing = Router.route(MeshSnapshot.EMPTY, table(route(ANY, r)),
        TestRequest.of(authority, path).withScheme(scheme), RandomSource.seeded(1));
    assertEquals(Routing.Result.LOCAL_REPLY, routing.result());
    assertEquals(r.status(), routing.httpStatus());
    return routing.localReply().headers().get(0).value();
  }

  @Test
  void redirectsBuildTheLocationAsEnvoy() {
    assertEquals("https://h:8080/a?b=1", location(new RouteAction.Redirect("https", null, 0,
        null, null, 301, false), "h:8080", "/a?b=1", "http"));
    assertEquals("https://h/a", location(new RouteAction.Redirect("https", null, 0, null, null,
        301, false), "h:80", "/a", "http"), "the old scheme's default port is dropped");
    assertEquals("http://other/new?b=1", location(new RouteAction.Redirect(null, "other", 0,
        "/new", null, 302, false), "h:8080", "/a?b=1", "http"));
    assertEquals("http://h:9000/a", location(new RouteAction.Redirect(null, null, 9000, null,
        null, 307, true), "h:8080", "/a?b=1", "http"));
    assertEquals("https://h/q?x=1", location(new RouteAction.Redirect("https", null, 443,
        "/q?x=1", null, 308, true), "h", "/a?b=1", "http"), "a query in path_redirect stays");
    assertEquals("http://h/v2/x?y", location(new RouteAction.Redirect(null, null, 0, null,
        new PathRewrite.Prefix("/v2/"), 303, false), "h", "/x?y", "http"));
  }

  @Test
  void directResponseAndRequireTls() {
    Route direct = new Route("d", ANY, new RouteAction.DirectResponse(418, "teapot"),
        HeaderMutations.NONE, HeaderMutations.of(List.of(add("x-r", "1",
            AppendAction.APPEND_IF_EXISTS_OR_ADD))), null);
    Routing r = Router.route(snap, table(direct), TestRequest.of("h", "/"), random);
    assertEquals(Routing.Result.LOCAL_REPLY, r.result());
    assertEquals(418, r.httpStatus());
    assertEquals("teapot", r.localReply().body());
    assertEquals(List.of(new Header("content-type", "text/plain")), r.localReply().headers());
    assertFalse(r.responseHeaders().isEmpty(), "response mutations apply to local replies");
    Routing created = Router.route(snap, table(route(ANY, new RouteAction.DirectResponse(201,
        ""))), TestRequest.of("h", "/x"), random);
    assertEquals(List.of(new Header("location", "http://h/x")), created.localReply().headers());

    RouteTable tls = new RouteTable("t", List.of(new VirtualHost("vh", List.of("*"),
        List.of(route(ANY, forward("c", null, null))), true)));
    Routing redirect = Router.route(snap, tls, TestRequest.of("h", "/p"), random);
    assertEquals(301, redirect.httpStatus());
    assertEquals("https://h/p", redirect.localReply().headers().get(0).value());
    assertEquals(Routing.Result.ROUTED, Router.route(snap, tls, TestRequest.of("h", "/p")
        .withScheme("https"), random).result());
  }

  @Test
  void mirrorsAreSampledByTheirFractionAndGetAShadowHost() {
    MeshSnapshot withMirror = snapshot(cluster("c", LbPolicy.ROUND_ROBIN, "127.96.0.1:80"),
        cluster("m", LbPolicy.ROUND_ROBIN, "127.96.0.9:80"));
    RouteAction.Forward f = new RouteAction.Forward(new ClusterSpecifier.ToCluster("c"), null,
        null, List.of(), List.of(new RequestMirrorPolicy("m", 100_000, true),
            new RequestMirrorPolicy("gone", 1_000_000, false)), Duration.ofSeconds(2),
        Duration.ofSeconds(1), 503);
    int sampled = 0;
    for (int i = 0; i < 10_000; i++) {
      Routing r = Router.route(withMirror, table(route(ANY, f)), TestRequest.of("h:9080", "/"),
          random);
      Routing.Mirror m = r.mirrors().get(0);
      if (m.sampled()) {
        sampled++;
        assertEquals("127.96.0.9", m.endpoint().host());
        assertEquals("h-shadow:9080", m.authority());
      } else {
        assertNull(m.endpoint());
      }
      Routing.Mirror gone = r.mirrors().get(1);
      assertTrue(gone.sampled());
      assertNull(gone.endpoint(), "a mirror cluster without endpoints sends nothing");
      assertEquals("h:9080", gone.authority());
      assertEquals(Duration.ofSeconds(1), r.effectiveTimeout());
    }
    assertEquals(1000, sampled, 100);
    assertEquals("[::1]-shadow:80", RequestMirrorPolicy.shadowAuthority("[::1]:80"));
    assertEquals("h-shadow", RequestMirrorPolicy.shadowAuthority("h"));
  }

  private static RouteAction.Forward hashed(String cluster, HashPolicy... policies) {
    return new RouteAction.Forward(new ClusterSpecifier.ToCluster(cluster), null, null,
        List.of(policies), List.of(), Duration.ZERO, Duration.ZERO, 503);
  }

  @Test
  void hashPoliciesPinAKeyToOneEndpoint() {
    MeshSnapshot ring = snapshot(cluster("c", LbPolicy.RING_HASH, "127.96.0.1:80", "127.96.0.2:80",
        "127.96.0.3:80", "127.96.0.4:80"));
    RouteTable t = table(route(ANY, hashed("c", new HashPolicy.Header("x-user", null, null,
        false))));
    Set<String> endpoints = new HashSet<>();
    for (int u = 0; u < 40; u++) {
      String first = null;
      for (int i = 0; i < 5; i++) {
        String ep = Router.route(ring, t, TestRequest.of("h", "/", "x-user", "u" + u), random)
            .endpoint().address();
        if (first == null) {
          first = ep;
        }
        assertEquals(first, ep, "user u" + u + " sticks");
      }
      endpoints.add(first);
    }
    assertEquals(4, endpoints.size(), "users spread over all endpoints");
  }

  @Test
  void terminalStopsAtTheFirstHashAndSourceIpAndQueryHash() {
    MeshSnapshot ring = snapshot(cluster("c", LbPolicy.MAGLEV, "127.96.0.1:80", "127.96.0.2:80",
        "127.96.0.3:80"));
    RouteTable t = table(route(ANY, hashed("c", new HashPolicy.QueryParameter("id", true),
        new HashPolicy.SourceIp(false))));
    String a = Router.route(ring, t, TestRequest.of("h", "/?id=7").withSourceIp("1.1.1.1"),
        random).endpoint().address();
    for (int i = 0; i < 20; i++) {
      assertEquals(a, Router.route(ring, t, TestRequest.of("h", "/?id=7")
          .withSourceIp("9.9.9." + i), random).endpoint().address(), "terminal id wins");
    }
    Set<String> bySource = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      bySource.add(Router.route(ring, t, TestRequest.of("h", "/").withSourceIp("10.1.1." + i),
          random).endpoint().address());
    }
    assertTrue(bySource.size() > 1);
  }

  @Test
  void aMissingHashCookieIsGeneratedAndSetOnTheResponse() {
    MeshSnapshot ring = snapshot(cluster("c", LbPolicy.RING_HASH, "127.96.0.1:80",
        "127.96.0.2:80"));
    RouteTable t = table(route(ANY, hashed("c", new HashPolicy.Cookie("sticky",
        Duration.ofSeconds(60), "/", List.of("SameSite=Strict"), false))));
    Routing first = Router.route(ring, t, TestRequest.of("h", "/"), random);
    assertEquals(1, first.addedResponseHeaders().size());
    String setCookie = first.addedResponseHeaders().get(0).value();
    assertTrue(setCookie.matches("sticky=\"[0-9a-f]{16}\"; Max-Age=60; Path=/; SameSite=Strict;"
        + " HttpOnly"), setCookie);
    String value = setCookie.substring(8, 24);
    for (int i = 0; i < 10; i++) {
      Routing next = Router.route(ring, t, TestRequest.of("h", "/", "cookie", "sticky=" + value),
          random);
      assertTrue(next.addedResponseHeaders().isEmpty());
      assertEquals(first.endpoint(), next.endpoint());
    }
    Routing noTtl = Router.route(ring, table(route(ANY, hashed("c", new HashPolicy.Cookie("s",
        null, "", List.of(), false)))), TestRequest.of("h", "/"), random);
    assertTrue(noTtl.addedResponseHeaders().isEmpty(), "no ttl: no cookie is generated");
  }

  @Test
  void sessionAffinityUsesTheNamedEndpointAndPinsNewSessions() {
    MeshSnapshot two = snapshot(cluster("c", LbPolicy.ROUND_ROBIN, "127.96.0.1:80",
        "127.96.0.2:80"));
    SessionAffinity cookie = new SessionAffinity(SessionAffinity.Kind.COOKIE, "session", "/",
        null, false);
    RouteTable t = table(route(ANY, forward("c", null, null))).withSessionAffinity(cookie);
    String pinned = java.util.Base64.getEncoder().encodeToString("127.96.0.2:80".getBytes());
    for (int i = 0; i < 6; i++) {
      Routing r = Router.route(two, t, TestRequest.of("h", "/", "cookie", "session=" + pinned),
          random);
      assertEquals("127.96.0.2", r.endpoint().host());
      assertTrue(r.addedResponseHeaders().isEmpty());
    }
    Routing fresh = Router.route(two, t, TestRequest.of("h", "/"), random);
    Header set = fresh.addedResponseHeaders().get(0);
    assertEquals("set-cookie", set.name());
    assertTrue(set.value().startsWith("session=\"" + java.util.Base64.getEncoder()
        .encodeToString(fresh.endpoint().address().getBytes()) + "\"; Path=/"), set.value());

    String gone = java.util.Base64.getEncoder().encodeToString("127.9.9.9:80".getBytes());
    RouteTable strict = table(route(ANY, forward("c", null, null))).withSessionAffinity(
        new SessionAffinity(SessionAffinity.Kind.HEADER, "x-session", null, null, true));
    assertEquals(Routing.Result.NO_HEALTHY_UPSTREAM, Router.route(two, strict,
        TestRequest.of("h", "/", "x-session", gone), random).result());
    Route disabled = new Route("r", ANY, forward("c", null, null), HeaderMutations.NONE,
        HeaderMutations.NONE, SessionAffinity.Override.DISABLED);
    assertTrue(Router.route(two, table(disabled).withSessionAffinity(cookie),
        TestRequest.of("h", "/"), random).addedResponseHeaders().isEmpty());
    assertNotEquals(null, fresh.endpoint());
  }
}
