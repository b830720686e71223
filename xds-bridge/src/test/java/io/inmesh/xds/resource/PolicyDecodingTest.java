package io.inmesh.xds.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSession;
import io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSessionPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.http.stateful_session.cookie.v3.CookieBasedSessionState;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.Percent;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.RandomSource;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.Router;
import io.inmesh.policies.Routing;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.LoadAssignment;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import io.inmesh.policies.header.AppendAction;
import io.inmesh.policies.header.HeaderMutations;
import io.inmesh.policies.route.ClusterSpecifier;
import io.inmesh.policies.route.HashPolicy;
import io.inmesh.policies.route.HostRewrite;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.SessionAffinity;
import io.inmesh.xds.MeshResources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decoding of every matching, action and load-balancing field: valid shapes and NACKs. */
class PolicyDecodingTest {

  private static <T> T parse(ResourceType<?, T> type, Message proto) throws ResourceException {
    return type.decode(Any.pack(proto)).value();
  }

  private static String nack(ResourceType<?, ?> type, Message proto) {
    return assertThrows(ResourceException.class, () -> type.decode(Any.pack(proto))).reason();
  }

  private static final RouteConfigResourceType RDS = new RouteConfigResourceType();
  private static final ClusterResourceType CDS = new ClusterResourceType();

  private static RouteConfiguration.Builder config(Route.Builder... routes) {
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName("vh").addDomains("*");
    for (Route.Builder r : routes) {
      vh.addRoutes(r);
    }
    return RouteConfiguration.newBuilder().setName("r").addVirtualHosts(vh);
  }

  private static Route.Builder to(String cluster) {
    return Route.newBuilder().setName("x").setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster(cluster));
  }

  private static Routing route(RouteConfiguration config, RequestView request) throws Exception {
    RouteTable table = parse(RDS, config).table();
    ClusterState c = ClusterState.of(new UpstreamCluster("c", "c", LbPolicy.ROUND_ROBIN),
        LoadAssignment.of(List.of(new Endpoint("127.96.0.1", 80, 1, HealthStatus.HEALTHY))), null);
    ClusterState m = ClusterState.of(new UpstreamCluster("m", "m", LbPolicy.ROUND_ROBIN),
        LoadAssignment.of(List.of(new Endpoint("127.96.0.9", 80, 1, HealthStatus.HEALTHY))), null);
    return Router.route(new MeshSnapshot(Map.of(), Map.of("c", c, "m", m), 1), table, request,
        RandomSource.seeded(3));
  }

  private static RequestView req(String path, String... headers) {
    return io.inmesh.xds.resource.PolicyDecodingTest.TestView.of(path, headers);
  }

  /** A minimal request view. */
  record TestView(String path, Map<String, String> headers) implements RequestView {
    static TestView of(String path, String... kv) {
      Map<String, String> h = new java.util.HashMap<>();
      for (int i = 0; i < kv.length; i += 2) {
        h.put(kv[i], kv[i + 1]);
      }
      return new TestView(path, h);
    }

    @Override
    public String authority() {
      return "h:80";
    }

    @Override
    public String header(String name) {
      return headers.get(name);
    }
  }

  private static HeaderValueOption option(String k, String v) {
    return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(k)
        .setValue(v)).build();
  }

  @Test
  void matchFieldsDecode() throws Exception {
    Route.Builder r = Route.newBuilder().setName("m").setMatch(RouteMatch.newBuilder()
        .setPathSeparatedPrefix("/api")
        .addHeaders(HeaderMatcher.newBuilder().setName("x-n").setRangeMatch(
            io.envoyproxy.envoy.type.v3.Int64Range.newBuilder().setStart(1).setEnd(10)))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-c").setStringMatch(
            StringMatcher.newBuilder().setContains("AB").setIgnoreCase(true)))
        .addQueryParameters(QueryParameterMatcher.newBuilder().setName("v").setStringMatch(
            StringMatcher.newBuilder().setExact("2")))
        .addQueryParameters(QueryParameterMatcher.newBuilder().setName("d")
            .setPresentMatch(true)))
        .setRoute(RouteAction.newBuilder().setCluster("c"));
    RouteConfiguration cfg = config(r).build();
    assertEquals(Routing.Result.ROUTED, route(cfg, req("/api/x?v=2&d", "x-n", "5",
        "x-c", "xaby")).result());
    assertEquals(Routing.Result.NO_ROUTE, route(cfg, req("/apix?v=2&d", "x-n", "5",
        "x-c", "xaby")).result());
    assertEquals(Routing.Result.NO_ROUTE, route(cfg, req("/api?v=3&d", "x-n", "5",
        "x-c", "ab")).result());
    assertEquals(Routing.Result.NO_ROUTE, route(cfg, req("/api?v=2&d", "x-n", "10",
        "x-c", "ab")).result());

    RouteConfiguration grpc = config(Route.newBuilder().setMatch(RouteMatch.newBuilder()
        .setPrefix("/").setGrpc(RouteMatch.GrpcRouteMatchOptions.getDefaultInstance()))
        .setRoute(RouteAction.newBuilder().setCluster("c"))).build();
    assertEquals(Routing.Result.ROUTED, route(grpc, req("/", "content-type",
        "application/grpc+proto")).result());
    assertEquals(Routing.Result.NO_ROUTE, route(grpc, req("/", "content-type", "text/html"))
        .result());
  }

  @Test
  void runtimeFractionIsDrawnPerRequest() throws Exception {
    RuntimeFractionalPercent ten = RuntimeFractionalPercent.newBuilder().setDefaultValue(
        FractionalPercent.newBuilder().setNumerator(10)).build();
    assertEquals(100_000, RouteConfigResourceType.perMillion(ten, "x"));
    RuntimeFractionalPercent tenThousandths = RuntimeFractionalPercent.newBuilder()
        .setDefaultValue(FractionalPercent.newBuilder().setNumerator(25).setDenominator(
            FractionalPercent.DenominatorType.TEN_THOUSAND)).build();
    assertEquals(2500, RouteConfigResourceType.perMillion(tenThousandths, "x"));
    RouteConfiguration cfg = config(Route.newBuilder().setName("canary").setMatch(
        RouteMatch.newBuilder().setPrefix("/").setRuntimeFraction(ten))
        .setRoute(RouteAction.newBuilder().setCluster("m")), to("c")).build();
    var vh = parse(RDS, cfg).table().select("h");
    RandomSource random = RandomSource.seeded(9);
    int canary = 0;
    for (int i = 0; i < 10_000; i++) {
      if (vh.select(req("/"), random).name().equals("canary")) {
        canary++;
      }
    }
    assertEquals(1000, canary, 120);
  }

  @Test
  void actionFieldsDecode() throws Exception {
    Route.Builder r = Route.newBuilder().setName("a").setMatch(RouteMatch.newBuilder()
        .setPrefix("/old/"))
        .addRequestHeadersToAdd(option("x-route", "r"))
        .addResponseHeadersToRemove("x-secret")
        .setRoute(RouteAction.newBuilder().setCluster("c").setPrefixRewrite("/new/")
            .setHostRewriteLiteral("backend")
            .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(3))
            .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(
                com.google.protobuf.Duration.newBuilder().setSeconds(2)))
            .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setCluster("m"))
            .addHashPolicy(RouteAction.HashPolicy.newBuilder().setHeader(
                RouteAction.HashPolicy.Header.newBuilder().setHeaderName("x-user")))
            .addHashPolicy(RouteAction.HashPolicy.newBuilder().setTerminal(true).setCookie(
                RouteAction.HashPolicy.Cookie.newBuilder().setName("s").setTtl(
                    com.google.protobuf.Duration.newBuilder().setSeconds(5))))
            .addHashPolicy(RouteAction.HashPolicy.newBuilder().setConnectionProperties(
                RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true)))
            .addHashPolicy(RouteAction.HashPolicy.newBuilder().setQueryParameter(
                RouteAction.HashPolicy.QueryParameter.newBuilder().setName("q"))));
    RouteConfiguration cfg = config(r).setMostSpecificHeaderMutationsWins(false)
        .addRequestHeadersToAdd(HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder()
            .setKey("x-global").setValue("g")).setAppendAction(
                HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD))
        .build();
    RouteConfigUpdate u = parse(RDS, cfg);
    assertTrue(u.clusterNames().contains("m"), "mirror clusters are subscribed");
    var forward = (io.inmesh.policies.route.RouteAction.Forward) u.table().virtualHosts().get(0)
        .routes().get(0).action();
    assertEquals(4, forward.hashPolicies().size());
    assertInstanceOf(HashPolicy.Cookie.class, forward.hashPolicies().get(1));
    assertTrue(forward.hashPolicies().get(1).terminal());
    Routing routing = route(cfg, req("/old/a?b"));
    assertEquals("/new/a?b", routing.pathAndQuery());
    assertEquals("backend", routing.authority());
    assertEquals(Duration.ofSeconds(3), routing.timeout());
    assertEquals(Duration.ofSeconds(2), routing.effectiveTimeout());
    assertEquals("backend-shadow", routing.mirrors().get(0).authority(), "after host rewrite");
    List<HeaderMutations.Operation> ops = routing.requestHeaders().operations();
    assertEquals(2, ops.size());
    assertEquals("x-route", ((HeaderMutations.Add) ops.get(0)).header().name());
    assertEquals(AppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
        ((HeaderMutations.Add) ops.get(1)).header().action(), "route configuration last");
    assertEquals(new HeaderMutations.Remove("x-secret"),
        routing.responseHeaders().operations().get(0));

    RouteConfiguration reversed = cfg.toBuilder().setMostSpecificHeaderMutationsWins(true).build();
    assertEquals("x-global", ((HeaderMutations.Add) route(reversed, req("/old/a")).requestHeaders()
        .operations().get(0)).header().name());
  }

  @Test
  void timeoutDefaultsToFifteenSecondsAndZeroMeansNone() throws Exception {
    assertEquals(Duration.ofSeconds(15), route(config(to("c")).build(), req("/")).timeout());
    RouteConfiguration zero = config(Route.newBuilder().setMatch(RouteMatch.newBuilder()
        .setPrefix("/")).setRoute(RouteAction.newBuilder().setCluster("c").setTimeout(
            com.google.protobuf.Duration.getDefaultInstance()))).build();
    assertEquals(Duration.ZERO, route(zero, req("/")).effectiveTimeout());
  }

  @Test
  void weightedClusterHeadersClusterHeaderAndHostRewrites() throws Exception {
    Route.Builder weighted = Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setAutoHostRewrite(BoolValue.of(true))
            .setWeightedClusters(WeightedCluster.newBuilder().addClusters(
                WeightedCluster.ClusterWeight.newBuilder().setName("c")
                    .setWeight(UInt32Value.of(1)).addRequestHeadersToAdd(option("x-w", "1"))
                    .setHostRewriteLiteral("c.example"))));
    RouteConfigUpdate u = parse(RDS, config(weighted).build());
    var f = (io.inmesh.policies.route.RouteAction.Forward) u.table().virtualHosts().get(0)
        .routes().get(0).action();
    assertInstanceOf(HostRewrite.Auto.class, f.hostRewrite());
    var wc = ((ClusterSpecifier.WeightedClusters) f.clusters()).clusters().get(0);
    assertEquals("c.example", wc.hostRewrite());
    assertEquals(1, wc.requestHeaders().operations().size());

    Route.Builder byHeader = Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setClusterHeader("x-cluster")
            .setClusterNotFoundResponseCode(RouteAction.ClusterNotFoundResponseCode.NOT_FOUND)
            .setHostRewriteHeader("x-host")
            .setRegexRewrite(RegexMatchAndSubstitute.newBuilder().setPattern(
                RegexMatcher.newBuilder().setRegex("^/(\\w+)$")).setSubstitution("/v2/\\1")));
    RouteConfiguration cfg = config(byHeader).build();
    Routing ok = route(cfg, req("/users", "x-cluster", "c", "x-host", "api"));
    assertEquals("c", ok.cluster());
    assertEquals("api", ok.authority());
    assertEquals("/v2/users", ok.pathAndQuery());
    assertEquals(404, route(cfg, req("/", "x-cluster", "nope")).httpStatus());
  }

  @Test
  void redirectAndDirectResponseDecode() throws Exception {
    Route.Builder redirect = Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/r"))
        .setRedirect(RedirectAction.newBuilder().setHttpsRedirect(true).setHostRedirect("new")
            .setPortRedirect(8443).setPathRedirect("/landing").setStripQuery(true)
            .setResponseCode(RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT));
    Route.Builder direct = Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/d"))
        .addResponseHeadersToAdd(option("x-d", "1"))
        .setDirectResponse(DirectResponseAction.newBuilder().setStatus(503).setBody(
            DataSource.newBuilder().setInlineString("down")));
    RouteConfiguration cfg = config(redirect, direct).build();
    Routing r = route(cfg, req("/r?x=1"));
    assertEquals(308, r.httpStatus());
    assertEquals("https://new:8443/landing", r.localReply().headers().get(0).value());
    Routing d = route(cfg, req("/d"));
    assertEquals(Routing.Result.LOCAL_REPLY, d.result());
    assertEquals(503, d.httpStatus());
    assertEquals("down", d.localReply().body());
    assertFalse(d.responseHeaders().isEmpty());
  }

  @Test
  void statefulSessionFromTheListenerAndPerRoute() throws Exception {
    StatefulSession session = StatefulSession.newBuilder().setSessionState(
        TypedExtensionConfig.newBuilder().setName("cookie").setTypedConfig(Any.pack(
            CookieBasedSessionState.newBuilder().setCookie(
                io.envoyproxy.envoy.type.http.v3.Cookie.newBuilder().setName("sid")
                    .setPath("/")).build()))).build();
    var hcm = MeshResources.hcm().clearHttpFilters()
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.stateful_session")
            .setTypedConfig(Any.pack(session)))
        .addHttpFilters(MeshResources.router())
        .setRouteConfig(config(to("c").putTypedPerFilterConfig(
            "envoy.filters.http.stateful_session", Any.pack(StatefulSessionPerRoute.newBuilder()
                .setDisabled(true).build())))).build();
    ListenerUpdate l = parse(new ListenerResourceType(), MeshResources.listener("t:80", hcm));
    assertEquals(new SessionAffinity(SessionAffinity.Kind.COOKIE, "sid", "/", null, false),
        l.sessionAffinity());
    assertEquals(SessionAffinity.Override.DISABLED, l.inlineRoutes().table().virtualHosts()
        .get(0).routes().get(0).session());
  }

  @Test
  void routeNacks() {
    assertTrue(nack(RDS, config(Route.newBuilder().setMatch(RouteMatch.newBuilder()
        .setPathSeparatedPrefix("/api/")).setRoute(RouteAction.newBuilder().setCluster("c")))
        .build()).contains("path_separated_prefix"));
    assertTrue(nack(RDS, config(to("c").addRequestHeadersToAdd(option(":path", "/x"))).build())
        .contains("may not be modified"));
    assertTrue(nack(RDS, config(to("c").addRequestHeadersToAdd(option("x", "%START_TIME%")))
        .build()).contains("START_TIME"));
    assertTrue(nack(RDS, config(to("c").addRequestHeadersToAdd(HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey("x").setValue("v"))
        .setAppend(BoolValue.of(true)).setAppendAction(
            HeaderValueOption.HeaderAppendAction.ADD_IF_ABSENT))).build())
        .contains("both append and append_action"));
    assertTrue(nack(RDS, config(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setDirectResponse(DirectResponseAction.newBuilder().setStatus(200).setBody(
            DataSource.newBuilder().setInlineString("x".repeat(5000))))).build())
        .contains("max_direct_response_body_size_bytes"));
    assertTrue(nack(RDS, config(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setDirectResponse(DirectResponseAction.newBuilder().setStatus(200).setBody(
            DataSource.newBuilder().setFilename("/etc/passwd")))).build()).contains("FILENAME"));
    assertTrue(nack(RDS, config(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster("c").addHashPolicy(
            RouteAction.HashPolicy.newBuilder().setFilterState(
                RouteAction.HashPolicy.FilterState.newBuilder().setKey("k"))))).build())
        .contains("FILTER_STATE"));
    assertTrue(nack(RDS, config(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setClusterSpecifierPlugin("p"))).build())
        .contains("CLUSTER_SPECIFIER_PLUGIN"));
    assertTrue(nack(RDS, config(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster("c").setPrefixRewrite("/a")
            .setRegexRewrite(RegexMatchAndSubstitute.newBuilder().setPattern(
                RegexMatcher.newBuilder().setRegex("x"))))).build()).contains("only one of"));
    assertTrue(nack(RDS, config(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster("c").setInternalRedirectPolicy(
            io.envoyproxy.envoy.config.route.v3.InternalRedirectPolicy.getDefaultInstance())))
        .build()).contains("internal_redirect_policy"));
    assertTrue(nack(RDS, config(to("c")).setIgnorePathParametersInPathMatching(true).build())
        .contains("ignore_path_parameters"));
    assertTrue(nack(RDS, config(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setNonForwardingAction(
            io.envoyproxy.envoy.config.route.v3.NonForwardingAction.getDefaultInstance())).build())
        .contains("NON_FORWARDING_ACTION"));
  }

  private static Cluster.Builder eds(String name) {
    return MeshResources.edsCluster(name).toBuilder();
  }

  @Test
  void clusterLbSettingsDecode() throws Exception {
    ClusterUpdate ring = parse(CDS, eds("a").setLbPolicy(Cluster.LbPolicy.RING_HASH)
        .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder()
            .setMinimumRingSize(UInt64Value.of(64)).setMaximumRingSize(UInt64Value.of(128)))
        .setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
            .setHealthyPanicThreshold(Percent.newBuilder().setValue(20))
            .setLocalityWeightedLbConfig(
                Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance())
            .setConsistentHashingLbConfig(Cluster.CommonLbConfig.ConsistentHashingLbConfig
                .newBuilder().setUseHostnameForHashing(true))
            .setOverrideHostStatus(io.envoyproxy.envoy.config.core.v3.HealthStatusSet.newBuilder()
                .addStatuses(io.envoyproxy.envoy.config.core.v3.HealthStatus.DRAINING)))
        .build());
    var cfg = ring.cluster().lbConfig();
    assertEquals(LbPolicy.RING_HASH, ring.cluster().lbPolicy());
    assertEquals(64, cfg.minRingSize());
    assertEquals(128, cfg.maxRingSize());
    assertEquals(20.0, cfg.panicThresholdPercent());
    assertTrue(cfg.localityWeighted());
    assertTrue(cfg.useHostnameForHashing());
    assertEquals(java.util.Set.of(HealthStatus.DRAINING), cfg.overrideHostStatus());

    ClusterUpdate lr = parse(CDS, eds("b").setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setLeastRequestLbConfig(Cluster.LeastRequestLbConfig.newBuilder()
            .setChoiceCount(UInt32Value.of(3))).build());
    assertEquals(3, lr.cluster().lbConfig().choiceCount());
    ClusterUpdate maglev = parse(CDS, eds("c").setLbPolicy(Cluster.LbPolicy.MAGLEV)
        .setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(251)))
        .build());
    assertEquals(251, maglev.cluster().lbConfig().maglevTableSize());
  }

  private static LoadBalancingPolicy.Policy typed(Message config) {
    return LoadBalancingPolicy.Policy.newBuilder().setTypedExtensionConfig(TypedExtensionConfig
        .newBuilder().setName("p").setTypedConfig(Any.pack(config))).build();
  }

  @Test
  void typedLoadBalancingPolicyTakesTheFirstSupportedOne() throws Exception {
    LoadBalancingPolicy policy = LoadBalancingPolicy.newBuilder()
        .addPolicies(typed(UInt32Value.of(1)))
        .addPolicies(typed(WrrLocality.newBuilder().setEndpointPickingPolicy(
            LoadBalancingPolicy.newBuilder().addPolicies(typed(LeastRequest.newBuilder()
                .setChoiceCount(UInt32Value.of(4)).build()))).build()))
        .build();
    ClusterUpdate u = parse(CDS, eds("a").setLoadBalancingPolicy(policy).build());
    assertEquals(LbPolicy.LEAST_REQUEST, u.cluster().lbPolicy());
    assertEquals(4, u.cluster().lbConfig().choiceCount());
    assertTrue(u.cluster().lbConfig().localityWeighted());
    assertTrue(nack(CDS, eds("a").setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
        .addPolicies(typed(UInt32Value.of(1)))).build()).contains("no supported policy"));
    assertTrue(nack(CDS, eds("a").setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
        .addPolicies(typed(RingHash.newBuilder().setHashFunction(
            RingHash.HashFunction.MURMUR_HASH_2).build()))).build()).contains("MURMUR"));
  }

  @Test
  void clusterNacks() {
    assertTrue(nack(CDS, eds("a").setLbPolicy(Cluster.LbPolicy.RING_HASH).setRingHashLbConfig(
        Cluster.RingHashLbConfig.newBuilder().setHashFunction(
            Cluster.RingHashLbConfig.HashFunction.MURMUR_HASH_2)).build()).contains("MURMUR"));
    assertTrue(nack(CDS, eds("a").setLbPolicy(Cluster.LbPolicy.RING_HASH).setRingHashLbConfig(
        Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(100))
            .setMaximumRingSize(UInt64Value.of(10))).build()).contains("ring_size"));
    assertTrue(nack(CDS, eds("a").setLbPolicy(Cluster.LbPolicy.MAGLEV).setMaglevLbConfig(
        Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(100))).build())
        .contains("prime"));
    assertTrue(nack(CDS, eds("a").setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
        .setConsistentHashingLbConfig(Cluster.CommonLbConfig.ConsistentHashingLbConfig
            .newBuilder().setHashBalanceFactor(UInt32Value.of(150)))).build())
        .contains("hash_balance_factor"));
    assertTrue(nack(CDS, eds("a").setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
        .setHealthyPanicThreshold(Percent.newBuilder().setValue(120))).build())
        .contains("healthy_panic_threshold"));
    assertTrue(nack(CDS, eds("a").setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build())
        .contains("CLUSTER_PROVIDED"));
    assertTrue(nack(CDS, eds("a").setLbSubsetConfig(Cluster.LbSubsetConfig.newBuilder()
        .addSubsetSelectors(Cluster.LbSubsetConfig.LbSubsetSelector.newBuilder().addKeys("v")))
        .build()).contains("lb_subset_config"));
  }

  @Test
  void endpointLocalitiesHostnamesAndOverprovisioning() throws Exception {
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("c")
        .setPolicy(ClusterLoadAssignment.Policy.newBuilder().setOverprovisioningFactor(
            UInt32Value.of(200)))
        .addEndpoints(LocalityLbEndpoints.newBuilder().setLocality(Locality.newBuilder()
            .setRegion("r").setZone("z1")).setLoadBalancingWeight(UInt32Value.of(3))
            .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(
                io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                    .setAddress(MeshResources.socket("127.96.0.1", 80)).setHostname("pod-1"))))
        .build();
    EndpointUpdate u = parse(new EndpointResourceType(), cla);
    assertEquals(200, u.assignment().overprovisioningFactor());
    assertEquals("r/z1/", u.assignment().localities().get(0).locality());
    assertEquals(3, u.assignment().localities().get(0).weight());
    assertEquals("pod-1", u.endpoints().get(0).hostname());
    assertTrue(nack(new EndpointResourceType(), cla.toBuilder().setPolicy(
        ClusterLoadAssignment.Policy.newBuilder().addDropOverloads(
            ClusterLoadAssignment.Policy.DropOverload.newBuilder().setCategory("x"))).build())
        .contains("drop_overloads"));
    ClusterUpdate dns = parse(CDS, Cluster.newBuilder().setName("dns")
        .setType(Cluster.DiscoveryType.LOGICAL_DNS)
        .setLoadAssignment(MeshResources.endpoints("dns", "api.example.com:443")).build());
    assertEquals("api.example.com", dns.inlineEndpoints().endpoints().get(0).hostname());
    assertNull(parse(CDS, Cluster.newBuilder().setName("s").setType(Cluster.DiscoveryType.STATIC)
        .setLoadAssignment(MeshResources.endpoints("s", "127.96.0.1:80")).build())
        .inlineEndpoints().endpoints().get(0).hostname());
  }
}
